using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// TFLite Micro int8 SUB (<c>micro/kernels/sub_common.cc</c> CalculateOpDataSub,
/// <c>reference_ops::Sub</c> / <c>BroadcastQuantSubSlow</c> in <c>reference/sub.h</c>), with 4-D
/// NHWC broadcasting (<see cref="Broadcast4D"/>). Its parameters are ADD's
/// (<see cref="AddInt8Params"/>, TFLite's ArithmeticParams) and its element rule is ADD's with the
/// rescaled inputs subtracted; only Prepare differs: SUB derives the multipliers in float32.
/// </summary>
public static class SubInt8Reference
{
    /// <summary>
    /// Computes the parameters as CalculateOpDataSub does: <c>2 * max(s1, s2)</c>, each
    /// <c>s / (2 max)</c> and <c>2 max / (2^20 * so)</c> are float32 expressions, widened to double
    /// only for QuantizeMultiplierSmallerThanOneExp (ADD does the same in double).
    /// </summary>
    public static AddInt8Params Prepare(
        float input1Scale, int input1ZeroPoint,
        float input2Scale, int input2ZeroPoint,
        float outputScale, int outputZeroPoint,
        FusedActivation activation)
    {
        AddInt8Reference.CheckBinary(input1Scale, input1ZeroPoint, input2Scale, input2ZeroPoint, outputScale, outputZeroPoint);
        // Explicit float locals so every step rounds to float32 like the C++ float expressions.
        float twiceMaxInputScale = 2 * Math.Max(input1Scale, input2Scale);
        float realInput1 = input1Scale / twiceMaxInputScale;
        float realInput2 = input2Scale / twiceMaxInputScale;
        float shiftedOutputScale = (1 << AddInt8Reference.Int8LeftShift) * outputScale;
        float realOutput = twiceMaxInputScale / shiftedOutputScale;

        QuantizedMultiplier m1 = AddInt8Reference.SmallerThanOneExp(realInput1, "SUB input 1 multiplier");
        QuantizedMultiplier m2 = AddInt8Reference.SmallerThanOneExp(realInput2, "SUB input 2 multiplier");
        QuantizedMultiplier mo = AddInt8Reference.SmallerThanOneExp(realOutput, "SUB output multiplier");
        (int min, int max) = ActivationRange.Int8(activation, outputScale, outputZeroPoint);

        return new AddInt8Params(-input1ZeroPoint, -input2ZeroPoint, outputZeroPoint, AddInt8Reference.Int8LeftShift,
            m1.Multiplier, m1.Shift, m2.Multiplier, m2.Shift, mo.Multiplier, mo.Shift, min, max);
    }

    /// <summary>
    /// input1 - input2 on int8 tensors. Each input's shape must equal <paramref name="outputShape"/>
    /// or be 1 in the dimensions it is broadcast along.
    /// </summary>
    public static void Run(
        in AddInt8Params p,
        Shape4 input1Shape, ReadOnlySpan<sbyte> input1,
        Shape4 input2Shape, ReadOnlySpan<sbyte> input2,
        Shape4 outputShape, Span<sbyte> output)
        => AddInt8Reference.RunAddOrSub(p, input1Shape, input1, input2Shape, input2, outputShape, output, subtract: true);

    /// <summary>TFLite's int8 SUB on one pair of values.</summary>
    public static sbyte Sub(in AddInt8Params p, sbyte x, sbyte y) => AddInt8Reference.Combine(p, x, y, subtract: true);
}
