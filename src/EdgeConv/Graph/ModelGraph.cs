namespace EdgeConv.Graph;

/// <summary>A decoded model: tensors, ops in execution order, graph inputs and outputs.</summary>
public sealed class ModelGraph
{
    /// <summary>The model bytes constant tensors point into.</summary>
    public required byte[] Data { get; init; }

    /// <summary>All tensors of the (first) subgraph.</summary>
    public required TensorInfo[] Tensors { get; init; }

    /// <summary>Operators in execution order.</summary>
    public required OperatorInfo[] Operators { get; init; }

    /// <summary>Graph input tensor indices.</summary>
    public required int[] Inputs { get; init; }

    /// <summary>Graph output tensor indices.</summary>
    public required int[] Outputs { get; init; }

    /// <summary>The model's description string, if any.</summary>
    public string? Description { get; init; }

    /// <summary>A name for messages (file name or "model").</summary>
    public string Name { get; init; } = "model";

    /// <summary>The constant data of a tensor.</summary>
    public ReadOnlySpan<byte> ConstantBytes(TensorInfo t)
    {
        if (!t.IsConstant)
            throw new InvalidOperationException($"{t.Describe()} is not constant.");
        return Data.AsSpan(t.DataOffset, t.ByteLength);
    }
}
