using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Float;

/// <summary>Shared broadcast loop of <see cref="AddFloat"/> and <see cref="MulFloat"/>.</summary>
internal static class BinaryFloat
{
    public static void Run(
        Shape4 input1Shape, ReadOnlySpan<float> input1,
        Shape4 input2Shape, ReadOnlySpan<float> input2,
        Shape4 outputShape, Span<float> output,
        float min, float max, bool multiply)
    {
        Broadcast4D.CheckLength(input1.Length, input1Shape, nameof(input1));
        Broadcast4D.CheckLength(input2.Length, input2Shape, nameof(input2));
        Broadcast4D.CheckLength(output.Length, outputShape, nameof(output));
        var s1 = Broadcast4D.Strides(input1Shape, outputShape, nameof(input1));
        var s2 = Broadcast4D.Strides(input2Shape, outputShape, nameof(input2));
        int o = 0;
        for (int n = 0; n < outputShape.N; n++)
            for (int h = 0; h < outputShape.H; h++)
                for (int w = 0; w < outputShape.W; w++)
                {
                    int i1 = n * s1.N + h * s1.H + w * s1.W;
                    int i2 = n * s2.N + h * s2.H + w * s2.W;
                    for (int c = 0; c < outputShape.C; c++, o++)
                    {
                        float a = input1[i1 + c * s1.C], b = input2[i2 + c * s2.C];
                        float v = multiply ? a * b : a + b;
                        // ActivationFunctionWithMinMax: min(max(x, lo), hi).
                        output[o] = Math.Min(Math.Max(v, min), max);
                    }
                }
    }
}
