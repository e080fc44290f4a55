using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="MulInt8Reference"/> (TFLite Micro <c>OpDataMul</c> for int8).</summary>
/// <param name="Input1Offset">Minus input 1's zero point.</param>
/// <param name="Input2Offset">Minus input 2's zero point.</param>
/// <param name="OutputOffset">Output zero point.</param>
/// <param name="OutputMultiplier">Q31 multiplier of s1 * s2 / so.</param>
/// <param name="OutputShift">Its exponent (either sign).</param>
/// <param name="ActivationMin">Fused activation lower clamp, in output quanta.</param>
/// <param name="ActivationMax">Fused activation upper clamp, in output quanta.</param>
public readonly record struct MulInt8Params(
    int Input1Offset,
    int Input2Offset,
    int OutputOffset,
    int OutputMultiplier,
    int OutputShift,
    int ActivationMin,
    int ActivationMax);

/// <summary>
/// TFLite Micro int8 MUL (<c>micro/kernels/mul_common.cc</c> CalculateOpDataMul,
/// <c>reference_integer_ops::MulElementwise</c> / <c>BroadcastMul4DSlow</c> in
/// <c>reference/integer_ops/mul.h</c>), with 4-D NHWC broadcasting (<see cref="Broadcast4D"/>).
/// </summary>
public static class MulInt8Reference
{
    /// <summary>Computes the parameters from the model's float32 scales, zero points and fused activation.</summary>
    public static MulInt8Params Prepare(
        float input1Scale, int input1ZeroPoint,
        float input2Scale, int input2ZeroPoint,
        float outputScale, int outputZeroPoint,
        FusedActivation activation)
    {
        AddInt8Reference.CheckBinary(input1Scale, input1ZeroPoint, input2Scale, input2ZeroPoint, outputScale, outputZeroPoint);

        // (double)s1 * (double)s2 / (double)so, left to right, then QuantizeMultiplier.
        double real = (double)input1Scale * (double)input2Scale / (double)outputScale;
        QuantizedMultiplier q = QuantizedMultiplier.FromDouble(real);
        (int min, int max) = ActivationRange.Int8(activation, outputScale, outputZeroPoint);
        return new MulInt8Params(-input1ZeroPoint, -input2ZeroPoint, outputZeroPoint, q.Multiplier, q.Shift, min, max);
    }

    /// <summary>
    /// Multiplies two int8 tensors element-wise. Each input's shape must equal
    /// <paramref name="outputShape"/> or be 1 in the dimensions it is broadcast along.
    /// </summary>
    public static void Run(
        in MulInt8Params p,
        Shape4 input1Shape, ReadOnlySpan<sbyte> input1,
        Shape4 input2Shape, ReadOnlySpan<sbyte> input2,
        Shape4 outputShape, Span<sbyte> output)
    {
        Broadcast4D.Apply(new Op(p), input1Shape, input1, input2Shape, input2, outputShape, output);
    }

    private readonly struct Op(MulInt8Params p) : IBinaryElementOp<sbyte>
    {
        public sbyte Apply(sbyte a, sbyte b) => Mul(p, a, b);
    }

    /// <summary>TFLite's int8 MUL on one pair of values.</summary>
    public static sbyte Mul(in MulInt8Params p, sbyte x, sbyte y)
    {
        int input1 = p.Input1Offset + x;
        int input2 = p.Input2Offset + y;
        int unclamped = p.OutputOffset + FixedPoint.MultiplyByQuantizedMultiplier(input1 * input2, p.OutputMultiplier, p.OutputShift);
        return (sbyte)Math.Min(p.ActivationMax, Math.Max(p.ActivationMin, unclamped));
    }
}
