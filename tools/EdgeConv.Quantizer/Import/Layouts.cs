namespace EdgeConv.Quantizer.Import;

/// <summary>
/// Permutation arithmetic for layout tracking. A tensor's layout is a permutation P with
/// physical dim i = ONNX (semantic) dim P[i]: identity is "as ONNX", [0,2,3,1] is an NCHW
/// tensor stored NHWC.
/// </summary>
internal static class Layouts
{
    /// <summary>NCHW semantics stored as NHWC.</summary>
    public static readonly int[] NhwcOfNchw = [0, 2, 3, 1];

    public static int[] Identity(int rank)
    {
        var p = new int[rank];
        for (int i = 0; i < rank; i++)
            p[i] = i;
        return p;
    }

    public static bool IsIdentity(ReadOnlySpan<int> perm)
    {
        for (int i = 0; i < perm.Length; i++)
            if (perm[i] != i)
                return false;
        return true;
    }

    public static int[] Inverse(ReadOnlySpan<int> perm)
    {
        var inv = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
            inv[perm[i]] = i;
        return inv;
    }

    /// <summary>Physical shape of a semantic shape under a layout.</summary>
    public static int[] Apply(ReadOnlySpan<int> semantic, ReadOnlySpan<int> perm)
    {
        var r = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
            r[i] = semantic[perm[i]];
        return r;
    }

    /// <summary>The TRANSPOSE perm that turns a tensor stored with <paramref name="from"/> into one stored with <paramref name="to"/>.</summary>
    public static int[] Between(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        var inv = Inverse(from);
        var t = new int[to.Length];
        for (int j = 0; j < to.Length; j++)
            t[j] = inv[to[j]];
        return t;
    }

    /// <summary>The layout of the result of an ONNX Transpose(perm) of a tensor stored with <paramref name="input"/>, keeping the bytes.</summary>
    public static int[] AfterTranspose(ReadOnlySpan<int> input, ReadOnlySpan<int> onnxPerm)
    {
        var inv = Inverse(onnxPerm);
        var q = new int[input.Length];
        for (int j = 0; j < input.Length; j++)
            q[j] = inv[input[j]];
        return q;
    }

    /// <summary>The layout of a rank-extended tensor (leading 1s prepended to the semantic shape).</summary>
    public static int[] Extend(ReadOnlySpan<int> perm, int rank)
    {
        int k = rank - perm.Length;
        var r = new int[rank];
        for (int i = 0; i < k; i++)
            r[i] = i;
        for (int i = 0; i < perm.Length; i++)
            r[k + i] = perm[i] + k;
        return r;
    }

    /// <summary>
    /// True when the bytes in this layout are already in ONNX order: the dims larger than 1
    /// appear in increasing semantic order (so a reshape needs no transpose first).
    /// </summary>
    public static bool SameElementOrder(ReadOnlySpan<int> semantic, ReadOnlySpan<int> perm)
    {
        int last = -1;
        foreach (int d in perm)
        {
            if (semantic[d] == 1)
                continue;
            if (d < last)
                return false;
            last = d;
        }
        return true;
    }

    public static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(',', dims.ToArray()) + "]";
}
