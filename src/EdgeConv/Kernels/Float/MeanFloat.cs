using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Float;

/// <summary>
/// Float32 MEAN over H and W of an NHWC tensor, as TFLite's reference: a float sum in H-then-W
/// order per (n, c), divided by H * W converted to float. Output [N,1,1,C] or [N,C] (same layout).
/// </summary>
public static class MeanFloat
{
    /// <summary>Averages <paramref name="input"/> over H and W into N * C outputs.</summary>
    public static void Run(Shape4 inputShape, ReadOnlySpan<float> input, Span<float> output)
    {
        Broadcast4D.CheckLength(input.Length, inputShape, nameof(input));
        int outputCount = inputShape.N * inputShape.C;
        if (output.Length < outputCount)
            throw new ArgumentException($"Output has {output.Length} elements but needs {outputCount}.", nameof(output));
        int hw = inputShape.H * inputShape.W;
        int c = inputShape.C;
        for (int n = 0; n < inputShape.N; n++)
            for (int ch = 0; ch < c; ch++)
            {
                float sum = 0f;
                for (int i = 0; i < hw; i++)
                    sum += input[(n * hw + i) * c + ch];
                output[n * c + ch] = sum / hw;
            }
    }
}
