using System.Diagnostics;
using System.Globalization;
using EdgeConv.Runtime;

namespace EdgeConv.Cli;

/// <summary>
/// `edgeconv` with no arguments: person detection on the shared sample inputs when ../shared is
/// there, otherwise a MobileNet-style network built in code with seeded weights.
/// </summary>
internal static class DemoCommand
{
    public static int Run(TextWriter stdout)
    {
        string? shared = SharedData.Locate();
        if (shared is not null && File.Exists(Path.Combine(shared, "models", "person_detect.tflite")))
            return PersonDetection(shared, stdout);
        stdout.WriteLine("../shared/models not found: running the built-in MobileNet-style demo network (seeded weights).");
        var model = Model.FromGraph(Graph.DemoNetworks.MobileNetStyle(seed: 42));
        var interpreter = new Interpreter(model);
        BenchCommand.FillRandom(interpreter, 7);
        interpreter.Invoke();
        RunCommand.PrintOutput(interpreter, stdout);
        PrintCost(model, interpreter, stdout);
        return 0;
    }

    private static int PersonDetection(string shared, TextWriter stdout)
    {
        string modelPath = Path.Combine(shared, "models", "person_detect.tflite");
        var model = Model.Load(modelPath);
        var interpreter = new Interpreter(model);
        var output = interpreter.OutputDetails(0);
        stdout.WriteLine($"person detection: {modelPath}");
        foreach (string sample in new[] { "person", "no_person" })
        {
            string input = Path.Combine(shared, "testdata", sample + ".int8.raw");
            if (!File.Exists(input))
            {
                stdout.WriteLine($"  {sample}: sample input missing ({input})");
                continue;
            }
            RunCommand.FillInput(interpreter, input);
            interpreter.Invoke();
            var o = interpreter.Output<sbyte>(0);
            float noPerson = output.Dequantize(o[0]), person = output.Dequantize(o[1]);
            string verdict = person > noPerson ? "PERSON" : "no person";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {sample + ".int8.raw",-20} person={person:F3} (q {o[1]})  no_person={noPerson:F3} (q {o[0]})  -> {verdict}"));
        }
        PrintCost(model, interpreter, stdout);
        return 0;
    }

    private static void PrintCost(Model model, Interpreter interpreter, TextWriter stdout)
    {
        var stats = BenchCommand.Measure(interpreter, iterations: 20, warmup: 3);
        stdout.WriteLine($"arena_bytes: {model.ArenaBytes}");
        stdout.WriteLine($"macs: {model.Operations.Sum(o => o.Macs):N0}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms: {stats.MedianMs:F3}"));
        stdout.WriteLine($"allocated_bytes_per_invoke: {stats.AllocatedBytesPerInvoke}");
    }
}

/// <summary>Finds the ../shared folder that sits beside the repository.</summary>
public static class SharedData
{
    /// <summary>EDGECONV_SHARED, or the first "shared" folder (with models/) inside an ancestor of the working or app directory.</summary>
    public static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("EDGECONV_SHARED");
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(env) ? env : null;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "models")))
                    return candidate;
            }
        }
        return null;
    }
}
