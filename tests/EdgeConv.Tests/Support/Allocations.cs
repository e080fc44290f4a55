namespace EdgeConv.Tests.Support;

/// <summary>Proves that code allocates nothing on the calling thread once it has run once.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="action"/> once (JIT, type initialisation), then in windows of <paramref name="perWindow"/>
    /// runs until a window allocates nothing on this thread; fails after <paramref name="windows"/> windows, naming
    /// every window's bytes.
    /// </summary>
    /// <remarks>
    /// An allocation of the code under test recurs, so it shows in every window. The runtime itself allocates on the
    /// calling thread now and then while methods tier up (seen in full test runs: 2,536 bytes once under qemu, 7,952
    /// once on x64, most likely the tiered-compilation worker's thread object), which a retried window absorbs.
    /// </remarks>
    public static void AssertNoneAfterWarmUp(Action action, int perWindow = 1, int windows = 3)
    {
        ArgumentNullException.ThrowIfNull(action);
        action();
        var seen = new long[windows];
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < perWindow; i++)
                action();
            seen[w] = GC.GetAllocatedBytesForCurrentThread() - before;
            if (seen[w] == 0)
                return;
        }
        Assert.Fail($"Allocated {string.Join(", ", seen)} bytes in {windows} windows of {perWindow} runs after a first run.");
    }
}
