using EdgeConv.Graph;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The argument checks every prepared windowed conv kernel makes when it runs a range of output rows.</summary>
internal static class WindowRunArguments
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the shapes are the prepared ones and the input, the
    /// output and the scratch are long enough, and <see cref="ArgumentOutOfRangeException"/> unless
    /// [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) lies inside the output's N·H rows.
    /// </summary>
    public static void Check(Shape4 inShape, Shape4 outShape, Shape4 preparedIn, Shape4 preparedOut,
        int inputLength, int outputLength, int scratchLength, int scratchBytes, int rowStart, int rowEnd)
    {
        if (inShape != preparedIn || outShape != preparedOut)
            throw new ArgumentException($"Shapes {inShape} -> {outShape} differ from the prepared {preparedIn} -> {preparedOut}.", nameof(inShape));
        if (inputLength < inShape.FlatSize || outputLength < outShape.FlatSize)
            throw new ArgumentException($"Input ({inputLength}) or output ({outputLength}) is shorter than its shape.", nameof(inputLength));
        if (scratchLength < scratchBytes)
            throw new ArgumentException($"Scratch has {scratchLength} bytes; this kernel needs {scratchBytes}.", nameof(scratchLength));
        if (rowStart < 0 || rowEnd > outShape.N * outShape.H || rowStart > rowEnd)
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"Rows [{rowStart}, {rowEnd}) are outside [0, {outShape.N * outShape.H}).");
    }
}
