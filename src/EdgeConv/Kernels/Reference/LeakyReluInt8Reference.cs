using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="LeakyReluInt8Reference"/> (TFLite Micro <c>LeakyReluOpData</c>).</summary>
/// <param name="InputZeroPoint">Input zero point (subtracted from each input).</param>
/// <param name="OutputZeroPoint">Output zero point.</param>
/// <param name="IdentityMultiplier">Q31 multiplier of input_scale / output_scale, for inputs at or above the zero point.</param>
/// <param name="IdentityShift">Its exponent.</param>
/// <param name="AlphaMultiplier">Q31 multiplier of input_scale * alpha / output_scale (negative when alpha is), for inputs below the zero point.</param>
/// <param name="AlphaShift">Its exponent.</param>
public readonly record struct LeakyReluInt8Params(
    int InputZeroPoint,
    int OutputZeroPoint,
    int IdentityMultiplier,
    int IdentityShift,
    int AlphaMultiplier,
    int AlphaShift);

/// <summary>
/// int8 LEAKY_RELU as TFLite Micro runs it (<c>micro/kernels/leaky_relu_common.cc</c>
/// CalculateOpDataLeakyRelu, <c>reference_ops::QuantizeLeakyRelu</c> in <c>reference/leaky_relu.h</c>):
/// two multipliers, one per side of the input zero point, then the int8 clamp.
/// </summary>
public static class LeakyReluInt8Reference
{
    /// <summary>
    /// Both real multipliers are computed in float32 (<c>si * alpha / so</c> left to right, and
    /// <c>si / so</c>), widened to double and passed to QuantizeMultiplier.
    /// </summary>
    public static LeakyReluInt8Params Prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, float alpha)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckScale(outputScale, nameof(outputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        AddInt8Reference.CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
        if (!float.IsFinite(alpha))
            throw new ArgumentException($"LEAKY_RELU alpha must be finite, got {alpha:R}.", nameof(alpha));
        // Explicit float locals: each step rounds to float32, as the C++ float expression does.
        float scaledAlpha = inputScale * alpha;
        float alphaRatio = scaledAlpha / outputScale;
        float identityRatio = inputScale / outputScale;
        var a = QuantizedMultiplier.FromDouble(alphaRatio);
        var id = QuantizedMultiplier.FromDouble(identityRatio);
        return new LeakyReluInt8Params(inputZeroPoint, outputZeroPoint, id.Multiplier, id.Shift, a.Multiplier, a.Shift);
    }

    /// <summary>
    /// x = v - zi; zo + MultiplyByQuantizedMultiplier(x, identity) when x &gt;= 0, else with the alpha
    /// multiplier; clamped to [-128, 127]. Spans have equal length.
    /// </summary>
    public static void Run(in LeakyReluInt8Params p, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            int x = input[i] - p.InputZeroPoint;
            int v = p.OutputZeroPoint + (x >= 0
                ? FixedPoint.MultiplyByQuantizedMultiplier(x, p.IdentityMultiplier, p.IdentityShift)
                : FixedPoint.MultiplyByQuantizedMultiplier(x, p.AlphaMultiplier, p.AlphaShift));
            output[i] = (sbyte)Math.Min(sbyte.MaxValue, Math.Max(sbyte.MinValue, v));
        }
    }
}
