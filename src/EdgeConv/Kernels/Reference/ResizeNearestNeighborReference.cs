using EdgeConv.Graph;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// RESIZE_NEAREST_NEIGHBOR for any element type (it only moves elements, so int8 keeps its
/// quantization and float32 its bits), as TFLite Micro runs it (<c>micro/kernels/resize_nearest_neighbor.cc</c>,
/// <c>reference_ops::ResizeNearestNeighbor</c> and GetNearestNeighbor in <c>reference/resize_nearest_neighbor.h</c>).
/// </summary>
public static class ResizeNearestNeighborReference
{
    /// <summary>
    /// Copies, for every output pixel, the C channels of the input pixel chosen by
    /// <see cref="NearestIndex"/> in each spatial axis. Batch and channel counts must match.
    /// </summary>
    public static void Run<T>(bool alignCorners, bool halfPixelCenters,
        Shape4 inputShape, ReadOnlySpan<T> input, Shape4 outputShape, Span<T> output)
    {
        ResizeShapes.Check(inputShape, input.Length, outputShape, output.Length);
        int depth = outputShape.C;
        int o = 0;
        for (int b = 0; b < outputShape.N; b++)
            for (int y = 0; y < outputShape.H; y++)
            {
                int inY = NearestIndex(y, inputShape.H, outputShape.H, alignCorners, halfPixelCenters);
                for (int x = 0; x < outputShape.W; x++, o += depth)
                {
                    int inX = NearestIndex(x, inputShape.W, outputShape.W, alignCorners, halfPixelCenters);
                    input.Slice(inputShape.Offset(b, inY, inX, 0), depth).CopyTo(output.Slice(o, depth));
                }
            }
    }

    /// <summary>
    /// The input index for output index <paramref name="outputIndex"/>, all in float32:
    /// scale = in / out, or (in - 1) / (out - 1) with align_corners and out &gt; 1; position =
    /// (index + 0.5 if half_pixel_centers) * scale; rounded half away from zero with align_corners,
    /// floored otherwise; at most in - 1, and at least 0 with half_pixel_centers.
    /// </summary>
    public static int NearestIndex(int outputIndex, int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters)
    {
        float scale = alignCorners && outputSize > 1
            ? (inputSize - 1) / (float)(outputSize - 1)
            : inputSize / (float)outputSize;
        float offset = halfPixelCenters ? 0.5f : 0f;
        float shifted = outputIndex + offset;
        float position = shifted * scale;
        float picked = alignCorners ? MathF.Round(position, MidpointRounding.AwayFromZero) : MathF.Floor(position);
        int index = Math.Min((int)picked, inputSize - 1);
        return halfPixelCenters ? Math.Max(0, index) : index;
    }
}

/// <summary>The shape rules the RESIZE kernels share.</summary>
internal static class ResizeShapes
{
    /// <summary>Batch and channel counts match, both spatial sizes are positive and the spans are long enough.</summary>
    public static void Check(Shape4 inputShape, int inputLength, Shape4 outputShape, int outputLength)
    {
        if (inputShape.N != outputShape.N || inputShape.C != outputShape.C)
            throw new ArgumentException($"Output shape {outputShape} must keep the batch and channel counts of input shape {inputShape}.");
        if (inputShape.H <= 0 || inputShape.W <= 0 || outputShape.H <= 0 || outputShape.W <= 0)
            throw new ArgumentException($"Resize from {inputShape} to {outputShape}: spatial sizes must be positive.");
        Broadcast4D.CheckLength(inputLength, inputShape, "input");
        Broadcast4D.CheckLength(outputLength, outputShape, "output");
    }
}
