using System.Runtime.InteropServices;

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
public sealed class Interpreter
{
    private readonly TensorMemory _memory;

    /// <summary>Creates an interpreter and its arena.</summary>
    public Interpreter(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _memory = new TensorMemory(new byte[model.ArenaBytes], model.Graph, model.Plan, model.ScratchOffset, model.ScratchBytes);
    }

    /// <summary>The model this interpreter runs.</summary>
    public Model Model { get; }

    /// <summary>Size of this interpreter's arena in bytes.</summary>
    public int ArenaBytes => _memory.Arena.Length;

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
        foreach (var op in Model.PreparedOperations)
            op.Execute(_memory);
    }

    /// <summary>Runs every op once, calling <paramref name="observer"/> after each.</summary>
    public void Invoke(IOpObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var ops = Model.PreparedOperations;
        for (int i = 0; i < ops.Length; i++)
        {
            ops[i].Execute(_memory);
            observer.OnOpCompleted(this, i);
        }
    }
}
