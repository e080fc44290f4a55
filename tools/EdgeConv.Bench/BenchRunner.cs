using System.Diagnostics;
using EdgeConv.Formats.TFLite;
using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Runtime;

namespace EdgeConv.Bench;

/// <summary>One benchmark model: an int8 .tflite for EdgeConv and, for float sources, the ONNX files ORT runs.</summary>
internal sealed record BenchModel(string Name, string TfLitePath, string? FloatOnnx, string? QdqOnnx, long Macs, int ArenaBytes);

/// <summary>One measured row of the results table.</summary>
internal sealed record BenchRow(string Model, int Threads, string Engine, double MedianMs, double P90Ms, double GmacPerS,
    double? RatioVsOrtInt8, double? RatioVsOrtFp32, int ArenaBytes, long PeakRssBytes);

/// <summary>Prepares the models (import, quantize, export) and measures the engines side by side.</summary>
internal static class BenchRunner
{
    /// <summary>Quantizes a float ONNX model with synthetic calibration images and writes its .tflite (and QDQ ONNX when available).</summary>
    public static BenchModel Prepare(string name, string onnxPath, string outDir, TextWriter log)
    {
        var imported = OnnxImporter.Import(onnxPath);
        var floatModel = Model.FromGraph(imported.Graph);
        int length = floatModel.Inputs[0].ByteLength / 4;
        var rng = new Random(3);
        var samples = Enumerable.Range(0, 16).Select(_ => new[] { SmoothImage(rng, length) }).ToList();
        var stats = Calibrator.Run(floatModel, samples, withHistograms: false);
        var int8Graph = GraphQuantizer.Quantize(imported.Graph, stats, new QuantizationOptions());
        string tflite = Path.Combine(outDir, name + ".tflite");
        File.WriteAllBytes(tflite, TfLiteModelWriter.Write(int8Graph));
        string? qdq = QdqExport.TryWrite(int8Graph, Path.Combine(outDir, name + ".qdq.onnx"), log);
        var model = Model.Load(tflite);
        log.WriteLine($"prepared {name}: {model.Operations.Count} ops, {model.Operations.Sum(o => o.Macs):N0} MACs, arena {model.ArenaBytes:N0} B");
        return new BenchModel(name, tflite, onnxPath, qdq, model.Operations.Sum(o => o.Macs), model.ArenaBytes);
    }

    /// <summary>An int8 .tflite that ships as is (EdgeConv only: ORT cannot run TFLite files).</summary>
    public static BenchModel FromTfLite(string name, string path)
    {
        var model = Model.Load(path);
        return new BenchModel(name, path, null, null, model.Operations.Sum(o => o.Macs), model.ArenaBytes);
    }

    private static float[] SmoothImage(Random rng, int length)
    {
        var v = new float[length];
        double a = rng.NextDouble() * 6, f = 0.01 + rng.NextDouble() * 0.05;
        for (int i = 0; i < length; i++)
            v[i] = (float)(Math.Sin(f * i + a) * 0.8 + (rng.NextDouble() - 0.5) * 0.4);
        return v;
    }

    /// <summary>Runs every engine of a model in turn, one invoke each per round, after warm-up.</summary>
    public static List<BenchRow> Measure(BenchModel m, int threads, int warmup, int iterations)
    {
        var engines = new List<IEngine> { new EdgeConvEngine(Model.Load(m.TfLitePath), threads) };
        if (m.QdqOnnx is not null)
            engines.Add(new OrtEngine("ort-int8", m.QdqOnnx, threads));
        if (m.FloatOnnx is not null)
            engines.Add(new OrtEngine("ort-fp32", m.FloatOnnx, threads));
        try
        {
            // Tiered JIT: run each engine for at least a second (and --warmup runs) so EdgeConv's
            // kernels are measured in their optimized tier, not the quick first JIT.
            foreach (var e in engines)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < warmup || clock.ElapsedMilliseconds < 1000; i++)
                    e.Run();
            }
            Thread.Sleep(200); // let background tier-1 compiles finish
            var timings = engines.Select(e => new Timings(e.Name)).ToList();
            for (int i = 0; i < iterations; i++)
                for (int k = 0; k < engines.Count; k++)
                    timings[k].Measure(engines[k]);
            long rss = Process.GetCurrentProcess().PeakWorkingSet64;
            double? ortInt8 = timings.FirstOrDefault(t => t.Engine == "ort-int8")?.Median;
            double? ortFp32 = timings.FirstOrDefault(t => t.Engine == "ort-fp32")?.Median;
            return timings.Select(t => new BenchRow(m.Name, threads, t.Engine, t.Median, t.P90, m.Macs / (t.Median * 1e6),
                ortInt8 is { } a ? t.Median / a : null, ortFp32 is { } b ? t.Median / b : null,
                t.Engine == "edgeconv-int8" ? m.ArenaBytes : 0, rss)).ToList();
        }
        finally
        {
            foreach (var e in engines)
                e.Dispose();
        }
    }
}
