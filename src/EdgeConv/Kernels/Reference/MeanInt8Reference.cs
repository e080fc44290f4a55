using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="MeanInt8Reference"/> (TFLite Micro <c>OpDataReduce</c> for int8 MEAN).</summary>
/// <param name="InputZeroPoint">Input zero point.</param>
/// <param name="InputScale">Input scale (float32, as stored in the model).</param>
/// <param name="OutputZeroPoint">Output zero point.</param>
/// <param name="OutputScale">Output scale (float32, as stored in the model).</param>
/// <param name="Multiplier">QuantizeMultiplier(input_scale / output_scale): computed by Micro's Prepare but not used by its reference MEAN.</param>
/// <param name="Shift">Exponent of <see cref="Multiplier"/>.</param>
/// <param name="SameQuantization">Input and output zero points and (float) scales are equal: Micro takes the integer-division path.</param>
public readonly record struct MeanInt8Params(
    int InputZeroPoint,
    float InputScale,
    int OutputZeroPoint,
    float OutputScale,
    int Multiplier,
    int Shift,
    bool SameQuantization);

/// <summary>
/// TFLite Micro int8 MEAN over H and W of an NHWC tensor (MobileNet's global average pool), output
/// [N,1,1,C] (keep_dims) or [N,C]; both have the same memory layout and the same arithmetic.
/// <para>
/// What Micro does (<c>micro/kernels/reduce_common.cc</c> EvalMeanHelper / EvalIntegerMean, and
/// <c>reference_ops::Mean</c> / <c>QuantizedMeanOrSum</c> in <c>reference/reduce.h</c>), for either
/// keep_dims value (current Micro has no special 4-D int8 path any more):
/// </para>
/// <list type="bullet">
/// <item>Same zero point and same float scale: sum the raw int8 values in int32 and divide by the
/// element count with C integer division (truncation toward zero). No zero point is subtracted.</item>
/// <item>Otherwise (<c>QuantizedMeanOrSumExtraArgs</c>, which in Micro forwards to the float
/// <c>QuantizedMeanOrSum</c>): <c>scale = in_scale / out_scale</c> and <c>bias = -in_zp * scale</c>
/// in float; <c>mean = (float)sum / (float)count</c>;
/// <c>round_half_away(mean * scale + bias) + out_zp</c>, clamped to [-128, 127] in float.</item>
/// </list>
/// <para>
/// Differences elsewhere, not followed here: TFLite (not Micro) now uses an all-integer
/// QuantizedMeanOrSum (multiplier from Prepare with 1/count folded in, then
/// MultiplyByQuantizedMultiplier) and an optimized integer 4-D path; Micro's CMSIS-NN build does the
/// same integer folding. Those can differ from Micro's reference by 1 LSB. On targets where the C++
/// compiler contracts <c>mean * scale + bias</c> into an FMA (e.g. clang/GCC on AArch64), Micro itself
/// can differ by 1 LSB at exact .5 ties; we evaluate with two float roundings like x86-64 builds.
/// </para>
/// </summary>
public static class MeanInt8Reference
{
    /// <summary>Computes the parameters from the model's float32 scales and zero points.</summary>
    public static MeanInt8Params Prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckScale(outputScale, nameof(outputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        AddInt8Reference.CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
        QuantizedMultiplier q = QuantizedMultiplier.FromDouble((double)inputScale / (double)outputScale);
        bool same = inputZeroPoint == outputZeroPoint && inputScale == outputScale;
        return new MeanInt8Params(inputZeroPoint, inputScale, outputZeroPoint, outputScale, q.Multiplier, q.Shift, same);
    }

    /// <summary>
    /// Averages <paramref name="input"/> (shape <paramref name="inputShape"/>, NHWC) over H and W into
    /// <paramref name="output"/> (N * C values, channel-minor).
    /// </summary>
    public static void Run(in MeanInt8Params p, Shape4 inputShape, ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        Broadcast4D.CheckLength(input.Length, inputShape, nameof(input));
        int outputCount = inputShape.N * inputShape.C;
        if (output.Length < outputCount)
            throw new ArgumentException($"Output has {output.Length} elements but [N,C] = [{inputShape.N},{inputShape.C}] needs {outputCount}.", nameof(output));

        int count = inputShape.H * inputShape.W;
        if (count == 0)
        {
            // Micro zero-fills the output and returns when the reduced extent is empty.
            output[..outputCount].Clear();
            return;
        }

        // Float-path constants, computed in float exactly as QuantizedMeanOrSum does.
        float scale = p.InputScale / p.OutputScale;
        float bias = -p.InputZeroPoint * scale;
        float countF = count;

        int hw = count;
        int c = inputShape.C;
        for (int n = 0; n < inputShape.N; n++)
        {
            int batchBase = n * hw * c;
            for (int ch = 0; ch < c; ch++)
            {
                int sum = 0;
                for (int i = 0; i < hw; i++)
                    sum += input[batchBase + i * c + ch];

                sbyte result;
                if (p.SameQuantization)
                {
                    // reference_ops::Mean<int8_t, int32_t>: C++ int32 division truncates toward zero, as C# does.
                    result = unchecked((sbyte)(sum / count));
                }
                else
                {
                    float mean = sum / countF;
                    // Two roundings (multiply, then add); no fused multiply-add.
                    float product = mean * scale;
                    float value = MathF.Round(product + bias, MidpointRounding.AwayFromZero) + p.OutputZeroPoint;
                    value = Math.Min(value, sbyte.MaxValue);
                    value = Math.Max(value, sbyte.MinValue);
                    result = (sbyte)value;
                }
                output[n * c + ch] = result;
            }
        }
    }
}
