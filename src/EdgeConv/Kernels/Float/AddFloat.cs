using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Float;

/// <summary>Float32 ADD with 4-D NHWC broadcasting and a fused activation clamp (TFLite reference semantics).</summary>
public static class AddFloat
{
    /// <summary>
    /// output = clamp(input1 + input2). Each input's shape must equal <paramref name="outputShape"/>
    /// or be 1 in the dimensions it is broadcast along.
    /// </summary>
    public static void Run(
        Shape4 input1Shape, ReadOnlySpan<float> input1,
        Shape4 input2Shape, ReadOnlySpan<float> input2,
        Shape4 outputShape, Span<float> output,
        FusedActivation activation)
    {
        BinaryFloat.Run(input1Shape, input1, input2Shape, input2, outputShape, output, activation, BinaryFloatOp.Add);
    }
}
