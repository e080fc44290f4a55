using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// The specification of int8 DEPTHWISE_CONV_2D (TFLite reference_integer_ops::DepthwiseConvPerChannel):
/// filter [1, H, W, C×M], output channel oc = ic × M + m.
/// </summary>
public static class DepthwiseConv2DInt8Reference
{
    /// <summary>Runs the convolution; <paramref name="depthMultiplier"/> = output depth / input depth.</summary>
    public static void Run(ConvGeometry g, int depthMultiplier, RequantParams q,
        ReadOnlySpan<sbyte> input, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape,
        ReadOnlySpan<int> bias,
        Span<sbyte> output, Shape4 outShape)
        => Run(g, depthMultiplier, q, input, inShape, filter, filterShape, bias, output, outShape, 0, outShape.N * outShape.H);

    /// <summary>Computes output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), a row being one (batch, output y) pair.</summary>
    public static void Run(ConvGeometry g, int depthMultiplier, RequantParams q,
        ReadOnlySpan<sbyte> input, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape,
        ReadOnlySpan<int> bias,
        Span<sbyte> output, Shape4 outShape, int rowStart, int rowEnd)
    {
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            int inYOrigin = oy * g.StrideH - g.PadTop;
            for (int ox = 0; ox < outShape.W; ox++)
            {
                int inXOrigin = ox * g.StrideW - g.PadLeft;
                for (int ic = 0; ic < inShape.C; ic++)
                for (int m = 0; m < depthMultiplier; m++)
                {
                    int oc = m + ic * depthMultiplier;
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
                            int f = filter[filterShape.Offset(0, ky, kx, oc)] + q.FilterOffset;
                            acc += f * (input[inShape.Offset(b, iy, ix, ic)] + q.InputOffset);
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
