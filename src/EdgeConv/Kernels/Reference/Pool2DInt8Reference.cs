using EdgeConv.Graph;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// The specification of int8 AVERAGE_POOL_2D and MAX_POOL_2D (TFLite reference_integer_ops/pooling.h):
/// only taps inside the image count; the average rounds half away from zero by integer division.
/// </summary>
public static class Pool2DInt8Reference
{
    /// <summary>Average pooling. Returns false when a window holds no tap (TFLite fails the op then).</summary>
    public static bool Average(ConvGeometry g, int filterH, int filterW, int actMin, int actMax,
        ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape)
        => Average(g, filterH, filterW, actMin, actMax, input, inShape, output, outShape, 0, outShape.N * outShape.H);

    /// <summary>Average pooling of output rows [rowStart, rowEnd), a row being one (batch, output y) pair.</summary>
    public static bool Average(ConvGeometry g, int filterH, int filterW, int actMin, int actMax,
        ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, int rowStart, int rowEnd)
    {
        for (int row = rowStart; row < rowEnd; row++)
        for (int ox = 0; ox < outShape.W; ox++)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            var (inY0, inX0, fy0, fy1, fx0, fx1) = g.ClippedWindow(oy, ox, filterH, filterW, inShape.H, inShape.W);
            for (int c = 0; c < outShape.C; c++)
            {
                int acc = 0, count = 0;
                for (int fy = fy0; fy < fy1; fy++)
                for (int fx = fx0; fx < fx1; fx++)
                {
                    acc += input[inShape.Offset(b, inY0 + fy, inX0 + fx, c)];
                    count++;
                }
                if (count == 0)
                    return false;
                acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                output[outShape.Offset(b, oy, ox, c)] = (sbyte)Math.Clamp(acc, actMin, actMax);
            }
        }
        return true;
    }

    /// <summary>Max pooling.</summary>
    public static void Max(ConvGeometry g, int filterH, int filterW, int actMin, int actMax,
        ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape)
        => Max(g, filterH, filterW, actMin, actMax, input, inShape, output, outShape, 0, outShape.N * outShape.H);

    /// <summary>Max pooling of output rows [rowStart, rowEnd).</summary>
    public static void Max(ConvGeometry g, int filterH, int filterW, int actMin, int actMax,
        ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, int rowStart, int rowEnd)
    {
        for (int row = rowStart; row < rowEnd; row++)
        for (int ox = 0; ox < outShape.W; ox++)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            var (inY0, inX0, fy0, fy1, fx0, fx1) = g.ClippedWindow(oy, ox, filterH, filterW, inShape.H, inShape.W);
            for (int c = 0; c < outShape.C; c++)
            {
                int max = sbyte.MinValue;
                for (int fy = fy0; fy < fy1; fy++)
                for (int fx = fx0; fx < fx1; fx++)
                    max = Math.Max(max, input[inShape.Offset(b, inY0 + fy, inX0 + fx, c)]);
                output[outShape.Offset(b, oy, ox, c)] = (sbyte)Math.Clamp(max, actMin, actMax);
            }
        }
    }
}
