using EdgeConv.Graph;

namespace EdgeConv.Quantizer.Import;

/// <summary>A zero padding the importer has not emitted yet, in case the consuming Conv can absorb it.</summary>
/// <param name="Source">The unpadded value.</param>
/// <param name="Pads">ONNX order: begins of every dim, then ends.</param>
/// <param name="Node">The Pad node, for notes and errors.</param>
internal sealed record DeferredPad(ImportValue Source, long[] Pads, string Node);

/// <summary>What one ONNX value is during import: a known constant, a graph tensor in some layout, or a deferred pad.</summary>
internal sealed class ImportValue
{
    public required string Name { get; init; }
    /// <summary>The ONNX shape.</summary>
    public required int[] Shape { get; init; }
    public HostTensor? Constant { get; init; }
    /// <summary>Draft tensor holding the value (-1 for constants and deferred pads).</summary>
    public int Tensor { get; init; } = -1;
    /// <summary>Physical dim i = ONNX dim Layout[i].</summary>
    public int[] Layout { get; init; } = [];
    public DeferredPad? Pad { get; init; }
    /// <summary>The draft op that wrote <see cref="Tensor"/>, or -1.</summary>
    public int Producer { get; init; } = -1;
    public ElementType Type { get; init; } = ElementType.Float32;
    public int Rank => Shape.Length;
    public bool IsConstant => Constant is not null;
}
