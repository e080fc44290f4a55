using EdgeConv.Graph;

namespace EdgeConv.Kernels.Float;

/// <summary>Float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: the numeric ground truth for tolerance tests.</summary>
public static class ConvFloat
{
    /// <summary>Grouped/standard convolution, NHWC input, OHWI filter.</summary>
    public static void Conv2D(ConvGeometry g, float actMin, float actMax,
        ReadOnlySpan<float> input, Shape4 inShape, ReadOnlySpan<float> filter, Shape4 filterShape,
        ReadOnlySpan<float> bias, Span<float> output, Shape4 outShape)
    {
        int filterInDepth = filterShape.C;
        int groups = inShape.C / filterInDepth;
        int filtersPerGroup = outShape.C / groups;
        for (int b = 0; b < outShape.N; b++)
        for (int oy = 0; oy < outShape.H; oy++)
        for (int ox = 0; ox < outShape.W; ox++)
        for (int oc = 0; oc < outShape.C; oc++)
        {
            int group = oc / filtersPerGroup;
            double acc = 0;
            for (int ky = 0; ky < filterShape.H; ky++)
            {
                int iy = oy * g.StrideH - g.PadTop + g.DilationH * ky;
                if ((uint)iy >= (uint)inShape.H)
                    continue;
                for (int kx = 0; kx < filterShape.W; kx++)
                {
                    int ix = ox * g.StrideW - g.PadLeft + g.DilationW * kx;
                    if ((uint)ix >= (uint)inShape.W)
                        continue;
                    for (int ic = 0; ic < filterInDepth; ic++)
                        acc += (double)filter[filterShape.Offset(oc, ky, kx, ic)] * input[inShape.Offset(b, iy, ix, group * filterInDepth + ic)];
                }
            }
            if (!bias.IsEmpty)
                acc += bias[oc];
            output[outShape.Offset(b, oy, ox, oc)] = Math.Clamp((float)acc, actMin, actMax);
        }
    }

    /// <summary>Depthwise convolution, filter [1, H, W, C×M].</summary>
    public static void Depthwise(ConvGeometry g, int depthMultiplier, float actMin, float actMax,
        ReadOnlySpan<float> input, Shape4 inShape, ReadOnlySpan<float> filter, Shape4 filterShape,
        ReadOnlySpan<float> bias, Span<float> output, Shape4 outShape)
    {
        for (int b = 0; b < outShape.N; b++)
        for (int oy = 0; oy < outShape.H; oy++)
        for (int ox = 0; ox < outShape.W; ox++)
        for (int ic = 0; ic < inShape.C; ic++)
        for (int m = 0; m < depthMultiplier; m++)
        {
            int oc = ic * depthMultiplier + m;
            double acc = 0;
            for (int ky = 0; ky < filterShape.H; ky++)
            {
                int iy = oy * g.StrideH - g.PadTop + g.DilationH * ky;
                if ((uint)iy >= (uint)inShape.H)
                    continue;
                for (int kx = 0; kx < filterShape.W; kx++)
                {
                    int ix = ox * g.StrideW - g.PadLeft + g.DilationW * kx;
                    if ((uint)ix >= (uint)inShape.W)
                        continue;
                    acc += (double)filter[filterShape.Offset(0, ky, kx, oc)] * input[inShape.Offset(b, iy, ix, ic)];
                }
            }
            if (!bias.IsEmpty)
                acc += bias[oc];
            output[outShape.Offset(b, oy, ox, oc)] = Math.Clamp((float)acc, actMin, actMax);
        }
    }

    /// <summary>Fully connected: input [batches, depth], filter [outputs, depth].</summary>
    public static void FullyConnected(float actMin, float actMax, int batches, int accumDepth, int outputDepth,
        ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias, Span<float> output)
    {
        for (int b = 0; b < batches; b++)
        for (int o = 0; o < outputDepth; o++)
        {
            double acc = 0;
            for (int d = 0; d < accumDepth; d++)
                acc += (double)filter[o * accumDepth + d] * input[b * accumDepth + d];
            if (!bias.IsEmpty)
                acc += bias[o];
            output[b * outputDepth + o] = Math.Clamp((float)acc, actMin, actMax);
        }
    }
}
