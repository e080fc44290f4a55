namespace EdgeConv.Kernels.Float;

/// <summary>
/// Float32 SOFTMAX as TFLite's reference (<c>reference_ops::Softmax</c> for float): per row of
/// <c>depth</c>, subtract the max, exp((x - max) * beta) in float, divide by the float sum.
/// </summary>
public static class SoftmaxFloat
{
    /// <summary>Runs softmax over consecutive rows of <paramref name="depth"/> elements.</summary>
    public static void Run(ReadOnlySpan<float> input, Span<float> output, int depth, float beta)
    {
        if (depth <= 0)
            throw new ArgumentException($"Depth must be positive, got {depth}.", nameof(depth));
        if (input.Length % depth != 0)
            throw new ArgumentException($"Input length {input.Length} is not a multiple of depth {depth}.", nameof(input));
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));

        for (int start = 0; start < input.Length; start += depth)
        {
            ReadOnlySpan<float> row = input.Slice(start, depth);
            Span<float> outRow = output.Slice(start, depth);
            float max = float.MinValue;
            for (int c = 0; c < depth; c++)
                max = Math.Max(max, row[c]);
            float sum = 0f;
            for (int c = 0; c < depth; c++)
            {
                float e = MathF.Exp((row[c] - max) * beta);
                outRow[c] = e;
                sum += e;
            }
            for (int c = 0; c < depth; c++)
                outRow[c] /= sum;
        }
    }
}
