using EdgeConv.Graph;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// Int8 MAXIMUM and MINIMUM as TFLite Micro runs them (<c>micro/kernels/maximum_minimum.cc</c>,
/// <c>reference_ops::MaximumMinimumBroadcastSlow</c>): the raw int8 values are compared, so both
/// inputs and the output must share one quantization (checked at load). 4-D broadcasting.
/// </summary>
public static class MaximumMinimumReference
{
    /// <summary>Element-wise <c>a &gt; b ? a : b</c> (MAXIMUM) or <c>a &lt; b ? a : b</c> (MINIMUM).</summary>
    public static void Run(bool maximum,
        Shape4 input1Shape, ReadOnlySpan<sbyte> input1,
        Shape4 input2Shape, ReadOnlySpan<sbyte> input2,
        Shape4 outputShape, Span<sbyte> output)
        => RunAny(maximum, input1Shape, input1, input2Shape, input2, outputShape, output);

    /// <summary>The element rule for any comparable type: the int8 kernel and the float32 one share it.</summary>
    internal static void RunAny<T>(bool maximum,
        Shape4 input1Shape, ReadOnlySpan<T> input1,
        Shape4 input2Shape, ReadOnlySpan<T> input2,
        Shape4 outputShape, Span<T> output)
        where T : System.Numerics.IComparisonOperators<T, T, bool>
    {
        if (maximum)
            Broadcast4D.Apply(default(MaxOp<T>), input1Shape, input1, input2Shape, input2, outputShape, output);
        else
            Broadcast4D.Apply(default(MinOp<T>), input1Shape, input1, input2Shape, input2, outputShape, output);
    }
}

/// <summary>TFLite's MaximumOp: <c>el1 &gt; el2 ? el1 : el2</c>.</summary>
internal readonly struct MaxOp<T> : IBinaryElementOp<T> where T : System.Numerics.IComparisonOperators<T, T, bool>
{
    public T Apply(T a, T b) => a > b ? a : b;
}

/// <summary>TFLite's MinimumOp: <c>el1 &lt; el2 ? el1 : el2</c>.</summary>
internal readonly struct MinOp<T> : IBinaryElementOp<T> where T : System.Numerics.IComparisonOperators<T, T, bool>
{
    public T Apply(T a, T b) => a < b ? a : b;
}
