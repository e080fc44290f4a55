using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Float;

/// <summary>
/// Float32 RESIZE_BILINEAR as TFLite's reference (<c>reference_ops::ResizeBilinear</c> for float):
/// float scale and positions, four taps weighted in float, evaluated in upstream's order.
/// </summary>
public static class ResizeBilinearFloat
{
    /// <summary>Interpolates <paramref name="input"/> to <paramref name="outputShape"/> (same batch and channel counts).</summary>
    public static void Run(bool alignCorners, bool halfPixelCenters,
        Shape4 inputShape, ReadOnlySpan<float> input, Shape4 outputShape, Span<float> output)
    {
        Validate(alignCorners, halfPixelCenters, inputShape, outputShape);
        Broadcast4D.CheckLength(input.Length, inputShape, nameof(input));
        Broadcast4D.CheckLength(output.Length, outputShape, nameof(output));
        float scaleY = Scale(inputShape.H, outputShape.H, alignCorners);
        float scaleX = Scale(inputShape.W, outputShape.W, alignCorners);
        int o = 0;
        for (int b = 0; b < outputShape.N; b++)
            for (int y = 0; y < outputShape.H; y++)
            {
                var (inY, y0, y1) = Position(y, scaleY, halfPixelCenters, inputShape.H);
                float fy = inY - y0;
                for (int x = 0; x < outputShape.W; x++)
                {
                    var (inX, x0, x1) = Position(x, scaleX, halfPixelCenters, inputShape.W);
                    float fx = inX - x0;
                    int r00 = inputShape.Offset(b, y0, x0, 0), r10 = inputShape.Offset(b, y1, x0, 0);
                    int r01 = inputShape.Offset(b, y0, x1, 0), r11 = inputShape.Offset(b, y1, x1, 0);
                    for (int c = 0; c < outputShape.C; c++, o++)
                    {
                        float t00 = input[r00 + c] * (1 - fy) * (1 - fx);
                        float t10 = input[r10 + c] * fy * (1 - fx);
                        float t01 = input[r01 + c] * (1 - fy) * fx;
                        float t11 = input[r11 + c] * fy * fx;
                        output[o] = t00 + t10 + t01 + t11;
                    }
                }
            }
    }

    /// <summary>
    /// Rejects align_corners with half_pixel_centers (TFLite Micro's Prepare does), mismatched batch
    /// or channel counts, and sizes where float rounding would put the last sample past the input.
    /// </summary>
    public static void Validate(bool alignCorners, bool halfPixelCenters, Shape4 inputShape, Shape4 outputShape)
    {
        if (alignCorners && halfPixelCenters)
            throw new ArgumentException("If half_pixel_centers is true, align_corners must be false.");
        ResizeShapes.Check(inputShape, inputShape.FlatSize, outputShape, outputShape.FlatSize);
        if (Position(outputShape.H - 1, Scale(inputShape.H, outputShape.H, alignCorners), halfPixelCenters, inputShape.H).Lower >= inputShape.H
            || Position(outputShape.W - 1, Scale(inputShape.W, outputShape.W, alignCorners), halfPixelCenters, inputShape.W).Lower >= inputShape.W)
            throw new ArgumentException($"Resizing {inputShape} to {outputShape}: the last sample falls past the input.");
    }

    /// <summary>in / out, or (in - 1) / (out - 1) with align_corners and out &gt; 1, in float32.</summary>
    public static float Scale(int inputSize, int outputSize, bool alignCorners)
        => alignCorners && outputSize > 1 ? (float)(inputSize - 1) / (outputSize - 1) : (float)inputSize / outputSize;

    /// <summary>
    /// TFLite's ComputeInterpolationValues: position value * scale (or (value + 0.5) * scale - 0.5),
    /// lower neighbour max(floor, 0), upper neighbour min(ceil, in - 1).
    /// </summary>
    public static (float Position, int Lower, int Upper) Position(int value, float scale, bool halfPixelCenters, int inputSize)
    {
        float scaled = halfPixelCenters ? (value + 0.5f) * scale - 0.5f : value * scale;
        int lower = Math.Max((int)MathF.Floor(scaled), 0);
        int upper = Math.Min((int)MathF.Ceiling(scaled), inputSize - 1);
        return (scaled, lower, upper);
    }
}
