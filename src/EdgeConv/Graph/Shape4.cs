namespace EdgeConv.Graph;

/// <summary>An NHWC shape as the 4-D kernels see it (lower-rank tensors are padded with leading 1s).</summary>
public readonly record struct Shape4(int N, int H, int W, int C)
{
    /// <summary>Element count.</summary>
    public int FlatSize => N * H * W * C;

    /// <summary>Flat offset of element (n, h, w, c), row-major NHWC.</summary>
    public int Offset(int n, int h, int w, int c) => ((n * H + h) * W + w) * C + c;

    /// <summary>Pads a shape of rank 0..4 with leading 1s.</summary>
    public static Shape4 FromDims(ReadOnlySpan<int> dims)
    {
        if (dims.Length > 4)
            throw new ArgumentException($"Rank {dims.Length} does not fit a 4-D kernel.", nameof(dims));
        Span<int> d = [1, 1, 1, 1];
        for (int i = 0; i < dims.Length; i++)
            d[4 - dims.Length + i] = dims[i];
        return new Shape4(d[0], d[1], d[2], d[3]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{N},{H},{W},{C}]";
}
