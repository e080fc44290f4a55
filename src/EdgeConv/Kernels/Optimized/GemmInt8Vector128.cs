using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// The int8 × int16 GEMM micro-kernel the pointwise conv, the general conv (after im2col) and the fully
/// connected kernels share: <c>out[r, c] = requant(Σk x[r, k]·f[c, k] + bias[c])</c> for rows of int8
/// activations against rows of int16-widened weights, written with the cross-platform
/// <see cref="Vector128"/> API only.
/// </summary>
/// <remarks>
/// <para>Inner loop: 16 depth steps at a time, int8 widened to int16, products formed in int16
/// (exact: |f·x| ≤ 127·128 = 16256) and two products added in int16 before widening to int32
/// (exact: ≤ 32512 &lt; 2^15). That bound is why every caller keeps weights in [−127, 127]. A tile
/// of 2 rows × 4 weight rows shares each load; the last row and the last weight rows repeat in the
/// tile and their results are dropped. Depth left over below 16 takes an 8-wide step and then scalar
/// steps. Requantization takes 4 channels at a time with <see cref="RequantizeInt8Vector128"/> (scalar
/// for the last channels when fewer than 4 remain).</para>
/// </remarks>
internal static class GemmInt8Vector128
{
    private const int TileRows = 2;     // activation rows per tile
    private const int TileCols = 4;     // weight rows (output channels) per tile

