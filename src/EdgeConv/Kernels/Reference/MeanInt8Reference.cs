using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>How <see cref="MeanInt8Reference"/> rescales when input and output quantization differ.</summary>
public enum MeanInt8Rescale
{
    /// <summary>
    /// Current TFLite Micro (<c>micro/kernels/internal/reference/reduce.h</c>, whose
    /// <c>QuantizedMeanOrSumExtraArgs</c> calls the all-integer <c>QuantizedMeanOrSum</c>): the
    /// Prepare multiplier with 1/count folded in, then MultiplyByQuantizedMultiplier.
    /// </summary>
    IntegerMultiplier = 0,

    /// <summary>
    /// TFLite Micro releases whose <c>kernels/internal/reference/reduce.h</c> forwarded
    /// <c>QuantizedMeanOrSumExtraArgs</c> to the float <c>QuantizedMeanOrSum</c> (2022 to 2024):
    /// mean and rescale in float, rounded half away from zero.
    /// </summary>
    LegacyFloat = 1,
}

/// <summary>Precomputed parameters of <see cref="MeanInt8Reference"/> (TFLite Micro <c>OpDataReduce</c> for int8 MEAN).</summary>
/// <param name="InputZeroPoint">Input zero point.</param>
/// <param name="InputScale">Input scale (float32, as stored in the model).</param>
/// <param name="OutputZeroPoint">Output zero point.</param>
/// <param name="OutputScale">Output scale (float32, as stored in the model).</param>
/// <param name="Multiplier">QuantizeMultiplier((double)input_scale / (double)output_scale), as Micro's Prepare computes it.</param>
/// <param name="Shift">Exponent of <see cref="Multiplier"/>.</param>
/// <param name="SameQuantization">Input and output zero points and (float) scales are equal: Micro takes the integer-division path.</param>
/// <param name="Rescale">Which rescale the different-quantization path uses.</param>
public readonly record struct MeanInt8Params(
    int InputZeroPoint,
    float InputScale,
    int OutputZeroPoint,
    float OutputScale,
    int Multiplier,
    int Shift,
    bool SameQuantization,
    MeanInt8Rescale Rescale);

/// <summary>
/// TFLite Micro int8 MEAN over H and W of an NHWC tensor (MobileNet's global average pool), output
/// [N,1,1,C] (keep_dims) or [N,C]; both have the same memory layout and the same arithmetic.
/// <para>
/// What Micro's reference path does (<c>micro/kernels/reduce_common.cc</c> EvalMeanHelper /
/// EvalIntegerMean, <c>reference_ops::Mean</c> / <c>QuantizedMeanOrSum</c> in
/// <c>reduce.h</c>), for either keep_dims value (Micro has no special 4-D int8 MEAN path any more):
/// </para>
/// <list type="bullet">
/// <item>Same zero point and same float scale: sum the raw int8 values in int32 and divide by the
/// element count with C integer division (truncation toward zero). No zero point is subtracted.</item>
/// <item>Otherwise (<see cref="MeanInt8Rescale.IntegerMultiplier"/>): with
/// <c>s = min(floor(log2(count)), 32, 31 + shift)</c>, the multiplier becomes
/// <c>(multiplier &lt;&lt; s) / count</c> (int64, truncating) and the shift <c>shift - s</c>; each output
/// is <c>MultiplyByQuantizedMultiplier(sum - in_zp * count, ...) + out_zp</c>, clamped.</item>
/// <item><see cref="MeanInt8Rescale.LegacyFloat"/>: <c>scale = in_scale / out_scale</c> and
/// <c>bias = -in_zp * scale</c> in float; <c>mean = (float)sum / (float)count</c>;
/// <c>round_half_away(mean * scale + bias) + out_zp</c> clamped in float (two float roundings; a
/// C++ build that contracts to an FMA can differ at exact ties).</item>
/// </list>
/// <para>
/// Not followed: TFLite (not Micro) also has an optimized 4-D integer MEAN, and Micro's CMSIS-NN and
/// Xtensa builds use the folded integer multiplier even when the quantization is the same, where the
/// reference path truncates; those can differ from this by 1 LSB.
/// </para>
/// </summary>
public static class MeanInt8Reference
{
    /// <summary>Computes the parameters from the model's float32 scales and zero points.</summary>
    public static MeanInt8Params Prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
        MeanInt8Rescale rescale = MeanInt8Rescale.IntegerMultiplier)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckScale(outputScale, nameof(outputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        AddInt8Reference.CheckZeroPoint(outputZeroPoint, nameof(outputZeroPoint));
        QuantizedMultiplier q = QuantizedMultiplier.FromDouble((double)inputScale / (double)outputScale);
        bool same = inputZeroPoint == outputZeroPoint && inputScale == outputScale;
        return new MeanInt8Params(inputZeroPoint, inputScale, outputZeroPoint, outputScale, q.Multiplier, q.Shift, same, rescale);
    }

    /// <summary>
    /// The multiplier and shift of the integer path after folding in 1/<paramref name="count"/>,
    /// as QuantizedMeanOrSum does at Eval time.
    /// </summary>
    public static (int Multiplier, int Shift) FoldCount(int multiplier, int shift, long count)
    {
        if (count <= 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Count must be positive.");
        int s = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)count);
        // At most 32 so the 64-bit product cannot overflow, and shift - s must stay >= -31.
        s = Math.Min(s, 32);
        s = Math.Min(s, 31 + shift);
        int folded = (int)(((long)multiplier << s) / count);
        return (folded, shift - s);
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

        var finish = new MeanInt8Finish(p, count);
        int c = inputShape.C;
        for (int n = 0; n < inputShape.N; n++)
        {
            int batchBase = n * count * c;
            for (int ch = 0; ch < c; ch++)
            {
                int sum = 0;
                for (int i = 0; i < count; i++)
                    sum += input[batchBase + i * c + ch];
                output[n * c + ch] = finish.Apply(sum);
            }
        }
    }
}

