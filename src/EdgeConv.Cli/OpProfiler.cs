using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeConv.Runtime;

namespace EdgeConv.Cli;

/// <summary>
/// Per-op timing for `bench --profile`: the observer is called after each op, so the time between
/// two calls is the op's own time (the observer itself costs a timestamp read).
/// </summary>
internal sealed class OpProfiler : IOpObserver
{
    private readonly double[][] _samples;
    private long _last;
    private int _iteration;

    public OpProfiler(int ops, int iterations)
    {
        _samples = new double[ops][];
        for (int i = 0; i < ops; i++)
            _samples[i] = new double[iterations];
    }

    public void Run(Interpreter interpreter)
    {
        for (_iteration = 0; _iteration < _samples[0].Length; _iteration++)
        {
            _last = Stopwatch.GetTimestamp();
            interpreter.Invoke(this);
        }
    }

    public void OnOpCompleted(Interpreter interpreter, int opIndex)
    {
        long now = Stopwatch.GetTimestamp();
        _samples[opIndex][_iteration] = (now - _last) * 1000.0 / Stopwatch.Frequency;
        _last = now;
    }

    public string Render(Model model)
    {
        var inv = CultureInfo.InvariantCulture;
        var medians = _samples.Select(s => { var c = (double[])s.Clone(); Array.Sort(c); return c[c.Length / 2]; }).ToArray();
        double total = medians.Sum();
        var sb = new StringBuilder();
        sb.AppendLine($"{"#",3}  {"op",-22} {"kernel",-36} {"ms",9} {"%",6} {"MACs",13} {"GMAC/s",8}");
        foreach (var op in model.Operations)
        {
            double ms = medians[op.Index];
            string rate = op.Macs > 0 && ms > 0 ? (op.Macs / (ms * 1e6)).ToString("F2", inv) : "";
            sb.AppendLine(string.Create(inv, $"{op.Index,3}  {op.Op,-22} {op.Kernel,-36} {ms,9:F4} {100 * ms / total,6:F1} {op.Macs,13:N0} {rate,8}"));
        }
        sb.AppendLine(string.Create(inv, $"profile_total_ms: {total:F3}"));
        return sb.ToString();
    }
}
