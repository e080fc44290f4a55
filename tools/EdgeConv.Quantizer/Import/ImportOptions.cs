namespace EdgeConv.Quantizer.Import;

/// <summary>How 4-D graph inputs are laid out in the imported model.</summary>
public enum InputLayoutChoice
{
    /// <summary>
    /// NCHW image inputs that feed convolutions become NHWC (callers permute, see
    /// <see cref="ImportedInput.FromOnnxOrder"/>); inputs the model itself transposes (NHWC
    /// exports such as BlazeFace) keep their ONNX layout so the transpose folds away.
    /// </summary>
    Auto,
    /// <summary>Every input keeps the ONNX element order (a TRANSPOSE is inserted where needed).</summary>
    Onnx,
}

/// <summary>Choices for <see cref="OnnxImporter"/>.</summary>
public sealed record ImportOptions
{
    /// <summary>Layout of 4-D inputs.</summary>
    public InputLayoutChoice InputLayout { get; init; } = InputLayoutChoice.Auto;

    /// <summary>Value for symbolic or unknown input dims (typically the batch).</summary>
    public int DynamicDimValue { get; init; } = 1;

    /// <summary>Explicit shapes for inputs whose declared shape is missing or dynamic, by input name.</summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; init; } = new Dictionary<string, int[]>();

    /// <summary>
    /// Graph inputs to treat as constants with these values (models that take their weights or
    /// shapes as inputs, such as ONNX's operator tests); they disappear from the imported inputs.
    /// </summary>
    public IReadOnlyDictionary<string, Onnx.OnnxTensor> ConstantInputs { get; init; } = new Dictionary<string, Onnx.OnnxTensor>();

    /// <summary>
    /// Values to make the graph outputs instead of the model's own (e.g. to check a prefix of a
    /// model layer by layer); only the nodes they depend on are imported.
    /// </summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>Fold BatchNormalization into the preceding Conv/Gemm and fuse Relu/Clip into producers (on by default).</summary>
    public bool Fuse { get; init; } = true;
}
