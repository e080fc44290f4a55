namespace EdgeConv.Kernels.Reference;

/// <summary>
/// PAD / PADV2 for any element type and rank up to 6: copies the input into the middle of the
/// output and fills the rest with one value (the output zero point for int8 PAD).
/// </summary>
/// <remarks>
/// The output is first filled with the pad value (<see cref="Span{T}.Fill"/> for one-byte elements,
/// doubling copies otherwise), then the input is copied in as contiguous runs. Trailing dimensions
/// that are not padded lie contiguously in both tensors, so they join the run: padding H and W of an
/// NHWC tensor copies whole rows of W·C elements.
/// </remarks>
public static class PadReference
{
    /// <summary>Pads <paramref name="input"/> of <paramref name="inDims"/> by (before, after) per dim.</summary>
    public static void Run(ReadOnlySpan<byte> input, ReadOnlySpan<int> inDims, ReadOnlySpan<int> before,
        ReadOnlySpan<int> outDims, ReadOnlySpan<byte> padValue, Span<byte> output)
    {
        int elem = padValue.Length;
        Fill(output, padValue);
        int rank = inDims.Length;
        if (rank == 0)
        {
            input.CopyTo(output);
            return;
        }
        // The innermost dimension that is padded (or the first); those after it join the run.
        int last = rank - 1;
        int run = 1;
        while (last > 0 && inDims[last] == outDims[last] && before[last] == 0)
        {
            run *= inDims[last];
            last--;
        }
        int runBytes = inDims[last] * run * elem;
        int rows = 1;
        for (int d = 0; d < last; d++)
            rows *= inDims[d];
        if (runBytes == 0 || rows == 0)
            return;
        Span<int> index = stackalloc int[rank];
        for (int r = 0; r < rows; r++)
        {
            int rem = r;
            for (int d = last - 1; d >= 0; d--)
            {
                index[d] = rem % inDims[d];
                rem /= inDims[d];
            }
            int outOffset = 0;
            for (int d = 0; d < last; d++)
                outOffset = outOffset * outDims[d] + index[d] + before[d];
            outOffset = (outOffset * outDims[last] + before[last]) * run;
            input.Slice(r * runBytes, runBytes).CopyTo(output.Slice(outOffset * elem));
        }
    }

    /// <summary>Fills <paramref name="output"/> with copies of <paramref name="value"/> (one element).</summary>
    private static void Fill(Span<byte> output, ReadOnlySpan<byte> value)
    {
        if (value.Length == 1)
        {
            output.Fill(value[0]);
            return;
        }
        if (value.IsEmpty || output.Length < value.Length)
            return;
        value.CopyTo(output);
        for (int filled = value.Length; filled < output.Length; filled *= 2)
            output[..Math.Min(filled, output.Length - filled)].CopyTo(output[filled..]);
    }
}
