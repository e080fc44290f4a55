namespace EdgeConv.Kernels.Reference;

/// <summary>
/// SLICE for any element type, rank 1 to 5 (TFLite's <c>reference_ops::Slice</c>, as
/// <c>micro/kernels/slice.cc</c> runs it for float32, int8, int16, int32 and bool): output element
/// i is input element begin + i along every dimension; quantization passes through unchanged.
/// </summary>
public static class SliceReference
{
    /// <summary>The largest rank TFLite Micro's SLICE accepts.</summary>
    public const int MaxRank = 5;

    /// <summary>
    /// Resolves TFLite's size convention (-1 takes the rest of the dimension) and checks that every
    /// [begin, begin + size) lies inside the input; returns the output dimensions.
    /// </summary>
    public static int[] OutputDims(ReadOnlySpan<int> inDims, ReadOnlySpan<int> begin, ReadOnlySpan<int> size)
    {
        int rank = inDims.Length;
        if (rank < 1 || rank > MaxRank)
            throw new ArgumentException($"SLICE supports rank 1 to {MaxRank}, got {rank}.", nameof(inDims));
        if (begin.Length != rank || size.Length != rank)
            throw new ArgumentException($"begin has {begin.Length} and size {size.Length} values for a rank-{rank} input.", nameof(begin));
        var result = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int s = size[d] == -1 ? inDims[d] - begin[d] : size[d];
            if (begin[d] < 0 || s < 0 || begin[d] + s > inDims[d])
                throw new ArgumentException($"dimension {d}: begin {begin[d]} and size {size[d]} leave the input extent {inDims[d]}.", nameof(size));
            result[d] = s;
        }
        return result;
    }

    /// <summary>Copies the slice; <paramref name="outDims"/> comes from <see cref="OutputDims"/>.</summary>
    public static void Run(ReadOnlySpan<byte> input, ReadOnlySpan<int> inDims, ReadOnlySpan<int> begin,
        ReadOnlySpan<int> outDims, int elementSize, Span<byte> output)
    {
        int rank = inDims.Length;
        Span<int> inStrides = stackalloc int[MaxRank];
        Span<int> index = stackalloc int[MaxRank];
        int stride = elementSize;
        for (int d = rank - 1; d >= 0; d--)
        {
            inStrides[d] = stride;
            stride *= inDims[d];
        }
        if (input.Length < stride)
            throw new ArgumentException($"input has {input.Length} bytes, its shape needs {stride}.", nameof(input));
        int rowBytes = outDims[rank - 1] * elementSize;
        int rows = 1;
        for (int d = 0; d < rank - 1; d++)
            rows *= outDims[d];
        if (output.Length < rows * rowBytes)
            throw new ArgumentException($"output has {output.Length} bytes, the slice needs {rows * rowBytes}.", nameof(output));
        if (rowBytes == 0)
            return;
        int inOffset = 0;
        for (int d = 0; d < rank; d++)
            inOffset += begin[d] * inStrides[d];
        for (int r = 0; r < rows; r++)
        {
            input.Slice(inOffset, rowBytes).CopyTo(output.Slice(r * rowBytes, rowBytes));
            // Odometer over the outer output dimensions, tracking the input offset.
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                inOffset += inStrides[d];
                if (index[d] < outDims[d])
                    break;
                inOffset -= inStrides[d] * outDims[d];
                index[d] = 0;
            }
        }
    }
}