/// <summary>
/// <see cref="MeanInt8Reference"/>'s step from one channel's int32 sum of <c>count</c> raw int8 values to the output
/// value, with the constants of its three paths computed once (shared with the optimized kernel's scalar fallback).
/// </summary>
internal readonly struct MeanInt8Finish
{
    private readonly MeanInt8Params _p;
    private readonly int _count, _foldedMultiplier, _foldedShift;
    private readonly float _scale, _bias, _countF;

    /// <summary>The constants for <paramref name="count"/> (&gt; 0) values per sum.</summary>
    public MeanInt8Finish(in MeanInt8Params p, int count)
    {
        _p = p;
        _count = count;
        (_foldedMultiplier, _foldedShift) = MeanInt8Reference.FoldCount(p.Multiplier, p.Shift, count);
        // Legacy float constants, computed in float exactly as that QuantizedMeanOrSum does.
        _scale = p.InputScale / p.OutputScale;
        _bias = -p.InputZeroPoint * _scale;
        _countF = count;
    }

    /// <summary>Multiplier and shift of the integer path with 1/count folded in.</summary>
    public (int Multiplier, int Shift) Folded => (_foldedMultiplier, _foldedShift);

    /// <summary>The output value of a channel whose raw values sum to <paramref name="sum"/>.</summary>
    public sbyte Apply(int sum)
    {
        int result;
        if (_p.SameQuantization)
        {
            // reference_ops::Mean<int8_t, int32_t>: int32 division truncates toward zero in C++ and C#.
            result = sum / _count;
        }
        else if (_p.Rescale == MeanInt8Rescale.IntegerMultiplier)
        {
            int shiftedSum = unchecked((int)(sum - (long)_p.InputZeroPoint * _count));
            result = FixedPoint.MultiplyByQuantizedMultiplier(shiftedSum, _foldedMultiplier, _foldedShift) + _p.OutputZeroPoint;
            result = Math.Min(Math.Max(result, sbyte.MinValue), sbyte.MaxValue);
        }
        else
        {
            float mean = sum / _countF;
            float product = mean * _scale; // two roundings: no fused multiply-add
            float value = MathF.Round(product + _bias, MidpointRounding.AwayFromZero) + _p.OutputZeroPoint;
            value = Math.Min(value, sbyte.MaxValue);
            value = Math.Max(value, sbyte.MinValue);
            result = (int)value;
        }
        return unchecked((sbyte)result);
    }
}
