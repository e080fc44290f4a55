namespace EdgeConv.Quantizer.Cli;

/// <summary>A one-line progress bar on a terminal; plain periodic lines when output is redirected.</summary>
internal sealed class ProgressBar(TextWriter writer, string label)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _lastPercent = -1;

    public void Report(int done, int total)
    {
        int percent = total == 0 ? 100 : done * 100 / total;
        if (percent == _lastPercent)
            return;
        _lastPercent = percent;
        if (_interactive)
        {
            int filled = percent * 30 / 100;
            writer.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% ({done}/{total})");
            if (done == total)
                writer.WriteLine();
        }
        else if (percent % 25 == 0)
        {
            writer.WriteLine($"{label}: {percent}% ({done}/{total})");
        }
    }
}
