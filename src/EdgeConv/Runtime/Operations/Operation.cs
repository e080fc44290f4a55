using EdgeConv.Graph;

namespace EdgeConv.Runtime.Operations;

/// <summary>
/// One prepared op: validated at load, with every parameter and kernel choice fixed. Immutable,
/// so one model's operations serve every interpreter created from it. <see cref="Execute"/> must
/// not allocate.
/// </summary>
internal abstract class Operation
{
    protected Operation(OperatorInfo info) => Info = info;

    /// <summary>The op as the model declares it.</summary>
    public OperatorInfo Info { get; }

    /// <summary>Name of the kernel that runs this op (shown by inspect).</summary>
    public abstract string KernelName { get; }

    /// <summary>Multiply-accumulates per invoke (0 for data movement).</summary>
    public virtual long Macs => 0;

    /// <summary>Parameter count (weights and biases).</summary>
    public virtual long Parameters => 0;

    /// <summary>
    /// Bytes of scratch the op uses during <see cref="Execute"/> (<see cref="TensorMemory.Scratch"/>), fixed at
    /// load. Each interpreter has one scratch region, the size of the largest op's, at the end of its arena:
    /// an interpreter runs its ops one at a time, and nothing in the scratch lives from one op to the next.
    /// </summary>
    public virtual int ScratchBytes => 0;

    /// <summary>A one-line summary of the options, for inspect.</summary>
    public virtual string Describe() => "";

    /// <summary>Runs the op over the interpreter's tensors.</summary>
    public abstract void Execute(TensorMemory memory);
}
