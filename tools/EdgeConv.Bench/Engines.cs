using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using EdgeConv.Runtime;

namespace EdgeConv.Bench;

/// <summary>One way to run a model once, timed by the caller.</summary>
internal interface IEngine : IDisposable
{
    string Name { get; }
    void Run();
}

/// <summary>EdgeConv's interpreter on an int8 .tflite, input filled once.</summary>
internal sealed class EdgeConvEngine : IEngine
{
    private readonly Interpreter _interpreter;

    public EdgeConvEngine(Model model, int threads)
    {
        _interpreter = new Interpreter(model, new InterpreterOptions { Threads = threads });
        new Random(1).NextBytes(_interpreter.Input(0));
        Name = "edgeconv-int8";
    }

    public string Name { get; }

    public void Run() => _interpreter.Invoke();

    public void Dispose() => _interpreter.Dispose();
}

/// <summary>ONNX Runtime (CPU provider, all graph optimizations) on a float or QDQ ONNX file.</summary>
internal sealed class OrtEngine : IEngine
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();
    private readonly SessionOptions _options;

    public OrtEngine(string name, string path, int threads)
    {
        Name = name;
        _options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        // Engines alternate run by run in one process; ORT's pool threads otherwise keep spinning
        // after each run and take the cores EdgeConv's workers need next (EdgeConv's block).
        _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(path, _options);
        var meta = _session.InputMetadata.First();
        long[] shape = meta.Value.Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var rng = new Random(1);
        // The QDQ twin keeps the .tflite's int8 input; the float model takes float32.
        switch (meta.Value.ElementDataType)
        {
            case TensorElementType.Int8:
                var q = new sbyte[count];
                for (int i = 0; i < q.Length; i++) q[i] = (sbyte)rng.Next(-128, 128);
                _input = OrtValue.CreateTensorValueFromMemory(q, shape);
                break;
            case TensorElementType.UInt8:
                var u = new byte[count];
                rng.NextBytes(u);
                _input = OrtValue.CreateTensorValueFromMemory(u, shape);
                break;
            default:
                var f = new float[count];
                for (int i = 0; i < f.Length; i++) f[i] = (float)rng.NextDouble();
                _input = OrtValue.CreateTensorValueFromMemory(f, shape);
                break;
        }
        _inputNames = [meta.Key];
        _outputNames = _session.OutputMetadata.Keys.ToArray();
    }

    public string Name { get; }

    public void Run()
    {
        using var outputs = _session.Run(_runOptions, _inputNames, [_input], _outputNames);
    }

    public void Dispose()
    {
        _session.Dispose();
        _input.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }
}

/// <summary>Latency samples of one engine.</summary>
internal sealed class Timings(string engine)
{
    private readonly List<double> _ms = [];

    public string Engine { get; } = engine;

    public void Measure(IEngine e)
    {
        long t0 = Stopwatch.GetTimestamp();
        e.Run();
        _ms.Add((Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency);
    }

    public double Median => Percentile(0.5);
    public double P90 => Percentile(0.9);

    private double Percentile(double p)
    {
        var s = _ms.Order().ToArray();
        double rank = p * (s.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return s[lo] + (s[hi] - s[lo]) * (rank - lo);
    }
}
