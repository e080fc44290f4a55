using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The x86 AVX-VNNI micro-kernel of <see cref="GemmInt8Tile4x16"/> (see its remarks).</summary>
internal sealed partial class GemmInt8Tile4x16
{
    /// <summary>x86 AVX-VNNI: tile rows r in <c>Rr0</c> (columns 0–7) and <c>Rr1</c> (8–15).</summary>
    private readonly struct AvxVnniTile : ITileKernel
    {
        public static bool OffsetsWeights => true;

        public static int StepBytes => 4;

        public static int WeightBytes => 1;

        public static int PackedIndex(int k, int column) => ColumnQuadIndex(k, column);

        /// <summary>The 4×16 micro-kernel: adds Σ over <paramref name="groups"/> groups of 4 input channels of (f + 128)·x, rows 0–3 × columns 0–15.</summary>
        /// <remarks>Not inlined, with the accumulators in locals: as a call, the four row addresses arrive in
        /// registers and the loop addresses them as base + k (inlined, the JIT recomputed each row's address
        /// with an imul every step), and the accumulators go through memory once, at the ends.</remarks>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Tile(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3, ref Tile4x16 tile)
        {
            Vector256<int> a00 = tile.R00, a01 = tile.R01, a10 = tile.R10, a11 = tile.R11, a20 = tile.R20, a21 = tile.R21, a30 = tile.R30, a31 = tile.R31;
            nint k = 0;
            for (int g = 0; g < groups; g++)
            {
                var w0 = Vector256.LoadUnsafe(ref w);
                var w1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32));
                var b = Broadcast(ref Unsafe.Add(ref x0, k));
                a00 = AvxVnni.MultiplyWideningAndAdd(a00, w0, b);
                a01 = AvxVnni.MultiplyWideningAndAdd(a01, w1, b);
                b = Broadcast(ref Unsafe.Add(ref x1, k));
                a10 = AvxVnni.MultiplyWideningAndAdd(a10, w0, b);
                a11 = AvxVnni.MultiplyWideningAndAdd(a11, w1, b);
                b = Broadcast(ref Unsafe.Add(ref x2, k));
                a20 = AvxVnni.MultiplyWideningAndAdd(a20, w0, b);
                a21 = AvxVnni.MultiplyWideningAndAdd(a21, w1, b);
                b = Broadcast(ref Unsafe.Add(ref x3, k));
                a30 = AvxVnni.MultiplyWideningAndAdd(a30, w0, b);
                a31 = AvxVnni.MultiplyWideningAndAdd(a31, w1, b);
                w = ref Unsafe.Add(ref w, 4 * BlockCols);
                k += 4;
            }
            tile.R00 = a00;
            tile.R01 = a01;
            tile.R10 = a10;
            tile.R11 = a11;
            tile.R20 = a20;
            tile.R21 = a21;
            tile.R30 = a30;
            tile.R31 = a31;
        }

        /// <summary>
        /// One row × 16 columns, the groups dealt round-robin to four pairs of accumulators so that four
        /// <c>vpdpbusd</c> chains are in flight instead of one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tile1(ref byte w, int groups, ref sbyte x0, ref Tile4x16 tile)
        {
            Vector256<int> p0 = default, p1 = default, q0 = default, q1 = default, r0 = default, r1 = default, s0 = default, s1 = default;
            nint k = 0;
            int g = 0;
            for (; g <= groups - 4; g += 4)
            {
                var b = Broadcast(ref Unsafe.Add(ref x0, k));
                p0 = AvxVnni.MultiplyWideningAndAdd(p0, Vector256.LoadUnsafe(ref w), b);
                p1 = AvxVnni.MultiplyWideningAndAdd(p1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)), b);
                b = Broadcast(ref Unsafe.Add(ref x0, k + 4));
                q0 = AvxVnni.MultiplyWideningAndAdd(q0, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 64)), b);
                q1 = AvxVnni.MultiplyWideningAndAdd(q1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 96)), b);
                b = Broadcast(ref Unsafe.Add(ref x0, k + 8));
                r0 = AvxVnni.MultiplyWideningAndAdd(r0, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 128)), b);
                r1 = AvxVnni.MultiplyWideningAndAdd(r1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 160)), b);
                b = Broadcast(ref Unsafe.Add(ref x0, k + 12));
                s0 = AvxVnni.MultiplyWideningAndAdd(s0, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 192)), b);
                s1 = AvxVnni.MultiplyWideningAndAdd(s1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 224)), b);
                w = ref Unsafe.Add(ref w, 16 * BlockCols);
                k += 16;
            }
            for (; g < groups; g++)
            {
                var b = Broadcast(ref Unsafe.Add(ref x0, k));
                p0 = AvxVnni.MultiplyWideningAndAdd(p0, Vector256.LoadUnsafe(ref w), b);
                p1 = AvxVnni.MultiplyWideningAndAdd(p1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)), b);
                w = ref Unsafe.Add(ref w, 4 * BlockCols);
                k += 4;
            }
            tile.R00 += p0 + q0 + (r0 + s0);
            tile.R01 += p1 + q1 + (r1 + s1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(GemmInt8Tile4x16 gemm, ref Tile4x16 t, int rows, int col, int c0, int c1, int c2, int c3,
            ref sbyte output, int outStride, int width)
        {
            ref int biasRef = ref MemoryMarshal.GetArrayDataReference(gemm._bias);
            var bias0 = Vector256.LoadUnsafe(ref biasRef, (nuint)col);
            var bias1 = Vector256.LoadUnsafe(ref biasRef, (nuint)col + 8);
            gemm.Store2(t.R00 + bias0 + Vector256.Create(c0), t.R01 + bias1 + Vector256.Create(c0),
                t.R10 + bias0 + Vector256.Create(c1), t.R11 + bias1 + Vector256.Create(c1),
                col, ref output, ref Unsafe.Add(ref output, outStride), width, rows >= 2);
            if (rows >= 3)
                gemm.Store2(t.R20 + bias0 + Vector256.Create(c2), t.R21 + bias1 + Vector256.Create(c2),
                    t.R30 + bias0 + Vector256.Create(c3), t.R31 + bias1 + Vector256.Create(c3),
                    col, ref Unsafe.Add(ref output, 2 * outStride), ref Unsafe.Add(ref output, 3 * outStride), width, rows >= 4);
        }
    }

    /// <summary>Four activation bytes at <paramref name="x"/> in every int32 lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Broadcast(ref sbyte x) =>
        Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte();

    /// <summary>
    /// Requantizes two rows of 16 columns (row 0 in <paramref name="lo0"/>/<paramref name="hi0"/>, row 1 in
    /// the others), and stores the first <paramref name="width"/> bytes of row 0, and of row 1 if <paramref name="second"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store2(Vector256<int> lo0, Vector256<int> hi0, Vector256<int> lo1, Vector256<int> hi1, int col,
        ref sbyte out0, ref sbyte out1, int width, bool second)
    {
        if (Avx512F.IsSupported)
        {
            // 16 lanes a row, and vpmovsdb narrows them in order with saturation: no packs, no permute.
            Store1Avx512(Vector512.Create(lo0, hi0), col, ref out0, width);
            if (second)
                Store1Avx512(Vector512.Create(lo1, hi1), col, ref out1, width);
            return;
        }
        Store2Avx2(lo0, hi0, lo1, hi1, col, ref out0, ref out1, width, second);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store1Avx512(Vector512<int> acc, int col, ref sbyte at, int width)
    {
        var bytes = _requant.Clamp(Avx512F.ConvertToVector128SByteWithSaturation(_requant.Apply16(acc, col)));
        if (width == BlockCols)
            bytes.StoreUnsafe(ref at);
        else
            StorePart(bytes, ref at, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store2Avx2(Vector256<int> lo0, Vector256<int> hi0, Vector256<int> lo1, Vector256<int> hi1, int col,
        ref sbyte out0, ref sbyte out1, int width, bool second)
    {
        var w0 = Avx2.PackSignedSaturate(_requant.Apply8(lo0, col), _requant.Apply8(hi0, col + 8));
        var w1 = Avx2.PackSignedSaturate(_requant.Apply8(lo1, col), _requant.Apply8(hi1, col + 8));
        // Dwords after the two packs: row 0's columns 0-3, 8-11, row 1's 0-3, 8-11, then the same for 4-7, 12-15.
        var bytes = Avx2.PermuteVar8x32(Avx2.PackSignedSaturate(w0, w1).AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte();
        bytes = _requant.Clamp(bytes);
        if (width == BlockCols)
        {
            bytes.GetLower().StoreUnsafe(ref out0);
            if (second)
                bytes.GetUpper().StoreUnsafe(ref out1);
            return;
        }
        StorePart(bytes.GetLower(), ref out0, width);
        if (second)
            StorePart(bytes.GetUpper(), ref out1, width);
    }

    /// <summary>Σk x[k] over one row of <paramref name="depth"/> int8 values (<c>vpsadbw</c> on x + 128, then the 128s taken back out).</summary>
    private static int RowSum(ref sbyte x, int depth)
    {
        ref byte b = ref Unsafe.As<sbyte, byte>(ref x);
        var flip256 = Vector256.Create((byte)0x80);
        var acc256 = Vector256<ulong>.Zero;
        int k = 0;
        for (; k <= depth - 32; k += 32)
            acc256 += Avx2.SumAbsoluteDifferences(Vector256.LoadUnsafe(ref b, (nuint)k) ^ flip256, Vector256<byte>.Zero).AsUInt64();
        long sum = (long)Vector256.Sum(acc256);
        for (; k <= depth - 8; k += 8)
        {
            var v = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, k)) ^ 0x8080808080808080UL).AsByte();
            sum += (long)Sse2.SumAbsoluteDifferences(v, Vector128<byte>.Zero).AsUInt64().ToScalar();
        }
        sum -= 128L * k;
        for (; k < depth; k++)
            sum += Unsafe.Add(ref x, k);
        return (int)sum;
    }
}
