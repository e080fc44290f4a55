using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="AddInt8Reference"/> (TFLite Micro <c>OpDataAdd</c> for int8).</summary>
/// <param name="Input1Offset">Minus input 1's zero point.</param>
/// <param name="Input2Offset">Minus input 2's zero point.</param>
/// <param name="OutputOffset">Output zero point.</param>
/// <param name="LeftShift">Headroom shift applied to both inputs (20 for int8).</param>
/// <param name="Input1Multiplier">Q31 multiplier of s1 / (2 max(s1, s2)).</param>
/// <param name="Input1Shift">Its exponent (&lt;= 0).</param>
/// <param name="Input2Multiplier">Q31 multiplier of s2 / (2 max(s1, s2)).</param>
/// <param name="Input2Shift">Its exponent (&lt;= 0).</param>
/// <param name="OutputMultiplier">Q31 multiplier of 2 max(s1, s2) / (2^20 so).</param>
/// <param name="OutputShift">Its exponent (&lt;= 0).</param>
/// <param name="ActivationMin">Fused activation lower clamp, in output quanta.</param>
/// <param name="ActivationMax">Fused activation upper clamp, in output quanta.</param>
public readonly record struct AddInt8Params(
    int Input1Offset,
    int Input2Offset,
    int OutputOffset,
    int LeftShift,
    int Input1Multiplier,
    int Input1Shift,
    int Input2Multiplier,
    int Input2Shift,
    int OutputMultiplier,
    int OutputShift,
    int ActivationMin,
    int ActivationMax);

/// <summary>
/// TFLite Micro int8 ADD (<c>micro/kernels/add_common.cc</c> CalculateOpDataAdd,
/// <c>reference_integer_ops::AddFunc</c> / <c>BroadcastAdd4DSlow</c> in
/// <c>reference/integer_ops/add.h</c>), with 4-D NHWC broadcasting (<see cref="Broadcast4D"/>).
/// </summary>
public static class AddInt8Reference
{
    /// <summary>TFLite's headroom shift for int8 ADD.</summary>
    public const int Int8LeftShift = 20;

    /// <summary>Computes the parameters from the model's float32 scales, zero points and fused activation.</summary>
    public static AddInt8Params Prepare(
        float input1Scale, int input1ZeroPoint,
        float input2Scale, int input2ZeroPoint,
        float outputScale, int outputZeroPoint,
        FusedActivation activation)
    {
        CheckBinary(input1Scale, input1ZeroPoint, input2Scale, input2ZeroPoint, outputScale, outputZeroPoint);

        // All in double, from the float32 scales; max is taken on the floats.
        double twiceMaxInputScale = 2 * (double)Math.Max(input1Scale, input2Scale);
        double realInput1 = (double)input1Scale / twiceMaxInputScale;
        double realInput2 = (double)input2Scale / twiceMaxInputScale;
        double realOutput = twiceMaxInputScale / ((1 << Int8LeftShift) * (double)outputScale);

        QuantizedMultiplier m1 = SmallerThanOneExp(realInput1, "ADD input 1 multiplier");
        QuantizedMultiplier m2 = SmallerThanOneExp(realInput2, "ADD input 2 multiplier");
        QuantizedMultiplier mo = SmallerThanOneExp(realOutput, "ADD output multiplier");
        (int min, int max) = ActivationRange.Int8(activation, outputScale, outputZeroPoint);

        return new AddInt8Params(-input1ZeroPoint, -input2ZeroPoint, outputZeroPoint, Int8LeftShift,
            m1.Multiplier, m1.Shift, m2.Multiplier, m2.Shift, mo.Multiplier, mo.Shift, min, max);
    }

    /// <summary>TFLite QuantizeMultiplierSmallerThanOneExp: requires 0 &lt; m &lt; 1, yields a shift &lt;= 0.</summary>
    internal static QuantizedMultiplier SmallerThanOneExp(double real, string what)
    {
        if (!(real > 0.0 && real < 1.0))
            throw new ArgumentException($"{what} {real:R} must be in (0, 1) (TFLite QuantizeMultiplierSmallerThanOneExp).");
        QuantizedMultiplier q = QuantizedMultiplier.FromDouble(real);
        if (q.Shift > 0)
            throw new ArgumentException($"{what} {real:R} has a positive shift {q.Shift}.");
        return q;
    }

