using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Parameters of a float32 to int8 QUANTIZE (TFLite <c>QuantizationParams</c> of the output).</summary>
/// <param name="OutputScale">Output scale (float32 as stored; TFLite keeps it in a double and casts it back to float, which is lossless).</param>
/// <param name="OutputZeroPoint">Output zero point.</param>
public readonly record struct QuantizeFloatParams(float OutputScale, int OutputZeroPoint);

/// <summary>Parameters of an int8 to int8 QUANTIZE (requantize).</summary>
/// <param name="InputZeroPoint">Input zero point.</param>
/// <param name="OutputZeroPoint">Output zero point.</param>
/// <param name="Multiplier">Q31 multiplier of input_scale / output_scale.</param>
/// <param name="Shift">Its exponent (either sign).</param>
public readonly record struct RequantizeParams(int InputZeroPoint, int OutputZeroPoint, int Multiplier, int Shift);

/// <summary>
/// TFLite Micro QUANTIZE (<c>micro/kernels/quantize_common.cc</c>): float32 to int8 with
/// <c>reference_ops::AffineQuantize</c> (<c>reference/quantize.h</c>) and int8 to int8 with
/// <c>reference_ops::Requantize</c> (<c>reference/requantize.h</c>).
/// </summary>
public static class QuantizeReference
{
    /// <summary>Parameters for float32 to int8.</summary>
    public static QuantizeFloatParams PrepareFromFloat(float outputScale, int outputZeroPoint)
    {
        AddInt8Reference.CheckScale(outputScale, nameof(outputScale));
        AddInt8Reference.CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
        return new QuantizeFloatParams(outputScale, outputZeroPoint);
    }

    /// <summary>
    /// float32 to int8: <c>round_half_away_from_zero(x / scale)</c> computed in float, plus the zero
    /// point, clamped to [-128, 127]. NaN quantizes to the zero point (C++ leaves it undefined).
    /// </summary>
    public static void Run(in QuantizeFloatParams p, ReadOnlySpan<float> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
            output[i] = Quantize(input[i], p.OutputScale, p.OutputZeroPoint);
    }

    /// <summary>One float32 value to int8, as AffineQuantize does.</summary>
    public static sbyte Quantize(float value, float scale, int zeroPoint)
    {
        float rounded = MathF.Round(value / scale, MidpointRounding.AwayFromZero);
        // static_cast<int32_t>(float) then add and clamp. Values beyond +-2^31 are undefined in C++;
        // clamping them first gives the same int8 result as any saturating cast.
        int unclamped;
        if (float.IsNaN(rounded))
            unclamped = 0;
        else if (rounded >= 2147483648f)
            unclamped = int.MaxValue;
        else if (rounded < -2147483648f)
            unclamped = int.MinValue;
        else
            unclamped = (int)rounded;
        long withZeroPoint = (long)unclamped + zeroPoint;
        return (sbyte)Math.Clamp(withZeroPoint, sbyte.MinValue, sbyte.MaxValue);
    }

    /// <summary>
    /// Parameters for int8 to int8: QuantizeMultiplier of <c>(double)input_scale / (double)output_scale</c>.
    /// </summary>
    public static RequantizeParams PrepareRequantize(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckScale(outputScale, nameof(outputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        AddInt8Reference.CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
        QuantizedMultiplier q = QuantizedMultiplier.FromDouble((double)inputScale / (double)outputScale);
        return new RequantizeParams(inputZeroPoint, outputZeroPoint, q.Multiplier, q.Shift);
    }

    /// <summary>
    /// int8 to int8: <c>MultiplyByQuantizedMultiplier(x - in_zp, multiplier, shift) + out_zp</c>,
    /// clamped. (Requantize's 0x80 fast path only applies to int8/uint8 mixes, never int8 to int8.)
    /// </summary>
    public static void Run(in RequantizeParams p, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            int x = input[i] - p.InputZeroPoint;
            int y = FixedPoint.MultiplyByQuantizedMultiplier(x, p.Multiplier, p.Shift) + p.OutputZeroPoint;
            output[i] = (sbyte)Math.Max(Math.Min(y, sbyte.MaxValue), sbyte.MinValue);
        }
    }
}
