namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed bounds of <see cref="Relu6Int8Reference"/> (TFLite Micro <c>Relu6OpData</c>).</summary>
/// <param name="Zero">The quantized 0: the input zero point.</param>
/// <param name="Six">The quantized 6 in the input's quantization, clamped to int8.</param>
public readonly record struct Relu6Int8Params(sbyte Zero, sbyte Six);

/// <summary>
/// int8 RELU6 as TFLite Micro runs it (<c>micro/kernels/activations_common.cc</c> Relu6Prepare,
/// Relu6Quantized): no rescaling at all, each value is clamped to [quantized 0, quantized 6] of the
/// input's quantization. The output must therefore share the input's scale and zero point, which
/// <see cref="Prepare"/> requires (TFLite Micro assumes it without checking).
/// </summary>
public static class Relu6Int8Reference
{
    /// <summary>
    /// Zero = zi; Six = clamp(zi + round(6 / si), -128, 127), the quotient taken in float32 and
    /// rounded half away from zero (FloatToQuantizedType).
    /// </summary>
    public static Relu6Int8Params Prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        if (outputScale != inputScale || outputZeroPoint != inputZeroPoint)
            throw new ArgumentException(
                $"RELU6 int8 clamps without rescaling, so the output quantization (scale {outputScale:R}, zero point {outputZeroPoint}) " +
                $"must equal the input's (scale {inputScale:R}, zero point {inputZeroPoint}).");
        float steps = MathF.Round(6f / inputScale, MidpointRounding.AwayFromZero);
        int six = (int)Math.Clamp(steps + (double)inputZeroPoint, sbyte.MinValue, sbyte.MaxValue);
        return new Relu6Int8Params((sbyte)inputZeroPoint, (sbyte)six);
    }

    /// <summary>v &gt; Six ? Six : v &lt; Zero ? Zero : v, per element; spans have equal length.</summary>
    public static void Run(in Relu6Int8Params p, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            sbyte v = input[i];
            output[i] = v > p.Six ? p.Six : v < p.Zero ? p.Zero : v;
        }
    }
}
