using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="ReluInt8Reference"/> (TFLite <c>ReluParams</c>).</summary>
/// <param name="InputZeroPoint">Input zero point (subtracted from each input).</param>
/// <param name="OutputZeroPoint">Output zero point (added after rescaling).</param>
/// <param name="Multiplier">Q31 multiplier of input_scale / output_scale.</param>
/// <param name="Shift">Its exponent (either sign).</param>
/// <param name="ActivationMin">Lower clamp, in output quanta.</param>
/// <param name="ActivationMax">Upper clamp, in output quanta.</param>
public readonly record struct ReluInt8Params(
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    int ActivationMin,
    int ActivationMax);

/// <summary>
/// int8 RELU and RELU_N1_TO_1: rescale each input to the output's quantization, then clamp to the
/// activation's bounds. RELU follows TFLite Micro (<c>micro/kernels/activations_common.cc</c>
/// CalculateReluOpData and ReluQuantized). TFLite Micro has no RELU_N1_TO_1 kernel, so that one
/// follows TFLite's <c>kernels/activations.cc</c> (ReluPrepare and QuantizedReluX with bounds -1, 1);
/// the element loop is the same, only the multiplier is derived differently.
/// </summary>
public static class ReluInt8Reference
{
    /// <summary>
    /// RELU as TFLite Micro prepares it: the multiplier comes from the quotient of the two scales
    /// taken in double; the clamp is [max(-128, zo), 127].
    /// </summary>
    public static ReluInt8Params PrepareRelu(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        Check(inputScale, inputZeroPoint, outputScale, outputZeroPoint);
        var q = QuantizedMultiplier.FromDouble((double)inputScale / (double)outputScale);
        (int min, int max) = ActivationRange.Int8(FusedActivation.Relu, outputScale, outputZeroPoint);
        return new ReluInt8Params(inputZeroPoint, outputZeroPoint, q.Multiplier, q.Shift, min, max);
    }

    /// <summary>
    /// RELU_N1_TO_1 as TFLite prepares it: the scales are divided in float32 and the quotient is
    /// widened to double before QuantizeMultiplier; the clamp is
    /// [max(-128, zo + round(-1 / so)), min(127, zo + round(1 / so))].
    /// </summary>
    public static ReluInt8Params PrepareReluN1To1(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        Check(inputScale, inputZeroPoint, outputScale, outputZeroPoint);
        float ratio = inputScale / outputScale;
        var q = QuantizedMultiplier.FromDouble(ratio);
        (int min, int max) = ActivationRange.Int8(FusedActivation.ReluN1To1, outputScale, outputZeroPoint);
        return new ReluInt8Params(inputZeroPoint, outputZeroPoint, q.Multiplier, q.Shift, min, max);
    }

    private static void Check(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckScale(outputScale, nameof(outputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        AddInt8Reference.CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
    }

    /// <summary>
    /// <c>clamp(zo + MultiplyByQuantizedMultiplier(x - zi, multiplier, shift), min, max)</c> per
    /// element (max first, then min, as upstream); spans have equal length.
    /// </summary>
    public static void Run(in ReluInt8Params p, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            int v = p.OutputZeroPoint + FixedPoint.MultiplyByQuantizedMultiplier(input[i] - p.InputZeroPoint, p.Multiplier, p.Shift);
            output[i] = (sbyte)Math.Min(p.ActivationMax, Math.Max(p.ActivationMin, v));
        }
    }
}
