using EdgeConv.Graph;

namespace EdgeConv.Kernels;

/// <summary>Strides, dilations and the leading padding of a 2-D window op, computed like TFLite's padding.h.</summary>
public readonly record struct ConvGeometry(int StrideH, int StrideW, int DilationH, int DilationW, int PadTop, int PadLeft)
{
    /// <summary>TFLite ComputeOutSize.</summary>
    public static int OutputSize(Padding padding, int inSize, int filterSize, int stride, int dilation)
    {
        int effective = (filterSize - 1) * dilation + 1;
        return padding == Padding.Same
            ? (inSize + stride - 1) / stride
            : (inSize + stride - effective) / stride;
    }

    /// <summary>TFLite ComputePadding: the leading half of the total padding, floor, never negative.</summary>
    public static int LeadingPad(int stride, int dilation, int inSize, int filterSize, int outSize)
    {
        int effective = (filterSize - 1) * dilation + 1;
        int pad = ((outSize - 1) * stride + effective - inSize) / 2;
        return pad > 0 ? pad : 0;
    }

    /// <summary>
    /// The taps of a pooling window at output (oy, ox) that fall inside the image: the window's
    /// top-left input position and the filter ranges [Fy0, Fy1) × [Fx0, Fx1) that stay in bounds.
    /// </summary>
    public (int InY0, int InX0, int Fy0, int Fy1, int Fx0, int Fx1) ClippedWindow(int oy, int ox, int filterH, int filterW, int inH, int inW)
    {
        int inY0 = oy * StrideH - PadTop, inX0 = ox * StrideW - PadLeft;
        return (inY0, inX0, Math.Max(0, -inY0), Math.Min(filterH, inH - inY0), Math.Max(0, -inX0), Math.Min(filterW, inW - inX0));
    }

    /// <summary>Geometry for a window of <paramref name="filterH"/>×<paramref name="filterW"/> over an input.</summary>
    public static ConvGeometry Create(Padding padding, int strideH, int strideW, int dilationH, int dilationW,
        int inH, int inW, int filterH, int filterW, out int outH, out int outW)
    {
        outH = OutputSize(padding, inH, filterH, strideH, dilationH);
        outW = OutputSize(padding, inW, filterW, strideW, dilationW);
        int padTop = padding == Padding.Same ? LeadingPad(strideH, dilationH, inH, filterH, outH) : 0;
        int padLeft = padding == Padding.Same ? LeadingPad(strideW, dilationW, inW, filterW, outW) : 0;
        return new ConvGeometry(strideH, strideW, dilationH, dilationW, padTop, padLeft);
    }
}

/// <summary>What an int8 conv-like op needs to requantize: offsets, per-channel multipliers, clamp.</summary>
public sealed class RequantParams
{
    /// <summary>-input zero point, added to every input value.</summary>
    public required int InputOffset { get; init; }
    /// <summary>Output zero point.</summary>
    public required int OutputOffset { get; init; }
    /// <summary>-filter zero point (0 for symmetric weights).</summary>
    public int FilterOffset { get; init; }
    /// <summary>Clamp lower bound (quantized).</summary>
    public required int ActivationMin { get; init; }
    /// <summary>Clamp upper bound (quantized).</summary>
    public required int ActivationMax { get; init; }
    /// <summary>Q31 multipliers, one per output channel.</summary>
    public required int[] Multipliers { get; init; }
    /// <summary>Shifts, one per output channel.</summary>
    public required int[] Shifts { get; init; }
}
