using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="LogisticInt8Reference"/> (TFLite Micro <c>OpDataLogistic</c>).</summary>
/// <param name="InputZeroPoint">Input zero point.</param>
/// <param name="InputRangeRadius">|x - zp| at or beyond this saturates the output to -128 / 127.</param>
/// <param name="InputMultiplier">Q31 mantissa of input_scale * 2^27 (rescales to Q4.27).</param>
/// <param name="InputLeftShift">frexp exponent of input_scale * 2^27 (may be negative).</param>
public readonly record struct LogisticInt8Params(int InputZeroPoint, int InputRangeRadius, int InputMultiplier, int InputLeftShift);

/// <summary>
/// TFLite Micro int8 LOGISTIC (<c>micro/kernels/logistic_common.cc</c> Prepare,
/// <c>reference_integer_ops::Logistic</c> in <c>reference/integer_ops/logistic.h</c>): the input is
/// rescaled to Q4.27, gemmlowp's fixed-point logistic gives Q0.31, and that is rounded to the
/// output's 1/256 steps with zero point -128.
/// </summary>
public static class LogisticInt8Reference
{
    /// <summary>Integer bits of the rescaled input (Q4.27).</summary>
    public const int InputIntegerBits = 4;

    /// <summary>
    /// Computes the parameters from the model's float32 input scale and zero point and the output
    /// quantization. Throws <see cref="ArgumentException"/> unless the output is zero point -128
    /// (TFLite Micro's check) and scale 1/256 (TFLite's check; the kernel's output is on that scale).
    /// </summary>
    public static LogisticInt8Params Prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        if (outputZeroPoint != -128)
            throw new ArgumentException($"Int8 LOGISTIC output zero point must be -128, got {outputZeroPoint}.", nameof(outputZeroPoint));
        // TFLite Micro only checks the zero point; TFLite checks output->params.scale == 1. / 256
        // too, and the kernel produces values on that scale, so we require it.
        if (outputScale != 1f / 256)
            throw new ArgumentException($"Int8 LOGISTIC output scale must be 1/256, got {outputScale:R}.", nameof(outputScale));
        if (!(inputScale > 0) || float.IsInfinity(inputScale))
            throw new ArgumentException($"Input scale must be positive and finite, got {inputScale:R}.", nameof(inputScale));
        if (inputZeroPoint is < sbyte.MinValue or > sbyte.MaxValue)
            throw new ArgumentException($"Input zero point {inputZeroPoint} is outside int8.", nameof(inputZeroPoint));

        // input_real_multiplier = input_scale * 2^(31 - 4), in double. Micro uses frexp and rounds
        // the mantissa itself (no QuantizeMultiplier renormalisation or flush).
        double real = (double)inputScale * (1 << (31 - InputIntegerBits));
        double q = QuantizedMultiplier.Frexp(real, out int leftShift);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (qFixed > int.MaxValue)
            throw new ArgumentException($"Input scale {inputScale:R} rounds to a Q31 multiplier of 2^31.", nameof(inputScale));
        if (leftShift < 0)
            throw new ArgumentException($"Input scale {inputScale:R} is too small for int8 LOGISTIC (shift {leftShift}).", nameof(inputScale));

        // CalculateInputRadius(4, left_shift, 31) = floor(15 * 2^27 / 2^left_shift).
        double maxInputRescaled = 1.0 * ((1 << InputIntegerBits) - 1) * (1L << (31 - InputIntegerBits)) / (1L << leftShift);
        int radius = (int)Math.Floor(maxInputRescaled);
        return new LogisticInt8Params(inputZeroPoint, radius, (int)qFixed, leftShift);
    }

    /// <summary>Applies the logistic function element-wise; spans have equal length.</summary>
    public static void Run(in LogisticInt8Params p, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            int x = input[i] - p.InputZeroPoint;
            if (x <= -p.InputRangeRadius)
            {
                output[i] = sbyte.MinValue;
            }
            else if (x >= p.InputRangeRadius)
            {
                output[i] = sbyte.MaxValue;
            }
            else
            {
                int inputQ4 = FixedPoint.MultiplyByQuantizedMultiplier(x, p.InputMultiplier, p.InputLeftShift);
                int outputQ0 = GemmlowpFixedPoint.Logistic(inputQ4, InputIntegerBits);
                // Q0.31 -> 1/256 steps: divide by 2^(31 - 8), then add the output zero point -128.
                int outputQ23 = FixedPoint.RoundingDivideByPOT(outputQ0, 31 - 8);
                output[i] = (sbyte)Math.Clamp(outputQ23 - 128, sbyte.MinValue, sbyte.MaxValue);
            }
        }
    }
}
