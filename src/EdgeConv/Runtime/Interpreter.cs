using System.Runtime.InteropServices;
using EdgeConv.Runtime.Operations;

using EdgeConv.Kernels;

namespace EdgeConv.Runtime;

/// <summary>Called after each op of an observed invoke (e.g. to dump intermediate tensors).</summary>
public interface IOpObserver
{
    /// <summary>The op at <paramref name="opIndex"/> has just written its outputs.</summary>
    void OnOpCompleted(Interpreter interpreter, int opIndex);
}

/// <summary>
/// Runs a <see cref="Model"/>. Owns one arena, allocated here, sized by the model's plan.
/// Not thread-safe: use one interpreter per thread (they may share the model).
/// <see cref="Invoke()"/> allocates nothing.
/// </summary>
public sealed class Interpreter : IDisposable
{
    private readonly TensorMemory _memory;
    private readonly WorkerPool? _pool;
    // Per op: the row-parallel view, or null when the op runs whole on the invoking thread.
    private readonly IRowParallel?[] _parallel;

    /// <summary>
    /// Creates an interpreter, its arena and, for more than one thread, its worker threads (kept
    /// until <see cref="Dispose"/>). Each thread gets its own scratch after the tensors.
    /// </summary>
    public Interpreter(Model model, InterpreterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Threads = Math.Clamp(options?.Threads ?? InterpreterOptions.DefaultThreads, 1, 64);
        int stride = (model.ScratchBytes + AlignedBuffer<byte>.Alignment - 1) & -AlignedBuffer<byte>.Alignment;
        int arena = model.ScratchBytes == 0 ? model.ArenaBytes : model.ScratchOffset + (Threads - 1) * stride + model.ScratchBytes;
        _memory = new TensorMemory(new AlignedBuffer<byte>(arena), model.Graph, model.Plan, model.ScratchOffset, model.ScratchBytes, stride);
        var ops = model.PreparedOperations;
        _parallel = new IRowParallel?[ops.Length];
        for (int i = 0; i < ops.Length; i++)
            _parallel[i] = ops[i] is IRowParallel { ParallelRows: > 1 } p ? p : null;
        if (Threads > 1 && _parallel.Any(p => p is not null))
            _pool = new WorkerPool(Threads);
    }

    /// <summary>Threads that share each op (the invoking thread included).</summary>
    public int Threads { get; }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _pool?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>An interpreter dropped without <see cref="Dispose"/> still releases its threads.</summary>
    ~Interpreter() => _pool?.Dispose();

    /// <summary>The model this interpreter runs.</summary>
    public Model Model { get; }

    /// <summary>Size of this interpreter's arena in bytes.</summary>
    public int ArenaBytes => _memory.ArenaBytes;

    /// <summary>Number of graph inputs.</summary>
    public int InputCount => Model.Inputs.Count;

    /// <summary>Number of graph outputs.</summary>
    public int OutputCount => Model.Outputs.Count;

    /// <summary>Shape, type and quantization of input <paramref name="i"/>.</summary>
    public TensorDetails InputDetails(int i) => Model.Inputs[i];

    /// <summary>Shape, type and quantization of output <paramref name="i"/>.</summary>
    public TensorDetails OutputDetails(int i) => Model.Outputs[i];

    /// <summary>The bytes of input <paramref name="i"/>, to fill before <see cref="Invoke()"/>.</summary>
    public Span<byte> Input(int i) => _memory.Bytes(Model.Graph.Inputs[i]);

    /// <summary>Input <paramref name="i"/> viewed as elements of <typeparamref name="T"/>.</summary>
    public Span<T> Input<T>(int i) where T : struct => MemoryMarshal.Cast<byte, T>(Input(i));

    /// <summary>The bytes of output <paramref name="i"/>, valid after <see cref="Invoke()"/>.</summary>
    public ReadOnlySpan<byte> Output(int i) => _memory.ReadBytes(Model.Graph.Outputs[i]);

    /// <summary>Output <paramref name="i"/> viewed as elements of <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<T> Output<T>(int i) where T : struct => MemoryMarshal.Cast<byte, T>(Output(i));

    /// <summary>
    /// The current bytes of any tensor. Arena memory is reused, so an intermediate tensor is only
    /// meaningful right after the op that writes it (see <see cref="IOpObserver"/>).
    /// </summary>
    public ReadOnlySpan<byte> TensorBytes(int tensorIndex) => _memory.ReadBytes(tensorIndex);

    /// <summary>Runs every op once.</summary>
    public void Invoke()
    {
        var ops = Model.PreparedOperations;
        for (int i = 0; i < ops.Length; i++)
            Run(ops[i], i);
    }

    private void Run(Operation op, int index)
    {
        if (_pool is not null && _parallel[index] is { } p)
            _pool.Run(p, _memory);
        else
            op.Execute(_memory);
    }

    /// <summary>Runs every op once, calling <paramref name="observer"/> after each.</summary>
    public void Invoke(IOpObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var ops = Model.PreparedOperations;
        for (int i = 0; i < ops.Length; i++)
        {
            Run(ops[i], i);
            observer.OnOpCompleted(this, i);
        }
    }
}
