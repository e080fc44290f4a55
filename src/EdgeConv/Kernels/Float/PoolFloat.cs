using EdgeConv.Graph;

namespace EdgeConv.Kernels.Float;

/// <summary>Float32 AVERAGE_POOL_2D and MAX_POOL_2D (only taps inside the image count).</summary>
public static class PoolFloat
{
    /// <summary>Average (<paramref name="max"/> false) or max pooling.</summary>
    public static void Run(bool max, ConvGeometry g, int filterH, int filterW, float actMin, float actMax,
        ReadOnlySpan<float> input, Shape4 inShape, Span<float> output, Shape4 outShape)
    {
        for (int b = 0; b < outShape.N; b++)
        for (int oy = 0; oy < outShape.H; oy++)
        for (int ox = 0; ox < outShape.W; ox++)
        {
            var (inY0, inX0, fy0, fy1, fx0, fx1) = g.ClippedWindow(oy, ox, filterH, filterW, inShape.H, inShape.W);
            for (int c = 0; c < outShape.C; c++)
            {
                double acc = max ? double.NegativeInfinity : 0;
                int count = 0;
                for (int fy = fy0; fy < fy1; fy++)
                for (int fx = fx0; fx < fx1; fx++)
                {
                    float v = input[inShape.Offset(b, inY0 + fy, inX0 + fx, c)];
                    acc = max ? Math.Max(acc, v) : acc + v;
                    count++;
                }
                float r = max ? (float)acc : (float)(acc / Math.Max(count, 1));
                output[outShape.Offset(b, oy, ox, c)] = Math.Clamp(r, actMin, actMax);
            }
        }
    }
}
