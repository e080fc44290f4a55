using EdgeConv.Graph;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// int8 RESIZE_BILINEAR as TFLite Micro runs it (<c>micro/kernels/resize_bilinear.cc</c>,
/// <c>reference_ops::ResizeBilinearInteger</c> in <c>reference/resize_bilinear.h</c>): positions and
/// weights in 10-bit fixed point, the four-tap sum in 64 bits, one rounding (ties away from zero,
/// default build). The raw int8 values are interpolated, so the output must share the input's
/// quantization (the weights sum to 2^20, which carries the zero point through unchanged).
/// </summary>
public static class ResizeBilinearInt8Reference
{
    /// <summary>Largest spatial size whose 10-bit positions cannot overflow int32.</summary>
    public const int MaxSpatialSize = 1 << 20;

    /// <summary>
    /// Interpolates <paramref name="input"/> to <paramref name="outputShape"/> (same batch and
    /// channel counts). Throws <see cref="ArgumentException"/> for what TFLite rejects or would read
    /// out of bounds (<see cref="Validate"/>).
    /// </summary>
    public static void Run(bool alignCorners, bool halfPixelCenters,
        Shape4 inputShape, ReadOnlySpan<sbyte> input, Shape4 outputShape, Span<sbyte> output)
    {
        Validate(alignCorners, halfPixelCenters, inputShape, outputShape);
        Broadcast4D.CheckLength(input.Length, inputShape, nameof(input));
        Broadcast4D.CheckLength(output.Length, outputShape, nameof(output));
        const int one = 1 << 10;
        int scaleY = Scale10(inputShape.H, outputShape.H, alignCorners);
        int scaleX = Scale10(inputShape.W, outputShape.W, alignCorners);
        int o = 0;
        for (int b = 0; b < outputShape.N; b++)
            for (int y = 0; y < outputShape.H; y++)
            {
                var (inY, y0, y1) = Position(y, scaleY, halfPixelCenters, inputShape.H);
                long dy = inY - one * y0;
                for (int x = 0; x < outputShape.W; x++)
                {
                    var (inX, x0, x1) = Position(x, scaleX, halfPixelCenters, inputShape.W);
                    long dx = inX - one * x0;
                    int r00 = inputShape.Offset(b, y0, x0, 0), r10 = inputShape.Offset(b, y1, x0, 0);
                    int r01 = inputShape.Offset(b, y0, x1, 0), r11 = inputShape.Offset(b, y1, x1, 0);
                    for (int c = 0; c < outputShape.C; c++, o++)
                    {
                        long sum = input[r00 + c] * (one - dy) * (one - dx)
                                 + input[r10 + c] * dy * (one - dx)
                                 + input[r01 + c] * (one - dy) * dx
                                 + input[r11 + c] * dy * dx;
                        long round = sum > 0 ? 1L << 19 : -(1L << 19);
                        output[o] = (sbyte)((sum + round) / (1L << 20)); // C++ division truncates toward zero; so does C#'s
                    }
                }
            }
    }

    /// <summary>
    /// The 10-bit fixed-point step between output pixels in input pixels, rounded to nearest:
    /// (2^10 * in + out / 2) / out, or with align_corners and out &gt; 1 the same with in - 1 and out - 1.
    /// </summary>
    public static int Scale10(int inputSize, int outputSize, bool alignCorners)
        => alignCorners && outputSize > 1
            ? ((1 << 10) * (inputSize - 1) + (outputSize - 1) / 2) / (outputSize - 1)
            : ((1 << 10) * inputSize + outputSize / 2) / outputSize;

    /// <summary>
    /// TFLite's ComputeInterpolationValuesInteger: the 10-bit position of output index
    /// <paramref name="value"/> (value * scale, or value * scale + scale / 2 - 2^9 with half-pixel
    /// centers), its lower neighbour max(position / 2^10, 0) (truncating division) and its upper
    /// neighbour min(ceil(position / 2^10), in - 1).
    /// </summary>
    public static (int Position, int Lower, int Upper) Position(int value, int scale10, bool halfPixelCenters, int inputSize)
    {
        int scaled = halfPixelCenters ? value * scale10 + scale10 / 2 - (1 << 9) : value * scale10;
        int lower = Math.Max(scaled / (1 << 10), 0);
        int upper = Math.Min((scaled + (1 << 10) - 1) / (1 << 10), inputSize - 1);
        return (scaled, lower, upper);
    }

    /// <summary>
    /// Rejects align_corners with half_pixel_centers (TFLite Micro's Prepare does), spatial sizes
    /// above <see cref="MaxSpatialSize"/>, and extreme upscales where the rounded 10-bit scale puts
    /// the last lower neighbour past the input (TFLite would read out of bounds there).
    /// </summary>
    public static void Validate(bool alignCorners, bool halfPixelCenters, Shape4 inputShape, Shape4 outputShape)
    {
        if (alignCorners && halfPixelCenters)
            throw new ArgumentException("If half_pixel_centers is true, align_corners must be false.");
        ResizeShapes.Check(inputShape, inputShape.FlatSize, outputShape, outputShape.FlatSize);
        foreach (int size in (ReadOnlySpan<int>)[inputShape.H, inputShape.W, outputShape.H, outputShape.W])
            if (size > MaxSpatialSize)
                throw new ArgumentException($"Spatial size {size} exceeds {MaxSpatialSize}; 10-bit positions would overflow int32.");
        CheckLastLower(inputShape.H, outputShape.H, alignCorners, halfPixelCenters, "height");
        CheckLastLower(inputShape.W, outputShape.W, alignCorners, halfPixelCenters, "width");
    }

    private static void CheckLastLower(int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters, string axis)
    {
        int lower = Position(outputSize - 1, Scale10(inputSize, outputSize, alignCorners), halfPixelCenters, inputSize).Lower;
        if (lower >= inputSize)
            throw new ArgumentException($"Resizing {axis} {inputSize} to {outputSize}: the 10-bit scale puts the last sample at input row {lower}, past the input.");
    }
}
