using System.Diagnostics;
using System.Globalization;
using EdgeConv.Runtime;

namespace EdgeConv.Cli;

/// <summary>`edgeconv bench MODEL [--iterations N] [--warmup N]`: latency statistics scripts can read.</summary>
internal static class BenchCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = new Arguments(args, new HashSet<string> { "--iterations", "--warmup", "--threads" }, new HashSet<string> { "--profile" });
        if (a.Positional.Count != 1)
            throw new CliException("usage: edgeconv bench MODEL.tflite [--iterations N] [--warmup N] [--threads N] [--profile]", 2);
        int iterations = a.Int("--iterations", 50, 1);
        int warmup = a.Int("--warmup", 5, 0);
        var model = ModelFiles.Load(a.Positional[0]);
        int threads = a.Int("--threads", InterpreterOptions.DefaultThreads, 1);
        using var interpreter = new Interpreter(model, new InterpreterOptions { Threads = threads });
        FillRandom(interpreter, seed: 1234);
        var stats = Measure(interpreter, iterations, warmup);
        long macs = model.Operations.Sum(o => o.Macs);
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"model: {model.Graph.Name}");
        stdout.WriteLine($"iterations: {iterations}");
        stdout.WriteLine($"warmup: {warmup}");
        stdout.WriteLine($"threads: {interpreter.Threads}");
        stdout.WriteLine($"arena_bytes: {interpreter.ArenaBytes}");
        stdout.WriteLine($"macs: {macs}");
        stdout.WriteLine(string.Create(inv, $"median_ms: {stats.MedianMs:F3}"));
        stdout.WriteLine(string.Create(inv, $"p90_ms: {stats.P90Ms:F3}"));
        stdout.WriteLine(string.Create(inv, $"min_ms: {stats.MinMs:F3}"));
        stdout.WriteLine(string.Create(inv, $"mean_ms: {stats.MeanMs:F3}"));
        stdout.WriteLine(string.Create(inv, $"gmacs_per_s: {macs / (stats.MedianMs * 1e6):F3}"));
        stdout.WriteLine($"allocated_bytes_per_invoke: {stats.AllocatedBytesPerInvoke}");
        if (a.Has("--profile"))
        {
            var profiler = new OpProfiler(model.Operations.Count, iterations);
            profiler.Run(interpreter);
            stdout.WriteLine();
            stdout.Write(profiler.Render(model));
        }
        return 0;
    }

    public sealed record Stats(double MedianMs, double P90Ms, double MinMs, double MeanMs, long AllocatedBytesPerInvoke);

    public static Stats Measure(Interpreter interpreter, int iterations, int warmup)
    {
        // Tiered JIT: warm up for at least a second so the optimized tier is what gets measured.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (warmup > 0 && clock.ElapsedMilliseconds < 1000); i++)
            interpreter.Invoke();
        if (warmup > 0)
        {
            Thread.Sleep(100);
            // The pause put the worker threads to sleep: the next invoke wakes them, slower than the rest.
            interpreter.Invoke();
        }
        var times = new double[iterations];
        long allocated = 0;
        for (int i = 0; i < iterations; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            interpreter.Invoke();
            long t1 = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            times[i] = (t1 - t0) * 1000.0 / Stopwatch.Frequency;
        }
        Array.Sort(times);
        return new Stats(Percentile(times, 0.5), Percentile(times, 0.9), times[0], times.Average(), allocated / iterations);
    }

    private static double Percentile(double[] sorted, double p)
    {
        double rank = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static void FillRandom(Interpreter interpreter, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < interpreter.InputCount; i++)
        {
            var d = interpreter.InputDetails(i);
            if (d.Type == Graph.ElementType.Float32)
            {
                var f = interpreter.Input<float>(i);
                for (int k = 0; k < f.Length; k++)
                    f[k] = (float)(rng.NextDouble() * 2 - 1);
            }
            else
            {
                rng.NextBytes(interpreter.Input(i));
            }
        }
    }
}
