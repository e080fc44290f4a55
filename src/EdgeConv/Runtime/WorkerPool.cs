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
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _start;
    // The last worker to finish releases this; SemaphoreSlim allocates its lock up front, so a
    // blocking wait allocates nothing (CountdownEvent creates one lazily on its first wait).
    private readonly SemaphoreSlim _done = new(0);
    private int _pending;
    private int _slices;
    private IRowParallel? _job;
    private TensorMemory? _memory;
    private int _rows;
    private volatile bool _stopping;
    private Exception? _failure;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        _workers = new Thread[Threads - 1];
        _start = new SemaphoreSlim[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
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
        _job = job;
        _memory = memory;
        _rows = rows;
        _failure = null;
        _slices = workers + 1;
        Volatile.Write(ref _pending, workers);
        for (int i = 0; i < workers; i++)
            _start[i].Release();
        job.ExecuteRows(memory, 0, SliceEnd(0, workers + 1), memory.ScratchSlice(0));
        _done.Wait();
        if (_failure is { } e)
            throw new InvalidOperationException("A worker thread failed while running an op.", e);
    }

    private int SliceEnd(int slice, int slices) => (int)((long)_rows * (slice + 1) / slices);

    private void WorkerLoop(int slice)
    {
        while (true)
        {
            _start[slice - 1].Wait();
            if (_stopping)
                return;
            try
            {
                int start = SliceEnd(slice - 1, _slices);
                int end = SliceEnd(slice, _slices);
                _job!.ExecuteRows(_memory!, start, end, _memory!.ScratchSlice(slice));
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                if (Interlocked.Decrement(ref _pending) == 0)
                    _done.Release();
            }
        }
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        foreach (var s in _start)
            s.Release();
        foreach (var t in _workers)
            t.Join();
        foreach (var s in _start)
            s.Dispose();
        _done.Dispose();
    }
}
