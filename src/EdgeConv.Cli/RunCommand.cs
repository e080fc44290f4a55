using System.Globalization;
using EdgeConv.Graph;
using EdgeConv.Runtime;

namespace EdgeConv.Cli;

/// <summary>`edgeconv run MODEL --input IN.raw --output OUT.raw [--dump DIR]`.</summary>
internal static class RunCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = new Arguments(args, new HashSet<string> { "--input", "--output", "--dump", "--threads" }, new HashSet<string>());
        if (a.Positional.Count != 1)
            throw new CliException("usage: edgeconv run MODEL.tflite --input IN.raw --output OUT.raw [--dump DIR] [--threads N]", 2);
        string inputPath = a.Value("--input") ?? throw new CliException("missing --input IN.raw.", 2);
        string? outputPath = a.Value("--output");
        string? dumpDir = a.Value("--dump");
        var model = ModelFiles.Load(a.Positional[0]);
        using var interpreter = new Interpreter(model, new InterpreterOptions { Threads = a.Int("--threads", InterpreterOptions.DefaultThreads, 1) });
        FillInput(interpreter, inputPath);

        if (dumpDir is not null)
        {
            Directory.CreateDirectory(dumpDir);
            interpreter.Invoke(new TensorDumper(dumpDir));
        }
        else
        {
            interpreter.Invoke();
        }

        if (outputPath is not null)
            File.WriteAllBytes(outputPath, interpreter.Output(0).ToArray());
        PrintOutput(interpreter, stdout);
        if (dumpDir is not null)
            stdout.WriteLine($"dumped {model.Graph.Operators.Sum(o => o.Outputs.Length)} tensors to {dumpDir}");
        return 0;
    }

    public static void FillInput(Interpreter interpreter, string path)
    {
        if (!File.Exists(path))
            throw new CliException($"input file not found: {path}");
        byte[] bytes = File.ReadAllBytes(path);
        var details = interpreter.InputDetails(0);
        if (bytes.Length != details.ByteLength)
            throw new CliException($"input file {path} has {bytes.Length} bytes, but input 0 ('{details.Name}', {details}) needs {details.ByteLength}.");
        bytes.CopyTo(interpreter.Input(0));
    }

    public static void PrintOutput(Interpreter interpreter, TextWriter stdout)
    {
        var d = interpreter.OutputDetails(0);
        stdout.WriteLine($"output 0 '{d.Name}' {d}");
        var values = ReadValues(interpreter.Output(0), d.Type);
        bool quantized = d.Scale != 0f && d.Type != ElementType.Float32;
        const int listLimit = 32;
        if (values.Length <= listLimit)
        {
            for (int i = 0; i < values.Length; i++)
                stdout.WriteLine(quantized
                    ? $"  [{i}] {values[i].ToString(CultureInfo.InvariantCulture)}  ({d.Dequantize((int)values[i]).ToString("G6", CultureInfo.InvariantCulture)})"
                    : $"  [{i}] {values[i].ToString("G6", CultureInfo.InvariantCulture)}");
            return;
        }
        stdout.WriteLine($"  {values.Length} values; top 5:");
        foreach (int i in Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(5))
            stdout.WriteLine(quantized
                ? $"  [{i}] {values[i].ToString(CultureInfo.InvariantCulture)}  ({d.Dequantize((int)values[i]).ToString("G6", CultureInfo.InvariantCulture)})"
                : $"  [{i}] {values[i].ToString("G6", CultureInfo.InvariantCulture)}");
    }

    public static double[] ReadValues(ReadOnlySpan<byte> bytes, ElementType type)
    {
        switch (type)
        {
            case ElementType.Int8:
            {
                var r = new double[bytes.Length];
                for (int i = 0; i < r.Length; i++) r[i] = unchecked((sbyte)bytes[i]);
                return r;
            }
            case ElementType.UInt8:
            {
                var r = new double[bytes.Length];
                for (int i = 0; i < r.Length; i++) r[i] = bytes[i];
                return r;
            }
            case ElementType.Float32:
            {
                var f = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
                var r = new double[f.Length];
                for (int i = 0; i < r.Length; i++) r[i] = f[i];
                return r;
            }
            case ElementType.Int32:
            {
                var f = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes);
                var r = new double[f.Length];
                for (int i = 0; i < r.Length; i++) r[i] = f[i];
                return r;
            }
            default:
                throw new CliException($"cannot print values of type {type}.");
        }
    }

    /// <summary>Writes each op's outputs right after the op, before the arena reuses their memory.</summary>
    private sealed class TensorDumper(string directory) : IOpObserver
    {
        public void OnOpCompleted(Interpreter interpreter, int opIndex)
        {
            foreach (int t in interpreter.Model.Graph.Operators[opIndex].Outputs)
                File.WriteAllBytes(Path.Combine(directory, $"t{t:D3}.raw"), interpreter.TensorBytes(t).ToArray());
        }
    }
}
