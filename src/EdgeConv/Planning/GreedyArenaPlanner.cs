namespace EdgeConv.Planning;

/// <summary>One buffer to place: its size and the first and last op (inclusive) that touch it.</summary>
public readonly record struct BufferLifetime(int Size, int FirstUse, int LastUse);

/// <summary>
/// TFLite Micro's greedy planner, in our words: place the largest buffers first, each at the lowest
/// offset where it overlaps no already placed buffer whose lifetime overlaps its own.
/// </summary>
public static class GreedyArenaPlanner
{
    /// <summary>
    /// Alignment of every buffer's offset, in bytes: a cache line, so that in the 64-byte aligned arena
    /// (<see cref="Kernels.AlignedBuffer{T}"/>) no vector load of a buffer's aligned part spans two lines.
    /// </summary>
    public const int Alignment = 64;

    /// <summary>Returns the offset of each buffer and the arena size they need.</summary>
    public static int[] Plan(IReadOnlyList<BufferLifetime> buffers, out int arenaBytes)
    {
        int n = buffers.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        // Largest first; ties by earlier first use, then index, so plans are deterministic.
        Array.Sort(order, (a, b) =>
        {
            int c = buffers[b].Size.CompareTo(buffers[a].Size);
            if (c != 0) return c;
            c = buffers[a].FirstUse.CompareTo(buffers[b].FirstUse);
            return c != 0 ? c : a.CompareTo(b);
        });

        var offsets = new int[n];
        var placed = new List<int>(n);
        var live = new List<(int Offset, int End)>(n);
        long total = 0;
        foreach (int i in order)
        {
            var buf = buffers[i];
            live.Clear();
            foreach (int j in placed)
            {
                var other = buffers[j];
                if (other.FirstUse <= buf.LastUse && buf.FirstUse <= other.LastUse)
                    live.Add((offsets[j], offsets[j] + other.Size));
            }
            live.Sort((x, y) => x.Offset.CompareTo(y.Offset));
            long candidate = 0;
            foreach (var (offset, end) in live)
            {
                if (candidate + buf.Size <= offset)
                    break;
                candidate = Math.Max(candidate, AlignUp(end));
            }
            if (candidate + buf.Size > int.MaxValue)
                throw new InvalidOperationException("The activations need more than 2 GB of arena.");
            offsets[i] = (int)candidate;
            placed.Add(i);
            total = Math.Max(total, candidate + buf.Size);
        }
        arenaBytes = (int)AlignUp(total);
        return offsets;
    }

    private static long AlignUp(long x) => (x + Alignment - 1) / Alignment * Alignment;
}
