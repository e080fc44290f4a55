using EdgeConv.Graph;

namespace EdgeConv.Runtime;

/// <summary>What a caller needs to fill an input or read an output.</summary>
public sealed class TensorDetails
{
    internal TensorDetails(TensorInfo t)
    {
        Index = t.Index;
        Name = t.Name;
        Type = t.Type;
        Shape = (int[])t.Shape.Clone();
        Scale = t.Quantization?.Scale ?? 0f;
        ZeroPoint = t.Quantization?.ZeroPoint ?? 0;
        ByteLength = t.ByteLength;
    }

    /// <summary>Tensor index in the model.</summary>
    public int Index { get; }
    /// <summary>Tensor name.</summary>
    public string Name { get; }
    /// <summary>Element type.</summary>
    public ElementType Type { get; }
    /// <summary>Dimensions (a copy).</summary>
    public IReadOnlyList<int> Shape { get; }
    /// <summary>Quantization scale (0 when not quantized).</summary>
    public float Scale { get; }
    /// <summary>Quantization zero point.</summary>
    public int ZeroPoint { get; }
    /// <summary>Bytes of data.</summary>
    public int ByteLength { get; }

    /// <summary>Real value of a quantized element.</summary>
    public float Dequantize(int q) => Scale * (q - ZeroPoint);

    /// <inheritdoc/>
    public override string ToString() => Scale != 0f
        ? $"{Type} [{string.Join(',', Shape)}] scale={Scale:G6} zero_point={ZeroPoint}"
        : $"{Type} [{string.Join(',', Shape)}]";
}

/// <summary>One op as loaded: what it is, which kernel runs it, and its cost.</summary>
public sealed record OpSummary(int Index, string Op, string Kernel, string Options,
    IReadOnlyList<int> Inputs, IReadOnlyList<int> Outputs, long Macs, long Parameters);
