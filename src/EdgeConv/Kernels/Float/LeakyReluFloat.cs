namespace EdgeConv.Kernels.Float;

/// <summary>Float32 LEAKY_RELU as TFLite's reference (<c>reference_ops::LeakyRelu</c>): <c>v &gt; 0 ? v : v * alpha</c>.</summary>
public static class LeakyReluFloat
{
    /// <summary>Applies leaky ReLU element-wise (alpha may be negative or above 1); spans have equal length.</summary>
    public static void Run(ReadOnlySpan<float> input, Span<float> output, float alpha)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            float v = input[i];
            output[i] = v > 0 ? v : v * alpha;
        }
    }
}