    /// <summary>
    /// Computes <paramref name="rows"/> × <paramref name="cols"/> outputs. Row r of the activations starts at
    /// <c>x + r·xStride</c>, weight row c at <c>f + c·depth</c> (<paramref name="depth"/> values each); output
    /// (r, c) goes to <c>output + r·outStride + c</c>, requantized as channel <c>channelBase + c</c> with
    /// <c>bias[c]</c> (the bias already holds the folded input zero point). Allocates nothing.
    /// </summary>
    public static void Run(ref sbyte x, int xStride, int rows, int depth, ref short f, int cols, ref int bias,
        RequantizeInt8Vector128 requant, int channelBase, ref sbyte output, int outStride)
    {
        Span<int> sums = stackalloc int[TileRows * TileCols];
        for (int p = 0; p < rows; p += TileRows)
        {
            int tileRows = Math.Min(TileRows, rows - p);
            ref sbyte x0 = ref Unsafe.Add(ref x, p * xStride);
            ref sbyte x1 = ref Unsafe.Add(ref x0, (tileRows - 1) * xStride);
            for (int oc = 0; oc < cols; oc += TileCols)
            {
                int tileCols = Math.Min(TileCols, cols - oc);
                Tile(ref x0, ref x1,
                    ref Unsafe.Add(ref f, oc * depth),
                    ref Unsafe.Add(ref f, Math.Min(oc + 1, cols - 1) * depth),
                    ref Unsafe.Add(ref f, Math.Min(oc + 2, cols - 1) * depth),
                    ref Unsafe.Add(ref f, Math.Min(oc + 3, cols - 1) * depth),
                    depth, sums);
                for (int r = 0; r < tileRows; r++)
                {
                    ref sbyte o = ref Unsafe.Add(ref output, (p + r) * outStride + oc);
                    if (tileCols == TileCols)
                    {
                        var q = requant.Requantize4(
                            Vector128.LoadUnsafe(ref sums[r * TileCols]) + Vector128.LoadUnsafe(ref Unsafe.Add(ref bias, oc)), channelBase + oc);
                        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref o), q.AsInt32().ToScalar());
                        continue;
                    }
                    for (int c = 0; c < tileCols; c++)
                        Unsafe.Add(ref o, c) = requant.Requantize1(unchecked(sums[r * TileCols + c] + Unsafe.Add(ref bias, oc + c)), channelBase + oc + c);
                }
            }
        }
    }

    /// <summary>Σk x_r[k]·f_c[k] for 2 activation rows × 4 weight rows of <paramref name="depth"/>, into <paramref name="sums"/>[r*4+c].</summary>
    private static void Tile(ref sbyte x0, ref sbyte x1, ref short f0, ref short f1, ref short f2, ref short f3,
        int depth, Span<int> sums)
    {
        Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector128<int> a10 = default, a11 = default, a12 = default, a13 = default;
        int k = 0;
        for (; k <= depth - 16; k += 16)
        {
            var v0 = Vector128.LoadUnsafe(ref x0, (nuint)k);
            var v1 = Vector128.LoadUnsafe(ref x1, (nuint)k);
            // Upper halves first, so that WidenLower is each vector's last use (no register copy on ARM64).
            var x0h = Vector128.WidenUpper(v0);
            var x0l = Vector128.WidenLower(v0);
            var x1h = Vector128.WidenUpper(v1);
            var x1l = Vector128.WidenLower(v1);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f0, k), ref a00, ref a10);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f1, k), ref a01, ref a11);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f2, k), ref a02, ref a12);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f3, k), ref a03, ref a13);
        }
        if (k <= depth - 8)
        {
            var x0l = Load8(ref Unsafe.Add(ref x0, k));
            var x1l = Load8(ref Unsafe.Add(ref x1, k));
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f0, k), ref a00, ref a10);
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f1, k), ref a01, ref a11);
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f2, k), ref a02, ref a12);
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f3, k), ref a03, ref a13);
            k += 8;
        }
        sums[0] = Vector128.Sum(a00) + ScalarDot(ref x0, ref f0, k, depth);
        sums[1] = Vector128.Sum(a01) + ScalarDot(ref x0, ref f1, k, depth);
        sums[2] = Vector128.Sum(a02) + ScalarDot(ref x0, ref f2, k, depth);
        sums[3] = Vector128.Sum(a03) + ScalarDot(ref x0, ref f3, k, depth);
        sums[4] = Vector128.Sum(a10) + ScalarDot(ref x1, ref f0, k, depth);
        sums[5] = Vector128.Sum(a11) + ScalarDot(ref x1, ref f1, k, depth);
        sums[6] = Vector128.Sum(a12) + ScalarDot(ref x1, ref f2, k, depth);
        sums[7] = Vector128.Sum(a13) + ScalarDot(ref x1, ref f3, k, depth);
    }

    /// <summary>16 depth steps of one weight row against two activation rows: pairs of int16 products summed in int16, then widened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate16(Vector128<short> x0l, Vector128<short> x0h, Vector128<short> x1l, Vector128<short> x1h,
        ref short f, ref Vector128<int> acc0, ref Vector128<int> acc1)
    {
        var fl = Vector128.LoadUnsafe(ref f);
        var fh = Vector128.LoadUnsafe(ref f, 8);
        acc0 += WidenSum(x0l * fl + x0h * fh);
        acc1 += WidenSum(x1l * fl + x1h * fh);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate8(Vector128<short> x0, Vector128<short> x1, ref short f, ref Vector128<int> acc0, ref Vector128<int> acc1)
    {
        var fl = Vector128.LoadUnsafe(ref f);
        acc0 += WidenSum(x0 * fl);
        acc1 += WidenSum(x1 * fl);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> WidenSum(Vector128<short> v) => Vector128.WidenUpper(v) + Vector128.WidenLower(v);

    /// <summary>8 int8 values widened to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Load8(ref sbyte x) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScalarDot(ref sbyte x, ref short f, int from, int to)
    {
        int acc = 0;
        for (int k = from; k < to; k++)
            acc += Unsafe.Add(ref x, k) * Unsafe.Add(ref f, k);
        return acc;
    }

    /// <summary>
    /// Widens <paramref name="filter"/> ([rows][depth], row-major) to int16 rows of <paramref name="paddedDepth"/>
    /// (zeros after <paramref name="depth"/>) and folds the input zero point into the bias:
    /// <c>bias[r] + inputOffset·Σk filter[r, k]</c>, with int32 wrap-around (see the kernels' remarks).
    /// <paramref name="bias"/> may be empty. The folded bias is padded with zeros to a multiple of 4.
    /// </summary>
    public static (short[] Packed, int[] FoldedBias) Pack(ReadOnlySpan<sbyte> filter, int rows, int depth, int paddedDepth,
        ReadOnlySpan<int> bias, int inputOffset)
    {
        var packed = new short[rows * paddedDepth];
        var folded = new int[(rows + 3) & ~3];
        for (int r = 0; r < rows; r++)
        {
            int sum = 0;
            for (int k = 0; k < depth; k++)
            {
                sbyte w = filter[r * depth + k];
                packed[r * paddedDepth + k] = w;
                sum += w;
            }
            folded[r] = unchecked((bias.IsEmpty ? 0 : bias[r]) + inputOffset * sum);
        }
        return (packed, folded);
    }
}
