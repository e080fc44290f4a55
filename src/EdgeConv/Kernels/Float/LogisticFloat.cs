namespace EdgeConv.Kernels.Float;

/// <summary>
/// Float32 LOGISTIC as TFLite's reference (<c>reference_ops::Logistic</c> for float): 1 above
/// 16.619047164916992188, exp(x) below -9, else 1 / (1 + exp(-x)).
/// </summary>
public static class LogisticFloat
{
    /// <summary>Applies the logistic function element-wise; spans have equal length.</summary>
    public static void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        const float cutoffUpper = 16.619047164916992188f;
        const float cutoffLower = -9f;
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            output[i] = x > cutoffUpper ? 1f
                : x < cutoffLower ? MathF.Exp(x)
                : 1f / (1f + MathF.Exp(-x));
        }
    }
}
