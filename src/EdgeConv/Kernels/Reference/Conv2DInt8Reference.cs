using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// The specification of int8 CONV_2D (TFLite reference_integer_ops::ConvPerChannel): NHWC input,
/// OHWI filter whose input depth may divide the input's (grouped conv), int32 bias, per-channel
/// requantization. Taps outside the image are skipped.
/// </summary>
public static class Conv2DInt8Reference
{
    /// <summary>Runs the convolution.</summary>
    public static void Run(ConvGeometry g, RequantParams q,
        ReadOnlySpan<sbyte> input, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape,
        ReadOnlySpan<int> bias,
        Span<sbyte> output, Shape4 outShape)
        => Run(g, q, input, inShape, filter, filterShape, bias, output, outShape, 0, outShape.N * outShape.H);

    /// <summary>Computes output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), a row being one (batch, output y) pair.</summary>
    public static void Run(ConvGeometry g, RequantParams q,
        ReadOnlySpan<sbyte> input, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape,
        ReadOnlySpan<int> bias,
        Span<sbyte> output, Shape4 outShape, int rowStart, int rowEnd)
    {
        int filterInDepth = filterShape.C;
        int groups = inShape.C / filterInDepth;
        int filtersPerGroup = outShape.C / groups;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            int inYOrigin = oy * g.StrideH - g.PadTop;
            for (int ox = 0; ox < outShape.W; ox++)
            {
                int inXOrigin = ox * g.StrideW - g.PadLeft;
                for (int oc = 0; oc < outShape.C; oc++)
                {
                    int group = oc / filtersPerGroup;
                    int acc = 0;
                    for (int ky = 0; ky < filterShape.H; ky++)
                    {
                        int iy = inYOrigin + g.DilationH * ky;
                        if ((uint)iy >= (uint)inShape.H)
                            continue;
                        for (int kx = 0; kx < filterShape.W; kx++)
                        {
                            int ix = inXOrigin + g.DilationW * kx;
                            if ((uint)ix >= (uint)inShape.W)
                                continue;
                            int inBase = inShape.Offset(b, iy, ix, group * filterInDepth);
                            int fBase = filterShape.Offset(oc, ky, kx, 0);
                            for (int ic = 0; ic < filterInDepth; ic++)
                                acc += (filter[fBase + ic] + q.FilterOffset) * (input[inBase + ic] + q.InputOffset);
                        }
                    }
                    if (!bias.IsEmpty)
                        acc += bias[oc];
                    acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, q.Multipliers[oc], q.Shifts[oc]);
                    acc += q.OutputOffset;
                    acc = Math.Clamp(acc, q.ActivationMin, q.ActivationMax);
                    output[outShape.Offset(b, oy, ox, oc)] = (sbyte)acc;
                }
            }
        }
    }
}
