namespace EdgeConv.Graph;

/// <summary>Quantization of a tensor: one (scale, zero point) per tensor or per channel of one axis.</summary>
public sealed class QuantizationInfo
{
    /// <summary>Scales; one entry for per-tensor quantization.</summary>
    public required float[] Scales { get; init; }

    /// <summary>Zero points, same length as <see cref="Scales"/>.</summary>
    public required long[] ZeroPoints { get; init; }

    /// <summary>The channel axis for per-channel quantization.</summary>
    public int QuantizedDimension { get; init; }

    /// <summary>True when there is one scale per channel.</summary>
    public bool IsPerChannel => Scales.Length > 1;

    /// <summary>The per-tensor scale (the first, when per-channel).</summary>
    public float Scale => Scales[0];

    /// <summary>The per-tensor zero point.</summary>
    public int ZeroPoint => (int)ZeroPoints[0];
}

/// <summary>A tensor of the graph as the model declares it.</summary>
public sealed class TensorInfo
{
    /// <summary>Index of the tensor in the model's subgraph.</summary>
    public required int Index { get; init; }

    /// <summary>The tensor's name in the model (may be empty).</summary>
    public required string Name { get; init; }

    /// <summary>Element type.</summary>
    public required ElementType Type { get; init; }

    /// <summary>Dimensions, outermost first.</summary>
    public required int[] Shape { get; init; }

    /// <summary>Quantization parameters, or null for a float or unquantized tensor.</summary>
    public QuantizationInfo? Quantization { get; init; }

    /// <summary>Start of the constant data in the model bytes, or -1 for a computed tensor.</summary>
    public int DataOffset { get; init; } = -1;

    /// <summary>True when the tensor's data is stored in the model.</summary>
    public bool IsConstant => DataOffset >= 0;

    /// <summary>Number of elements.</summary>
    public int ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape)
                n *= d;
            return (int)n;
        }
    }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public int ByteLength => ElementCount * ElementTypeInfo.SizeOf(Type);

    /// <summary>"t12 'name' INT8 [1,2,3]" for messages.</summary>
    public string Describe() => $"tensor {Index} '{Name}' {Type} [{string.Join(',', Shape)}]";
}
