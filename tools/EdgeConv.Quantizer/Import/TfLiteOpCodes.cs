using EdgeConv.Graph;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// TFLite builtin codes the importer emits that <see cref="BuiltinOp"/> does not name yet. The
/// runtime adds kernels for them separately; until then Model.FromGraph says it does not support them.
/// </summary>
internal static class TfLiteOpCodes
{
    public const BuiltinOp Relu = (BuiltinOp)19;
    public const BuiltinOp ReluN1To1 = (BuiltinOp)20;
    public const BuiltinOp Relu6 = (BuiltinOp)21;
    public const BuiltinOp ResizeBilinear = (BuiltinOp)23;
    public const BuiltinOp Sub = (BuiltinOp)41;
    public const BuiltinOp Slice = (BuiltinOp)65;
    public const BuiltinOp Cast = (BuiltinOp)53;
    public const BuiltinOp Maximum = (BuiltinOp)55;
    public const BuiltinOp Minimum = (BuiltinOp)57;
    public const BuiltinOp Equal = (BuiltinOp)71;
    public const BuiltinOp ResizeNearestNeighbor = (BuiltinOp)97;
    public const BuiltinOp LeakyRelu = (BuiltinOp)98;
}
