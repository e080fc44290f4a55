namespace EdgeConv.Kernels.Float;

/// <summary>
/// Float32 RELU, RELU_N1_TO_1 and RELU6 as TFLite's references (ReluFloat, Relu1, Relu6Float):
/// <c>v &gt; max ? max : v &lt; min ? min : v</c>, so NaN passes through.
/// </summary>
public static class ReluFloat
{
    /// <summary>RELU: [0, +inf).</summary>
    public static void Relu(ReadOnlySpan<float> input, Span<float> output) => Clamp(input, output, 0f, float.PositiveInfinity);

    /// <summary>RELU_N1_TO_1: [-1, 1].</summary>
    public static void ReluN1To1(ReadOnlySpan<float> input, Span<float> output) => Clamp(input, output, -1f, 1f);

    /// <summary>RELU6: [0, 6].</summary>
    public static void Relu6(ReadOnlySpan<float> input, Span<float> output) => Clamp(input, output, 0f, 6f);

    /// <summary>Clamps element-wise; spans have equal length.</summary>
    public static void Clamp(ReadOnlySpan<float> input, Span<float> output, float min, float max)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            float v = input[i];
            output[i] = v > max ? max : v < min ? min : v;
        }
    }
}
