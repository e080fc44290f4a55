namespace EdgeConv.Kernels.Reference;

/// <summary>
/// PAD / PADV2 for any element type and rank up to 6: copies the input into the middle of the
/// output and fills the rest with one value (the output zero point for int8 PAD).
/// </summary>
public static class PadReference
{
    /// <summary>Pads <paramref name="input"/> of <paramref name="inDims"/> by (before, after) per dim.</summary>
    public static void Run(ReadOnlySpan<byte> input, ReadOnlySpan<int> inDims, ReadOnlySpan<int> before,
        ReadOnlySpan<int> outDims, ReadOnlySpan<byte> padValue, Span<byte> output)
    {
        int elem = padValue.Length;
        for (int i = 0; i < output.Length; i += elem)
            padValue.CopyTo(output[i..]);
        int rank = inDims.Length;
        if (rank == 0)
        {
            input.CopyTo(output);
            return;
        }
        // Copy row by row along the last dimension.
        int rowElems = inDims[rank - 1];
        int rows = 1;
        for (int d = 0; d < rank - 1; d++)
            rows *= inDims[d];
        Span<int> index = stackalloc int[rank];
        for (int r = 0; r < rows; r++)
        {
            int rem = r;
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d] = rem % inDims[d];
                rem /= inDims[d];
            }
            int outOffset = 0;
            for (int d = 0; d < rank - 1; d++)
                outOffset = outOffset * outDims[d] + index[d] + before[d];
            outOffset = outOffset * outDims[rank - 1] + before[rank - 1];
            input.Slice(r * rowElems * elem, rowElems * elem).CopyTo(output.Slice(outOffset * elem));
        }
    }
}
