namespace EdgeConv.Kernels.Reference;

/// <summary>CONCATENATION of tensors that share quantization (or are float): a byte copy per outer index.</summary>
public static class ConcatenationReference
{
    /// <summary>
    /// Copies one input's chunk (its axis size × the inner size, in bytes) for each of the
    /// <paramref name="outer"/> positions into its place in the output.
    /// </summary>
    public static void CopyChunk(ReadOnlySpan<byte> input, int outer, int inputChunkBytes, int outputChunkBytes,
        int outputChunkOffset, Span<byte> output)
    {
        for (int o = 0; o < outer; o++)
            input.Slice(o * inputChunkBytes, inputChunkBytes)
                .CopyTo(output.Slice(o * outputChunkBytes + outputChunkOffset, inputChunkBytes));
    }
}
