using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>Precomputed parameters of <see cref="SoftmaxInt8Reference"/> (TFLite <c>SoftmaxParams</c> for int8).</summary>
/// <param name="InputMultiplier">Q31 multiplier of beta * input_scale in the Q5.26 exp input.</param>
/// <param name="InputLeftShift">Left shift applied with <see cref="InputMultiplier"/> (always &gt;= 0).</param>
/// <param name="DiffMin">Input differences (x - row max) below this are treated as exp = 0.</param>
public readonly record struct SoftmaxInt8Params(int InputMultiplier, int InputLeftShift, int DiffMin);

/// <summary>
/// TFLite Micro int8 SOFTMAX (<c>micro/kernels/softmax_common.cc</c> Prepare,
/// <c>reference_ops::Softmax</c> in <c>reference/softmax.h</c>): int8 in, int8 out with scale 1/256 and
/// zero point -128, over rows of <c>depth</c> = the last dimension.
/// </summary>
public static class SoftmaxInt8Reference
{
    /// <summary>Integer bits of the exp() input (Q5.26).</summary>
    public const int ScaledDiffIntegerBits = 5;

    /// <summary>Integer bits of the sum of exps (Q12.19).</summary>
    public const int AccumulationIntegerBits = 12;

    /// <summary>
    /// Computes the parameters from the model's float32 beta, input scale and output quantization.
    /// Throws <see cref="ArgumentException"/> unless the output is scale 1/256, zero point -128 (as
    /// TFLite requires) and beta * input_scale gives a multiplier above 1 in Q5.26.
    /// </summary>
    public static SoftmaxInt8Params Prepare(float beta, float inputScale, float outputScale, int outputZeroPoint)
    {
        if (outputZeroPoint != -128)
            throw new ArgumentException($"Int8 SOFTMAX output zero point must be -128, got {outputZeroPoint}.", nameof(outputZeroPoint));
        // TFLite compares the float exactly: output->params.scale == 1.f / 256.
        if (outputScale != 1f / 256)
            throw new ArgumentException($"Int8 SOFTMAX output scale must be 1/256, got {outputScale:R}.", nameof(outputScale));
        if (!(inputScale > 0) || float.IsInfinity(inputScale))
            throw new ArgumentException($"Input scale must be positive and finite, got {inputScale:R}.", nameof(inputScale));
        if (!(beta > 0) || float.IsInfinity(beta))
            throw new ArgumentException($"Beta must be positive and finite, got {beta:R}.", nameof(beta));

        // PreprocessSoftmaxScaling (quantization_util.cc), default build: in double,
        // min(beta * input_scale * 2^(31 - 5), 2^31 - 1), then QuantizeMultiplierGreaterThanOne.
        const double maxRealMultiplier = (1L << 31) - 1.0;
        double real = Math.Min((double)beta * (double)inputScale * (1 << (31 - ScaledDiffIntegerBits)), maxRealMultiplier);
        if (!(real > 1.0))
            throw new ArgumentException(
                $"beta * input_scale * 2^26 = {real:R} must be greater than 1 (TFLite QuantizeMultiplierGreaterThanOne).", nameof(inputScale));
        QuantizedMultiplier q = QuantizedMultiplier.FromDouble(real);
        if (q.Shift < 0)
            throw new ArgumentException($"Softmax input shift {q.Shift} is negative.", nameof(inputScale));

        // diff_min = -1.0 * CalculateInputRadius(5, left_shift) with total_signed_bits = 31:
        // floor((2^5 - 1) * 2^(31 - 5) / 2^left_shift).
        double maxInputRescaled = 1.0 * ((1 << ScaledDiffIntegerBits) - 1) * (1L << (31 - ScaledDiffIntegerBits)) / (1L << q.Shift);
        int radius = (int)Math.Floor(maxInputRescaled);
        return new SoftmaxInt8Params(q.Multiplier, q.Shift, -radius);
    }

    /// <summary>
    /// Runs softmax over consecutive rows of <paramref name="depth"/> elements (the last dimension).
    /// <paramref name="input"/> and <paramref name="output"/> have the same length, a multiple of depth.
    /// </summary>
    public static void Run(in SoftmaxInt8Params p, ReadOnlySpan<sbyte> input, Span<sbyte> output, int depth)
    {
        if (depth <= 0)
            throw new ArgumentException($"Depth must be positive, got {depth}.", nameof(depth));
        if (input.Length % depth != 0)
            throw new ArgumentException($"Input length {input.Length} is not a multiple of depth {depth}.", nameof(input));
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));

        int rows = input.Length / depth;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<sbyte> row = input.Slice(i * depth, depth);
            Span<sbyte> outRow = output.Slice(i * depth, depth);

            int maxInRow = sbyte.MinValue;
            for (int c = 0; c < depth; c++)
                maxInRow = Math.Max(maxInRow, row[c]);

            // Sum of exp(beta * scale * (x - max)) in Q12.19.
            int sumOfExps = 0;
            for (int c = 0; c < depth; c++)
            {
                int inputDiff = row[c] - maxInRow;
                if (inputDiff >= p.DiffMin)
                {
                    int exp = GemmlowpFixedPoint.ExpOnNegativeValues(ScaledDiff(p, inputDiff), ScaledDiffIntegerBits);
                    sumOfExps = unchecked(sumOfExps + GemmlowpFixedPoint.Rescale(exp, 0, AccumulationIntegerBits));
                }
            }

            // GetReciprocal (common.h): normalise the sum to [1, 2), take 1 / (1 + x) in Q0.31.
            int headroomPlusOne = System.Numerics.BitOperations.LeadingZeroCount((uint)sumOfExps);
            int numBitsOverUnit = AccumulationIntegerBits - headroomPlusOne;
            int shiftedSumMinusOne = unchecked((int)(((uint)sumOfExps << headroomPlusOne) - (1u << 31)));
            int shiftedScale = GemmlowpFixedPoint.OneOverOnePlusXForXIn01(shiftedSumMinusOne);

            // Output is 8 bits wide: exponent = num_bits_over_unit + 31 - 8.
            int exponent = numBitsOverUnit + 31 - 8;
            if (exponent is < 0 or > 31)
                throw new InvalidOperationException($"Softmax reciprocal exponent {exponent} is outside [0, 31].");

            for (int c = 0; c < depth; c++)
            {
                int inputDiff = row[c] - maxInRow;
                if (inputDiff >= p.DiffMin)
                {
                    int exp = GemmlowpFixedPoint.ExpOnNegativeValues(ScaledDiff(p, inputDiff), ScaledDiffIntegerBits);
                    int unsat = FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(shiftedScale, exp), exponent);
                    int shifted = unsat + sbyte.MinValue;
                    outRow[c] = (sbyte)Math.Clamp(shifted, sbyte.MinValue, sbyte.MaxValue);
                }
                else
                {
                    outRow[c] = sbyte.MinValue;
                }
            }
        }
    }

    // MultiplyByQuantizedMultiplierGreaterThanOne(input_diff, multiplier, left_shift), read as Q5.26.
    private static int ScaledDiff(in SoftmaxInt8Params p, int inputDiff)
        => FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(inputDiff, p.InputMultiplier, p.InputLeftShift);
}
