using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Float;

/// <summary>Float32 EQUAL (<c>a == b</c>, so NaN is never equal) into a BOOL tensor, with 4-D broadcasting.</summary>
public static class EqualFloat
{
    /// <summary>Element-wise equality.</summary>
    public static void Run(Shape4 input1Shape, ReadOnlySpan<float> input1,
        Shape4 input2Shape, ReadOnlySpan<float> input2,
        Shape4 outputShape, Span<bool> output)
        => Broadcast4D.Combine<float, bool, FloatEqual>(default, input1Shape, input1, input2Shape, input2, outputShape, output);

    private readonly struct FloatEqual : IBinaryElementOp<float, bool>
    {
        public bool Apply(float a, float b) => a == b; // exact comparison is the op's definition
    }
}
