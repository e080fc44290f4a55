namespace EdgeConv.Runtime;

/// <summary>A slice of an op's work: rows [start, end) of its output, on one thread.</summary>
internal interface IRowParallel
{
    /// <summary>Rows the op's work splits into (e.g. batch × output height); 0 means "run whole".</summary>
    int ParallelRows { get; }

    /// <summary>
    /// Computes rows [start, end) with the calling thread's own <paramref name="scratch"/>. Slices
    /// never overlap, so threads never write the same bytes.
    /// </summary>
    void ExecuteRows(TensorMemory memory, int start, int end, Span<byte> scratch);
}

/// <summary>
/// A fixed set of worker threads, created with the interpreter and kept for its lifetime. Each
/// parallel op is cut into as many contiguous row slices as there are threads; the calling thread
/// runs the first slice itself and waits for the rest. Nothing is allocated per op or per invoke.
/// </summary>
/// <remarks>
/// <para>Hand-offs spin before they block. A model runs dozens of parallel ops per invoke, each a few
/// tens of microseconds once the kernels are fast, and waking a thread blocked in the kernel costs
/// about as much; so a worker that has finished a slice watches the op counter for a while
/// (<see cref="SpinIterations"/>, tens of microseconds) before it sleeps on its event, and the
/// calling thread does the same while it waits for the last slice. Between invokes they sleep.</para>
/// <para>No wake-up is lost: a sleeper announces itself (<c>Interlocked.Exchange</c> of its flag to 1, a
/// full fence), then looks at the counter once more. The waker changes the counter first, then takes the
/// flag back to 0 and sets the event only if it was 1. Either the sleeper sees the new counter
/// (and takes its own flag back; if the waker already took it, a release is on its way and the sleeper
/// consumes it), or the waker sees the flag and wakes the sleeper.</para>
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>Spin-wait rounds before a thread blocks (<see cref="SpinWait"/> with sleeps disabled: pauses, then yields).</summary>
    private const int SpinIterations = 200;

    /// <summary>How long a blocked thread sleeps before it looks at the counters again.</summary>
    private const int RecheckMilliseconds = 50;

    private readonly Thread[] _workers;
    private readonly AutoResetEvent[] _start;
    private readonly int[] _sleeping;     // per worker: 1 while it is (about to be) blocked on _start
    // Kernel events, not SemaphoreSlim: a SemaphoreSlim wait that blocks under contention goes through
    // Monitor and was seen to allocate on the invoking thread (CommandLineTests' bench allocation check,
    // with the CPU oversubscribed). The protocol never has more than one wake-up pending per sleeper, so
    // an auto-reset event's single signal is enough.
    private readonly AutoResetEvent _done = new(false);
    private int _callerSleeping;
    private int _generation;              // bumped once per parallel op: the start signal
    private int _pending;
    private int _slices;
    private IRowParallel? _job;
    private TensorMemory? _memory;
    private int _rows;
    private volatile bool _stopping;
    private Exception? _failure;

    // The runtime allocates a thread's wait bookkeeping on the thread's first wait of any kind (568-704 bytes
    // per thread in a plain .NET 10 process on Linux, measured; even a wait that does not block; none after
    // it, timed out or woken). A caller that only ever spun until, say, the first invoke after a pause would
    // allocate then: so each calling thread takes it before its first op, with a wait on an event that is
    // always set.
    [ThreadStatic]
    private static bool t_callerWaitsReady;
    private static readonly ManualResetEvent s_alwaysSet = new(true);

    public WorkerPool(int threads)
    {
        PrepareCallerWaits();
        Threads = Math.Max(1, threads);
        _workers = new Thread[Threads - 1];
        _start = new AutoResetEvent[Threads - 1];
        _sleeping = new int[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _start[i] = new AutoResetEvent(false);
            int slice = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(slice)) { IsBackground = true, Name = $"EdgeConv worker {slice}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that share the work, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>Runs one op across the pool; returns when every slice is done.</summary>
    public void Run(IRowParallel job, TensorMemory memory)
    {
        int rows = job.ParallelRows;
        int workers = Math.Min(_workers.Length, rows - 1);
        if (workers <= 0)
        {
            job.ExecuteRows(memory, 0, rows, memory.ScratchSlice(0));
            return;
        }
        PrepareCallerWaits();
        _job = job;
        _memory = memory;
        _rows = rows;
        _failure = null;
        _slices = workers + 1;
        Volatile.Write(ref _pending, _workers.Length);
        // Every worker takes part in every op (a worker without a slice just checks in), so the
        // counter of finished workers has one meaning for all ops.
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _workers.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
                _start[i].Set();
        job.ExecuteRows(memory, 0, SliceEnd(0, workers + 1), memory.ScratchSlice(0));
        WaitForWorkers();
        if (_failure is { } e)
            throw new InvalidOperationException("A worker thread failed while running an op.", e);
    }

    /// <summary>Gives the calling thread its wait bookkeeping once (see <see cref="t_callerWaitsReady"/>).</summary>
    private static void PrepareCallerWaits()
    {
        if (t_callerWaitsReady)
            return;
        s_alwaysSet.WaitOne(0);
        t_callerWaitsReady = true;
    }

    private int SliceEnd(int slice, int slices) => (int)((long)_rows * (slice + 1) / slices);

    /// <summary>Spins, then blocks, until every worker has checked in for the current op.</summary>
    private void WaitForWorkers() => Await(ref _pending, 0, untilEqual: true, ref _callerSleeping, _done);

    /// <summary>Spins, then blocks, until the op counter moves past <paramref name="seen"/>.</summary>
    private void WaitForWork(int worker, int seen) => Await(ref _generation, seen, untilEqual: false, ref _sleeping[worker], _start[worker]);

    /// <summary>
    /// Waits until <paramref name="watched"/> equals <paramref name="value"/> (or, with
    /// <paramref name="untilEqual"/> false, differs from it): spins first, then sleeps on
    /// <paramref name="wake"/> under the flag protocol in the remarks. A sleep also ends every
    /// <see cref="RecheckMilliseconds"/> to look again, so that even a lost wake-up would cost a
    /// stall, never a hang.
    /// </summary>
    private static void Await(ref int watched, int value, bool untilEqual, ref int sleeping, AutoResetEvent wake)
    {
        var spin = new SpinWait();
        for (int i = 0; i < SpinIterations; i++)
        {
            if ((Volatile.Read(ref watched) == value) == untilEqual)
                return;
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (true)
        {
            Interlocked.Exchange(ref sleeping, 1);
            if ((Volatile.Read(ref watched) == value) == untilEqual)
            {
                if (Interlocked.Exchange(ref sleeping, 0) == 1)
                    return;
                wake.WaitOne();   // the waker took the flag: its signal is on the way
                return;
            }
            if (wake.WaitOne(RecheckMilliseconds))
                return;
            if (Interlocked.Exchange(ref sleeping, 0) == 0)
            {
                wake.WaitOne();   // taken while we timed out: its signal is on the way
                return;
            }
        }
    }

    private void WorkerLoop(int slice)
    {
        int seen = 0;
        while (true)
        {
            WaitForWork(slice - 1, seen);
            seen = Volatile.Read(ref _generation);
            if (_stopping)
                return;
            try
            {
                if (slice < _slices)
                {
                    int start = SliceEnd(slice - 1, _slices);
                    int end = SliceEnd(slice, _slices);
                    _job!.ExecuteRows(_memory!, start, end, _memory!.ScratchSlice(slice));
                }
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                if (Interlocked.Decrement(ref _pending) == 0 && Interlocked.Exchange(ref _callerSleeping, 0) == 1)
                    _done.Set();
            }
        }
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        Interlocked.Increment(ref _generation);
        foreach (var s in _start)
            s.Set();
        foreach (var t in _workers)
            t.Join();
        foreach (var s in _start)
            s.Dispose();
        _done.Dispose();
    }
}
