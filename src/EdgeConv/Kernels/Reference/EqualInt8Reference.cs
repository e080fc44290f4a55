using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// What TFLite's int8 comparison Prepare computes (<c>ComparisonParams</c>): each input's offset and
/// its scale as a multiplier below one, applied after an 8-bit left shift.
/// </summary>
public readonly record struct EqualInt8Params(int Input1Offset, int Input1Multiplier, int Input1Shift,
    int Input2Offset, int Input2Multiplier, int Input2Shift, int LeftShift);

/// <summary>
/// Int8 EQUAL as TFLite runs it (<c>comparisons.cc</c> ComparisonQuantized,
/// <c>reference_ops::EqualWithScaling</c> / <c>Broadcast4DSlowEqualWithScaling</c>): both inputs
/// are rescaled to a common fixed-point scale, then compared; the output is BOOL. The scales must
/// be below 1 (QuantizeMultiplierSmallerThanOneExp). 4-D broadcasting.
/// </summary>
public static class EqualInt8Reference
{
    /// <summary>TFLite's comparison left shift for 8-bit inputs.</summary>
    public const int Int8LeftShift = 8;

    /// <summary>Computes the parameters from both inputs' quantization.</summary>
    public static EqualInt8Params Prepare(float input1Scale, int input1ZeroPoint, float input2Scale, int input2ZeroPoint)
    {
        var m1 = AddInt8Reference.SmallerThanOneExp(input1Scale, "EQUAL input 1 scale");
        var m2 = AddInt8Reference.SmallerThanOneExp(input2Scale, "EQUAL input 2 scale");
        return new EqualInt8Params(-input1ZeroPoint, m1.Multiplier, m1.Shift, -input2ZeroPoint, m2.Multiplier, m2.Shift, Int8LeftShift);
    }

    /// <summary>TFLite's int8 EQUAL on one pair of values.</summary>
    public static bool Equal(in EqualInt8Params p, sbyte x, sbyte y)
    {
        int a = (p.Input1Offset + x) * (1 << p.LeftShift);
        int b = (p.Input2Offset + y) * (1 << p.LeftShift);
        return FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(a, p.Input1Multiplier, p.Input1Shift)
            == FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(b, p.Input2Multiplier, p.Input2Shift);
    }

    /// <summary>Element-wise equality of two int8 tensors into a BOOL tensor.</summary>
    public static void Run(in EqualInt8Params p,
        Shape4 input1Shape, ReadOnlySpan<sbyte> input1,
        Shape4 input2Shape, ReadOnlySpan<sbyte> input2,
        Shape4 outputShape, Span<bool> output)
        => Broadcast4D.Combine<sbyte, bool, Int8Equal>(new Int8Equal(p), input1Shape, input1, input2Shape, input2, outputShape, output);

    private readonly struct Int8Equal(EqualInt8Params p) : IBinaryElementOp<sbyte, bool>
    {
        public bool Apply(sbyte a, sbyte b) => Equal(p, a, b);
    }
}