    /// <summary>The argument checks every two-input int8 op (ADD, SUB, MUL) makes.</summary>
    internal static void CheckBinary(float input1Scale, int input1ZeroPoint, float input2Scale, int input2ZeroPoint,
        float outputScale, int outputZeroPoint)
    {
        CheckScale(input1Scale, nameof(input1Scale));
        CheckScale(input2Scale, nameof(input2Scale));
        CheckScale(outputScale, nameof(outputScale));
        CheckZeroPoint(input1ZeroPoint, nameof(input1ZeroPoint));
        CheckZeroPoint(input2ZeroPoint, nameof(input2ZeroPoint));
        CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
    }

    internal static void CheckScale(float scale, string name)
    {
        if (!(scale > 0) || float.IsInfinity(scale))
            throw new ArgumentException($"{name} must be positive and finite, got {scale:R}.", name);
    }

    internal static void CheckZeroPoint(int zeroPoint, string name)
    {
        if (zeroPoint is < sbyte.MinValue or > sbyte.MaxValue)
            throw new ArgumentException($"{name} {zeroPoint} is outside int8.", name);
    }

    /// <summary>
    /// Adds two int8 tensors. Each input's shape must equal <paramref name="outputShape"/> or be 1 in
    /// the dimensions it is broadcast along (a scalar is [1,1,1,1], a per-channel vector [1,1,1,C]).
    /// </summary>
    public static void Run(
        in AddInt8Params p,
        Shape4 input1Shape, ReadOnlySpan<sbyte> input1,
        Shape4 input2Shape, ReadOnlySpan<sbyte> input2,
        Shape4 outputShape, Span<sbyte> output)
        => RunAddOrSub(p, input1Shape, input1, input2Shape, input2, outputShape, output, subtract: false);

    /// <summary>The broadcast loop ADD and SUB share; <paramref name="subtract"/> picks the element rule.</summary>
    internal static void RunAddOrSub(
        in AddInt8Params p,
        Shape4 input1Shape, ReadOnlySpan<sbyte> input1,
        Shape4 input2Shape, ReadOnlySpan<sbyte> input2,
        Shape4 outputShape, Span<sbyte> output, bool subtract)
    {
        Broadcast4D.Apply(new Op(p, subtract), input1Shape, input1, input2Shape, input2, outputShape, output);
    }

    private readonly struct Op(AddInt8Params p, bool subtract) : IBinaryElementOp<sbyte>
    {
        public sbyte Apply(sbyte a, sbyte b) => Combine(p, a, b, subtract);
    }

    /// <summary>TFLite AddFunc on one pair of int8 values.</summary>
    public static sbyte Add(in AddInt8Params p, sbyte x, sbyte y) => Combine(p, x, y, subtract: false);

    /// <summary>
    /// The element rule ADD and SUB share (<c>AddFunc</c>, and SUB's <c>BroadcastQuantSubSlow</c>
    /// lambda): offset, shift left by 20, rescale each input, add or subtract, rescale to the output,
    /// add the zero point, clamp.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static sbyte Combine(in AddInt8Params p, sbyte x, sbyte y, bool subtract)
    {
        int input1 = p.Input1Offset + x;
        int input2 = p.Input2Offset + y;
        int shifted1 = input1 * (1 << p.LeftShift);
        int shifted2 = input2 * (1 << p.LeftShift);
        int scaled1 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.Input1Multiplier, p.Input1Shift);
        int scaled2 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.Input2Multiplier, p.Input2Shift);
        int raw = subtract ? scaled1 - scaled2 : scaled1 + scaled2;
        int rawOutput = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.OutputMultiplier, p.OutputShift) + p.OutputOffset;
        // std::min(max, std::max(min, v)): no exception if a degenerate range has min > max.
        return (sbyte)Math.Min(p.ActivationMax, Math.Max(p.ActivationMin, rawOutput));
    }
}
