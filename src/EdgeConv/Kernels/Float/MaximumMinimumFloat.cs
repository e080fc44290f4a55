using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Float;

/// <summary>Float32 MAXIMUM and MINIMUM with TFLite's element rules (a NaN in input 1 yields input 2) and 4-D broadcasting.</summary>
public static class MaximumMinimumFloat
{
    /// <summary>Element-wise <c>a &gt; b ? a : b</c> (MAXIMUM) or <c>a &lt; b ? a : b</c> (MINIMUM).</summary>
    public static void Run(bool maximum,
        Shape4 input1Shape, ReadOnlySpan<float> input1,
        Shape4 input2Shape, ReadOnlySpan<float> input2,
        Shape4 outputShape, Span<float> output)
        => MaximumMinimumReference.RunAny(maximum, input1Shape, input1, input2Shape, input2, outputShape, output);
}
