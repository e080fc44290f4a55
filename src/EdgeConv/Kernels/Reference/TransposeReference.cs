namespace EdgeConv.Kernels.Reference;

/// <summary>TRANSPOSE for any element size and rank up to 6: output dim i is input dim perm[i].</summary>
public static class TransposeReference
{
    /// <summary>Permutes the axes of <paramref name="input"/>.</summary>
    public static void Run(ReadOnlySpan<byte> input, ReadOnlySpan<int> inDims, ReadOnlySpan<int> perm,
        int elementSize, Span<byte> output)
    {
        int rank = inDims.Length;
        Span<int> inStrides = stackalloc int[rank];
        Span<int> outDims = stackalloc int[rank];
        Span<int> strideForOut = stackalloc int[rank];
        Span<int> index = stackalloc int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            inStrides[d] = s;
            s *= inDims[d];
        }
        for (int d = 0; d < rank; d++)
        {
            outDims[d] = inDims[perm[d]];
            strideForOut[d] = inStrides[perm[d]];
        }
        int total = s;
        int inOffset = 0;
        for (int o = 0; o < total; o++)
        {
            input.Slice(inOffset * elementSize, elementSize).CopyTo(output.Slice(o * elementSize));
            // Odometer over the output index, tracking the matching input offset.
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                inOffset += strideForOut[d];
                if (index[d] < outDims[d])
                    break;
                inOffset -= strideForOut[d] * outDims[d];
                index[d] = 0;
            }
        }
    }
}
