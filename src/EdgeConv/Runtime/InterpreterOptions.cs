namespace EdgeConv.Runtime;

/// <summary>How an <see cref="Interpreter"/> runs.</summary>
public sealed record InterpreterOptions
{
    /// <summary>
    /// Threads that share each op's work (the calling thread included); null picks
    /// <see cref="DefaultThreads"/>. Results are identical for every thread count.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>The number of big cores (all cores on a Raspberry Pi), capped at 4.</summary>
    public static int DefaultThreads { get; } = Math.Min(4, BigCores());

    /// <summary>
    /// On big.LITTLE Linux systems cpu_capacity ranks the cores; only the fastest class counts.
    /// Without it (x86, Raspberry Pi) every core is a big core.
    /// </summary>
    private static int BigCores()
    {
        try
        {
            var capacities = new List<int>();
            for (int i = 0; i < Environment.ProcessorCount; i++)
            {
                string path = $"/sys/devices/system/cpu/cpu{i}/cpu_capacity";
                if (!File.Exists(path))
                    return Environment.ProcessorCount;
                capacities.Add(int.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture));
            }
            int max = capacities.Max();
            return Math.Max(1, capacities.Count(c => c == max));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return Environment.ProcessorCount;
        }
    }
}
