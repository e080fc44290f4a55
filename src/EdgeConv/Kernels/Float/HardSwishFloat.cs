namespace EdgeConv.Kernels.Float;

/// <summary>Float32 HARD_SWISH as TFLite's reference: <c>x * min(6, max(0, x + 3)) / 6</c> in float.</summary>
public static class HardSwishFloat
{
    /// <summary>Applies hard-swish element-wise; spans have equal length.</summary>
    public static void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            output[i] = x * Math.Min(6f, Math.Max(0f, x + 3f)) / 6f;
        }
    }
}
