using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Exact int32 sums of int8 values over a grid of taps (rows × cols, any strides), one channel per vector lane:
/// what average pooling and MEAN accumulate. Values are summed in int16 over groups of whole rows holding at most
/// <see cref="MaxInt16Taps"/> taps (|sum| ≤ 256·128 = 2^15, and −2^15 fits), each group then widened into the int32
/// accumulators; so the sums equal the references' int32 sums as long as a row has at most 256 taps.
/// </summary>
internal static class Int8ChannelSums
{
    /// <summary>Taps whose int8 values always sum inside int16.</summary>
    public const int MaxInt16Taps = 256;

    /// <summary>Rows of <paramref name="cols"/> (≤ <see cref="MaxInt16Taps"/>) taps to sum in int16 before widening.</summary>
    public static int GroupRows(int cols) => Math.Max(1, MaxInt16Taps / cols);

    /// <summary>32 channels from <paramref name="first"/>: the sums of channels 0–7, 8–15, 16–23, 24–31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum32(ref sbyte first, int rows, int cols, nint rowStride, nint colStride, int groupRows,
        out Vector256<int> a0, out Vector256<int> a1, out Vector256<int> a2, out Vector256<int> a3)
    {
        a0 = a1 = a2 = a3 = default;
        for (int y0 = 0; y0 < rows; y0 += groupRows)
        {
            Vector256<short> s0 = default, s1 = default;
            int y1 = Math.Min(rows, y0 + groupRows);
            for (int y = y0; y < y1; y++)
            {
                ref sbyte row = ref Unsafe.Add(ref first, y * rowStride);
                for (int x = 0; x < cols; x++)
                {
                    var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, x * colStride));
                    s0 += Vector256.WidenLower(v);
                    s1 += Vector256.WidenUpper(v);
                }
            }
            a0 += Vector256.WidenLower(s0);
            a1 += Vector256.WidenUpper(s0);
            a2 += Vector256.WidenLower(s1);
            a3 += Vector256.WidenUpper(s1);
        }
    }

    /// <summary>16 channels from <paramref name="first"/>: the sums of channels 0–3, 4–7, 8–11, 12–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum16(ref sbyte first, int rows, int cols, nint rowStride, nint colStride, int groupRows,
        out Vector128<int> a0, out Vector128<int> a1, out Vector128<int> a2, out Vector128<int> a3)
    {
        a0 = a1 = a2 = a3 = default;
        for (int y0 = 0; y0 < rows; y0 += groupRows)
        {
            Vector128<short> s0 = default, s1 = default;
            int y1 = Math.Min(rows, y0 + groupRows);
            for (int y = y0; y < y1; y++)
            {
                ref sbyte row = ref Unsafe.Add(ref first, y * rowStride);
                for (int x = 0; x < cols; x++)
                {
                    var v = Vector128.LoadUnsafe(ref Unsafe.Add(ref row, x * colStride));
                    s0 += Vector128.WidenLower(v);
                    s1 += Vector128.WidenUpper(v);
                }
            }
            a0 += Vector128.WidenLower(s0);
            a1 += Vector128.WidenUpper(s0);
            a2 += Vector128.WidenLower(s1);
            a3 += Vector128.WidenUpper(s1);
        }
    }

    /// <summary>8 channels from <paramref name="first"/> (8-byte reads): the sums of channels 0–3 and 4–7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(ref sbyte first, int rows, int cols, nint rowStride, nint colStride, int groupRows,
        out Vector128<int> a0, out Vector128<int> a1)
    {
        a0 = a1 = default;
        for (int y0 = 0; y0 < rows; y0 += groupRows)
        {
            Vector128<short> s = default;
            int y1 = Math.Min(rows, y0 + groupRows);
            for (int y = y0; y < y1; y++)
            {
                ref sbyte row = ref Unsafe.Add(ref first, y * rowStride);
                for (int x = 0; x < cols; x++)
                    s += Vector128.WidenLower(Load8(ref Unsafe.Add(ref row, x * colStride)));
            }
            a0 += Vector128.WidenLower(s);
            a1 += Vector128.WidenUpper(s);
        }
    }

    /// <summary>8 bytes into the lower half of a vector (the upper half zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Load8(ref sbyte at) =>
        Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref at))).AsSByte();

    /// <summary>The lower 8 bytes of <paramref name="v"/> to <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(ref sbyte at, Vector128<sbyte> v) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref at), v.AsInt64().ToScalar());
}
