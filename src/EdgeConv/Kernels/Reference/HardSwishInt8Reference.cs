using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="HardSwishInt8Reference"/> (TFLite <c>HardSwishParams</c>).</summary>
/// <param name="InputZeroPoint">Input zero point.</param>
/// <param name="OutputZeroPoint">Output zero point.</param>
/// <param name="ReluishMultiplierFixedPointInt16">Q15 multiplier from the hi-res input scale to the scale where 3.0 is 32768.</param>
/// <param name="ReluishMultiplierExponent">Power-of-two exponent of the relu-ish multiplier (either sign).</param>
/// <param name="OutputMultiplierFixedPointInt16">Q15 multiplier from the hi-res input scale to the output scale.</param>
/// <param name="OutputMultiplierExponent">Power-of-two exponent of the output multiplier (always &lt;= 0).</param>
public readonly record struct HardSwishInt8Params(
    int InputZeroPoint,
    int OutputZeroPoint,
    short ReluishMultiplierFixedPointInt16,
    int ReluishMultiplierExponent,
    short OutputMultiplierFixedPointInt16,
    int OutputMultiplierExponent);

/// <summary>
/// TFLite Micro int8 HARD_SWISH (<c>micro/kernels/hard_swish_common.cc</c> Prepare,
/// <c>reference_ops::HardSwish</c> in <c>reference/hard_swish.h</c>): x * relu6(x + 3) / 6 computed in
/// 16-bit fixed point. All intermediate values are int16 and wrap or saturate exactly as the C++ does.
/// </summary>
public static class HardSwishInt8Reference
{
    /// <summary>
    /// Computes the parameters from the model's float32 scales and zero points. Scales are combined
    /// in float (as TFLite does) and then widened to double for QuantizeMultiplier.
    /// </summary>
    public static HardSwishInt8Params Prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        if (!(inputScale > 0) || float.IsInfinity(inputScale))
            throw new ArgumentException($"Input scale must be positive and finite, got {inputScale:R}.", nameof(inputScale));
        if (!(outputScale > 0) || float.IsInfinity(outputScale))
            throw new ArgumentException($"Output scale must be positive and finite, got {outputScale:R}.", nameof(outputScale));
        if (inputZeroPoint is < sbyte.MinValue or > sbyte.MaxValue)
            throw new ArgumentException($"Input zero point {inputZeroPoint} is outside int8.", nameof(inputZeroPoint));
        if (outputZeroPoint is < sbyte.MinValue or > sbyte.MaxValue)
            throw new ArgumentException($"Output zero point {outputZeroPoint} is outside int8.", nameof(outputZeroPoint));

        float hiresInputScale = (1.0f / 128.0f) * inputScale;
        const float reluishScale = 3.0f / 32768.0f;

        // float division first, then widen to double (static_cast<double>(a / b)).
        QuantizedMultiplier output = QuantizedMultiplier.FromDouble((double)(hiresInputScale / outputScale));
        short outputFixed = DownScaleInt32ToInt16Multiplier(output.Multiplier);
        if (output.Shift > 0)
            throw new ArgumentException(
                $"HARD_SWISH output multiplier exponent {output.Shift} must be <= 0 (input scale {inputScale:R} is too large for output scale {outputScale:R}).",
                nameof(outputScale));

        QuantizedMultiplier reluish = QuantizedMultiplier.FromDouble((double)(hiresInputScale / reluishScale));
        short reluishFixed = DownScaleInt32ToInt16Multiplier(reluish.Multiplier);
        if (reluish.Shift > 31)
            throw new ArgumentException($"HARD_SWISH relu-ish exponent {reluish.Shift} is too large.", nameof(inputScale));

        return new HardSwishInt8Params(inputZeroPoint, outputZeroPoint, reluishFixed, reluish.Shift, outputFixed, output.Shift);
    }

    /// <summary>TFLite DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15, saturating at 32767.</summary>
    public static short DownScaleInt32ToInt16Multiplier(int multiplier)
    {
        if (multiplier < 0)
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "Multiplier must be non-negative.");
        const int roundingOffset = 1 << 15;
        if (multiplier >= int.MaxValue - roundingOffset)
            return short.MaxValue;
        return (short)((multiplier + roundingOffset) >> 16);
    }

    /// <summary>Applies hard-swish element-wise; spans have equal length.</summary>
    public static void Run(in HardSwishInt8Params p, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
            output[i] = (sbyte)One(p, input[i]);
    }

    private static int One(in HardSwishInt8Params p, sbyte x)
    {
        short inputValue = unchecked((short)(x - p.InputZeroPoint));
        // Put the significant bits high: times 2^7 (|x - zp| <= 255 so this fits int16).
        short hires = unchecked((short)(inputValue * (1 << 7)));
        short preshiftOutput = Srdhm16(hires, p.OutputMultiplierFixedPointInt16);

        // Relu-ish value: rescale so that 3.0 is 32768, saturating, as a careful
        // MultiplyByQuantizedMultiplier in int16.
        short reluish = hires;
        if (p.ReluishMultiplierExponent > 0)
            reluish = SaturatingLeftShift16(reluish, p.ReluishMultiplierExponent - 1);
        reluish = Srdhm16(reluish, p.ReluishMultiplierFixedPointInt16);
        if (p.ReluishMultiplierExponent > 0)
            reluish = SaturatingLeftShift16(reluish, 1);
        if (p.ReluishMultiplierExponent < 0)
            reluish = RoundingDivideByPot16(reluish, -p.ReluishMultiplierExponent);
        // [-1, 1] -> [0, 1] in Q15.
        reluish = unchecked((short)((reluish + (1 << 15)) >> 1));

        short preshift = SaturatingDoublingHighMul16(reluish, preshiftOutput);
        short outputValue = RoundingDivideByPot16(preshift, -p.OutputMultiplierExponent);
        // int16 += int32 zero point: truncated back to int16 like the C++ compound assignment.
        outputValue = unchecked((short)(outputValue + p.OutputZeroPoint));
        return Math.Clamp((int)outputValue, sbyte.MinValue, sbyte.MaxValue);
    }

    /// <summary>gemmlowp SaturatingRoundingDoublingHighMul for int16 (ties away from zero).</summary>
    internal static short Srdhm16(short a, short b)
    {
        if (a == b && a == short.MinValue)
            return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
        return unchecked((short)((ab + nudge) / (1 << 15)));
    }

    /// <summary>TFLite SaturatingDoublingHighMul for int16: like SQDMULH, truncates toward zero.</summary>
    internal static short SaturatingDoublingHighMul16(short a, short b)
    {
        if (a == b && a == short.MinValue)
            return short.MaxValue;
        int ab = a * b;
        return unchecked((short)(ab / (1 << 15)));
    }

    /// <summary>TFLite SaturatingLeftShift for int16: value * 2^amount clamped to int16.</summary>
    internal static short SaturatingLeftShift16(short value, int amount)
    {
        // C++ computes (1 << amount) in int; amount is at most 30 here.
        long result = (long)value * (1 << amount);
        return (short)Math.Clamp(result, short.MinValue, short.MaxValue);
    }

    /// <summary>gemmlowp RoundingDivideByPOT instantiated for int16 (mask built from a 64-bit value, narrowed to int16).</summary>
    internal static short RoundingDivideByPot16(short x, int exponent)
    {
        short mask = unchecked((short)((1L << exponent) - 1));
        short remainder = (short)(x & mask);
        short threshold = unchecked((short)((mask >> 1) + (x < 0 ? 1 : 0)));
        return unchecked((short)((x >> exponent) + (remainder > threshold ? 1 : 0)));
    }
}
