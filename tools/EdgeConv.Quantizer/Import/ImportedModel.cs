using EdgeConv.Graph;

namespace EdgeConv.Quantizer.Import;

/// <summary>A graph input: the ONNX view and how the imported model stores it.</summary>
public sealed class ImportedInput
{
    /// <summary>The ONNX input name.</summary>
    public required string Name { get; init; }
    /// <summary>Shape as the ONNX model declares it (dynamic dims resolved).</summary>
    public required int[] OnnxShape { get; init; }
    /// <summary>Shape of the imported model's input tensor.</summary>
    public required int[] Shape { get; init; }
    /// <summary>Model dim i is ONNX dim Layout[i] (identity: same order as ONNX; [0,2,3,1]: NCHW fed as NHWC).</summary>
    public required int[] Layout { get; init; }

    /// <summary>True when the model wants NHWC data for an NCHW ONNX input.</summary>
    public bool IsNhwcOfNchw => Layout.AsSpan().SequenceEqual(Layouts.NhwcOfNchw);

    /// <summary>Reorders data laid out as the ONNX input into the model input's order.</summary>
    public float[] FromOnnxOrder(ReadOnlySpan<float> onnxData)
    {
        if (onnxData.Length != HostTensor.ShapeCount(OnnxShape))
            throw new ArgumentException($"Input '{Name}' needs {HostTensor.ShapeCount(OnnxShape)} values, got {onnxData.Length}.", nameof(onnxData));
        var t = new HostTensor(OnnxShape, Array.ConvertAll(onnxData.ToArray(), v => (double)v), Onnx.OnnxDataType.Float);
        return t.Transpose(Layout).ToFloats();
    }
}

/// <summary>A graph output: always in the ONNX element order and shape.</summary>
public sealed class ImportedOutput
{
    /// <summary>The ONNX output name.</summary>
    public required string Name { get; init; }
    /// <summary>The ONNX shape (the model's output tensor holds the same elements in the same order).</summary>
    public required int[] Shape { get; init; }
}

/// <summary>One thing graph preparation changed, for the quantization report.</summary>
/// <param name="Kind">e.g. "fused-activation", "folded-batchnorm", "folded-pad", "folded-transpose", "dropped", "constant-folded".</param>
/// <param name="OnnxNode">The ONNX node that disappeared or was merged.</param>
/// <param name="Detail">What it was merged into.</param>
public sealed record ImportNote(string Kind, string OnnxNode, string Detail);

/// <summary>The result of importing an ONNX model: a float32 NHWC <see cref="ModelGraph"/> and how it relates to the ONNX model.</summary>
public sealed class ImportedModel
{
    /// <summary>The float graph; run it with <c>Model.FromGraph</c>.</summary>
    public required ModelGraph Graph { get; init; }
    /// <summary>Inputs in ONNX order (initializers listed as inputs are excluded).</summary>
    public required IReadOnlyList<ImportedInput> Inputs { get; init; }
    /// <summary>Outputs in ONNX order.</summary>
    public required IReadOnlyList<ImportedOutput> Outputs { get; init; }
    /// <summary>For each graph tensor, the ONNX value it holds ("" for weights and helper constants).</summary>
    public required IReadOnlyList<string> TensorOnnxNames { get; init; }
    /// <summary>For each graph op, the ONNX node it came from.</summary>
    public required IReadOnlyList<string> OpOnnxNodes { get; init; }
    /// <summary>Folds, fusions and drops, in import order.</summary>
    public required IReadOnlyList<ImportNote> Notes { get; init; }
    /// <summary>The default-domain opset of the source model.</summary>
    public long Opset { get; init; }
}
