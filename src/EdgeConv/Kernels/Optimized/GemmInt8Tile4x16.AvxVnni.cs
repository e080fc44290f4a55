using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The x86 AVX-VNNI micro-kernel of <see cref="GemmInt8Tile4x16"/> (see its remarks).</summary>
internal sealed partial class GemmInt8Tile4x16
{
    /// <summary>x86 AVX-VNNI: tile rows r in <c>Rr0</c> (columns 0–7) and <c>Rr1</c> (8–15).</summary>
    /// <remarks>
    /// <typeparamref name="TFlip"/> says where the activations become x + 128: in the panel copy, or (for shallow
    /// layers whose rows need no padding, where copying a row costs more than flipping it in the loop) in
    /// the loop, one <c>vpxor</c> per broadcast, reading the rows in place.
    /// </remarks>
    private readonly struct AvxVnniTile<TFlip> : ITileKernel where TFlip : struct, IActivationFlip
    {
        public static bool FlipsActivations => TFlip.InCopy;

        public static int StepBytes => 4;

        public static int WeightBytes => 1;

        public static int PackedIndex(int k, int column) => ColumnQuadIndex(k, column);

        /// <summary>
        /// A panel's rows × one block, as a method of its own: the tile loop and the tiles compiled together,
        /// so a 4-row tile costs no call and no arguments through the stack (a tenth of MobileNetV2's time
        /// when every tile was a call).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Block(ref byte w, int groups, ref sbyte panel, int stride, int count, GemmInt8Tile4x16 gemm, int col,
            ref sbyte output, int outStride, int width)
            => BlockRows<AvxVnniTile<TFlip>>(ref w, groups, ref panel, stride, count, gemm, col, ref output, outStride, width);

        /// <summary>
        /// The 4×16 micro-kernel: Σ over <paramref name="groups"/> groups of 4 input channels of (x + 128)·f, rows
        /// 0–3 × columns 0–15, then the epilogue (<see cref="Store"/>) on the accumulators still in registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tile(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width)
        {
            Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
            nint k = 0;
            for (int g = 0; g < groups; g++)
            {
                var w0 = Vector256.LoadUnsafe(ref w).AsSByte();
                var w1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)).AsSByte();
                var b = Broadcast<TFlip>(ref Unsafe.Add(ref x0, k));
                a00 = AvxVnni.MultiplyWideningAndAdd(a00, b, w0);
                a01 = AvxVnni.MultiplyWideningAndAdd(a01, b, w1);
                b = Broadcast<TFlip>(ref Unsafe.Add(ref x1, k));
                a10 = AvxVnni.MultiplyWideningAndAdd(a10, b, w0);
                a11 = AvxVnni.MultiplyWideningAndAdd(a11, b, w1);
                b = Broadcast<TFlip>(ref Unsafe.Add(ref x2, k));
                a20 = AvxVnni.MultiplyWideningAndAdd(a20, b, w0);
                a21 = AvxVnni.MultiplyWideningAndAdd(a21, b, w1);
                b = Broadcast<TFlip>(ref Unsafe.Add(ref x3, k));
                a30 = AvxVnni.MultiplyWideningAndAdd(a30, b, w0);
                a31 = AvxVnni.MultiplyWideningAndAdd(a31, b, w1);
                w = ref Unsafe.Add(ref w, 4 * BlockCols);
                k += 4;
            }
            Store(gemm, rows, col, ref output, outStride, width, a00, a01, a10, a11, a20, a21, a30, a31);
        }

        /// <summary>
        /// A last block of at most 8 columns (BlazeFace's 24, 40, 88 channels...): 4 rows × 8 columns, the first half
        /// of each group's weights, even and odd groups into separate accumulators (eight <c>vpdpbusd</c> chains, as
        /// in the 16-column kernel); then the epilogue on 8 lanes a row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tile8(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width)
        {
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            nint k = 0;
            int g = 0;
            for (; g < groups - 1; g += 2)
            {
                var w0 = Vector256.LoadUnsafe(ref w).AsSByte();
                var w1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 4 * BlockCols)).AsSByte();
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, Broadcast<TFlip>(ref Unsafe.Add(ref x0, k)), w0);
                b0 = AvxVnni.MultiplyWideningAndAdd(b0, Broadcast<TFlip>(ref Unsafe.Add(ref x0, k + 4)), w1);
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, Broadcast<TFlip>(ref Unsafe.Add(ref x1, k)), w0);
                b1 = AvxVnni.MultiplyWideningAndAdd(b1, Broadcast<TFlip>(ref Unsafe.Add(ref x1, k + 4)), w1);
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, Broadcast<TFlip>(ref Unsafe.Add(ref x2, k)), w0);
                b2 = AvxVnni.MultiplyWideningAndAdd(b2, Broadcast<TFlip>(ref Unsafe.Add(ref x2, k + 4)), w1);
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, Broadcast<TFlip>(ref Unsafe.Add(ref x3, k)), w0);
                b3 = AvxVnni.MultiplyWideningAndAdd(b3, Broadcast<TFlip>(ref Unsafe.Add(ref x3, k + 4)), w1);
                w = ref Unsafe.Add(ref w, 8 * BlockCols);
                k += 8;
            }
            if (g < groups)
            {
                var w0 = Vector256.LoadUnsafe(ref w).AsSByte();
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, Broadcast<TFlip>(ref Unsafe.Add(ref x0, k)), w0);
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, Broadcast<TFlip>(ref Unsafe.Add(ref x1, k)), w0);
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, Broadcast<TFlip>(ref Unsafe.Add(ref x2, k)), w0);
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, Broadcast<TFlip>(ref Unsafe.Add(ref x3, k)), w0);
            }
            var requant = gemm._requantX86!;
            ref int operands = ref Unsafe.Add(ref requant.Operands, RequantizeInt8X86.OperandsAt(col, BlockCols));
            // Tile8 runs only a last block of at most 8 columns, whose lanes 8-15 repeat its operands (see the constructor).
            if (Avx512F.IsSupported)
            {
                if (requant.IsCompact)
                    StoreRowPairs8<CompactForm>(requant, rows, ref operands, ref output, outStride, width, a0 + b0, a1 + b1, a2 + b2, a3 + b3);
                else
                    StoreRowPairs8<GeneralForm>(requant, rows, ref operands, ref output, outStride, width, a0 + b0, a1 + b1, a2 + b2, a3 + b3);
            }
            else if (requant.IsCompact)
                StoreRows8<CompactForm>(requant, rows, ref operands, ref output, outStride, width, a0 + b0, a1 + b1, a2 + b2, a3 + b3);
            else
                StoreRows8<GeneralForm>(requant, rows, ref operands, ref output, outStride, width, a0 + b0, a1 + b1, a2 + b2, a3 + b3);
        }

        /// <summary>
        /// One row × 16 columns, the groups dealt round-robin to four pairs of accumulators so that four
        /// <c>vpdpbusd</c> chains are in flight instead of one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tile1(ref byte w, int groups, ref sbyte x0, GemmInt8Tile4x16 gemm, int col, ref sbyte output, int width)
        {
            Vector256<int> p0 = default, p1 = default, q0 = default, q1 = default, r0 = default, r1 = default, s0 = default, s1 = default;
            nint k = 0;
            int g = 0;
            for (; g <= groups - 4; g += 4)
            {
                var b = Broadcast<TFlip>(ref Unsafe.Add(ref x0, k));
                p0 = AvxVnni.MultiplyWideningAndAdd(p0, b, Vector256.LoadUnsafe(ref w).AsSByte());
                p1 = AvxVnni.MultiplyWideningAndAdd(p1, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)).AsSByte());
                b = Broadcast<TFlip>(ref Unsafe.Add(ref x0, k + 4));
                q0 = AvxVnni.MultiplyWideningAndAdd(q0, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 64)).AsSByte());
                q1 = AvxVnni.MultiplyWideningAndAdd(q1, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 96)).AsSByte());
                b = Broadcast<TFlip>(ref Unsafe.Add(ref x0, k + 8));
                r0 = AvxVnni.MultiplyWideningAndAdd(r0, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 128)).AsSByte());
                r1 = AvxVnni.MultiplyWideningAndAdd(r1, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 160)).AsSByte());
                b = Broadcast<TFlip>(ref Unsafe.Add(ref x0, k + 12));
                s0 = AvxVnni.MultiplyWideningAndAdd(s0, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 192)).AsSByte());
                s1 = AvxVnni.MultiplyWideningAndAdd(s1, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 224)).AsSByte());
                w = ref Unsafe.Add(ref w, 16 * BlockCols);
                k += 16;
            }
            for (; g < groups; g++)
            {
                var b = Broadcast<TFlip>(ref Unsafe.Add(ref x0, k));
                p0 = AvxVnni.MultiplyWideningAndAdd(p0, b, Vector256.LoadUnsafe(ref w).AsSByte());
                p1 = AvxVnni.MultiplyWideningAndAdd(p1, b, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)).AsSByte());
                w = ref Unsafe.Add(ref w, 4 * BlockCols);
                k += 4;
            }
            Store(gemm, 1, col, ref output, 0, width, p0 + q0 + (r0 + s0), p1 + q1 + (r1 + s1), default, default, default, default, default, default);
        }

        /// <summary>
        /// The epilogue: <see cref="RequantizeInt8X86"/> with the bias and the 128·Σk f of the flip folded into its
        /// operands, 16 lanes a row and <c>vpmovsdb</c> with AVX-512, else 8 lanes, packs and one <c>vpermd</c> for two rows.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width,
            Vector256<int> a00, Vector256<int> a01, Vector256<int> a10, Vector256<int> a11,
            Vector256<int> a20, Vector256<int> a21, Vector256<int> a30, Vector256<int> a31)
        {
            var requant = gemm._requantX86!;
            ref int operands = ref Unsafe.Add(ref requant.Operands, RequantizeInt8X86.OperandsAt(col, BlockCols));
            if (Avx512F.IsSupported)
            {
                // The form chosen once per tile, as a type: each row's code is then straight-line.
                if (requant.IsCompact)
                    StoreRows<CompactForm>(requant, rows, ref operands, ref output, outStride, width, a00, a01, a10, a11, a20, a21, a30, a31);
                else
                    StoreRows<GeneralForm>(requant, rows, ref operands, ref output, outStride, width, a00, a01, a10, a11, a20, a21, a30, a31);
                return;
            }
            gemm.Store2(a00, a01, a10, a11, ref operands, ref output, ref Unsafe.Add(ref output, outStride), width, rows >= 2);
            if (rows >= 3)
                gemm.Store2(a20, a21, a30, a31, ref operands,
                    ref Unsafe.Add(ref output, 2 * outStride), ref Unsafe.Add(ref output, 3 * outStride), width, rows >= 4);
        }
    }

    /// <summary>Requantizes 1–4 rows of 16 columns (AVX-512), each as one 512-bit vector, in <typeparamref name="TForm"/>, and stores their first <paramref name="width"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<TForm>(RequantizeInt8X86 requant, int rows, ref int operands, ref sbyte output, int outStride, int width,
        Vector256<int> a00, Vector256<int> a01, Vector256<int> a10, Vector256<int> a11,
        Vector256<int> a20, Vector256<int> a21, Vector256<int> a30, Vector256<int> a31) where TForm : struct, IForm
    {
        Store1<TForm>(requant, Join(a00, a01), ref operands, ref output, width);
        if (rows >= 2)
            Store1<TForm>(requant, Join(a10, a11), ref operands, ref Unsafe.Add(ref output, outStride), width);
        if (rows >= 3)
            Store1<TForm>(requant, Join(a20, a21), ref operands, ref Unsafe.Add(ref output, 2 * outStride), width);
        if (rows >= 4)
            Store1<TForm>(requant, Join(a30, a31), ref operands, ref Unsafe.Add(ref output, 3 * outStride), width);
    }

    /// <summary>Columns 0–7 and 8–15 as one vector: one <c>vinserti32x8</c> (<see cref="Vector512.Create(Vector256{int}, Vector256{int})"/> spends three).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Join(Vector256<int> lower, Vector256<int> upper) => lower.ToVector512Unsafe().WithUpper(upper);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store1<TForm>(RequantizeInt8X86 requant, Vector512<int> acc, ref int operands, ref sbyte at, int width) where TForm : struct, IForm
    {
        var bytes = requant.Pack16(TForm.Apply(requant, acc, ref operands));
        if (width == BlockCols)
            bytes.StoreUnsafe(ref at);
        else
            StorePart(bytes, ref at, width);
    }

    /// <summary>One form of <see cref="RequantizeInt8X86"/> on 16 lanes or on the first 8 of a 16-column group, as a type the epilogue is specialized on.</summary>
    private interface IForm
    {
        static abstract Vector512<int> Apply(RequantizeInt8X86 requant, Vector512<int> acc, ref int operands);

        static abstract Vector256<int> Apply(RequantizeInt8X86 requant, Vector256<int> acc, ref int operands);
    }

    private readonly struct CompactForm : IForm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Apply(RequantizeInt8X86 requant, Vector512<int> acc, ref int operands) => RequantizeInt8X86.ApplyCompact(acc, ref operands);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(RequantizeInt8X86 requant, Vector256<int> acc, ref int operands) => RequantizeInt8X86.ApplyCompact(acc, ref operands, BlockCols);
    }

    private readonly struct GeneralForm : IForm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Apply(RequantizeInt8X86 requant, Vector512<int> acc, ref int operands) => requant.ApplyGeneral(acc, ref operands);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(RequantizeInt8X86 requant, Vector256<int> acc, ref int operands) => requant.ApplyGeneral(acc, ref operands, BlockCols);
    }

    /// <summary>Requantizes rows 0..<paramref name="rows"/>−1 of an 8-column tile and stores their first <paramref name="width"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows8<TForm>(RequantizeInt8X86 requant, int rows, ref int operands, ref sbyte output, int outStride, int width,
        Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3) where TForm : struct, IForm
    {
        Store8(requant.Pack8(TForm.Apply(requant, a0, ref operands)), ref output, width);
        if (rows >= 2)
            Store8(requant.Pack8(TForm.Apply(requant, a1, ref operands)), ref Unsafe.Add(ref output, outStride), width);
        if (rows >= 3)
            Store8(requant.Pack8(TForm.Apply(requant, a2, ref operands)), ref Unsafe.Add(ref output, 2 * outStride), width);
        if (rows >= 4)
            Store8(requant.Pack8(TForm.Apply(requant, a3, ref operands)), ref Unsafe.Add(ref output, 3 * outStride), width);
    }

    /// <summary>
    /// Requantizes rows 0..<paramref name="rows"/>−1 of an 8-column tile two at a time, rows 2i and 2i+1 as the lower
    /// and upper halves of one 16-lane vector (AVX-512; the block's lanes 8-15 hold its columns 0-7's operands), and
    /// stores each row's first <paramref name="width"/> bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowPairs8<TForm>(RequantizeInt8X86 requant, int rows, ref int operands, ref sbyte output, int outStride, int width,
        Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3) where TForm : struct, IForm
    {
        var bytes = requant.Pack16(TForm.Apply(requant, Join(a0, a1), ref operands));
        Store8(bytes, ref output, width);
        if (rows >= 2)
            Store8(UpperHalf(bytes), ref Unsafe.Add(ref output, outStride), width);
        if (rows < 3)
            return;
        bytes = requant.Pack16(TForm.Apply(requant, Join(a2, a3), ref operands));
        Store8(bytes, ref Unsafe.Add(ref output, 2 * outStride), width);
        if (rows >= 4)
            Store8(UpperHalf(bytes), ref Unsafe.Add(ref output, 3 * outStride), width);
    }

    /// <summary>Bytes 8-15 of <paramref name="bytes"/> in its lower half, where <see cref="Store8"/> takes them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> UpperHalf(Vector128<sbyte> bytes) => bytes.AsUInt64().WithElement(0, bytes.AsUInt64().GetElement(1)).AsSByte();

    /// <summary>The first <paramref name="width"/> (at most 8) bytes of <paramref name="bytes"/> to <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector128<sbyte> bytes, ref sbyte at, int width)
    {
        if (width == 8)
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref at), bytes.AsUInt64().ToScalar());
        else
            StorePart(bytes, ref at, width);
    }

    /// <summary>
    /// Requantizes two rows of 16 columns (row 0 in <paramref name="lo0"/>/<paramref name="hi0"/>, row 1 in
    /// the others) with 256-bit vectors, and stores the first <paramref name="width"/> bytes of row 0, and of row 1 if <paramref name="second"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store2(Vector256<int> lo0, Vector256<int> hi0, Vector256<int> lo1, Vector256<int> hi1, ref int operands,
        ref sbyte out0, ref sbyte out1, int width, bool second)
    {
        var requant = _requantX86!;
        ref int upper = ref Unsafe.Add(ref operands, 8);
        if (requant.IsCompact)
        {
            (lo0, hi0) = (RequantizeInt8X86.ApplyCompact(lo0, ref operands, BlockCols), RequantizeInt8X86.ApplyCompact(hi0, ref upper, BlockCols));
            (lo1, hi1) = (RequantizeInt8X86.ApplyCompact(lo1, ref operands, BlockCols), RequantizeInt8X86.ApplyCompact(hi1, ref upper, BlockCols));
        }
        else
        {
            (lo0, hi0) = (requant.ApplyGeneral(lo0, ref operands, BlockCols), requant.ApplyGeneral(hi0, ref upper, BlockCols));
            (lo1, hi1) = (requant.ApplyGeneral(lo1, ref operands, BlockCols), requant.ApplyGeneral(hi1, ref upper, BlockCols));
        }
        var w0 = Avx2.PackSignedSaturate(lo0, hi0);
        var w1 = Avx2.PackSignedSaturate(lo1, hi1);
        // Dwords after the two packs: row 0's columns 0-3, 8-11, row 1's 0-3, 8-11, then the same for 4-7, 12-15.
        var bytes = requant.Clamp(Avx2.PermuteVar8x32(Avx2.PackSignedSaturate(w0, w1).AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte());
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

    /// <summary>Four activation bytes at <paramref name="x"/> in every int32 lane, as x + 128 (flipped here if <typeparamref name="TFlip"/> says so).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Broadcast<TFlip>(ref sbyte x) where TFlip : struct, IActivationFlip
    {
        var b = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref x))).AsByte();
        return TFlip.InLoop ? b ^ Vector256.Create((byte)0x80) : b;
    }

    /// <summary>Where the x86 kernel's activations are flipped to x + 128 (see <see cref="AvxVnniTile{TFlip}"/>).</summary>
    private interface IActivationFlip
    {
        static abstract bool InLoop { get; }

        static abstract bool InCopy { get; }
    }

    /// <summary>In the panel copy.</summary>
    private readonly struct FlipInCopy : IActivationFlip
    {
        public static bool InLoop => false;

        public static bool InCopy => true;
    }

    /// <summary>In the micro-kernel's loop.</summary>
    private readonly struct FlipInLoop : IActivationFlip
    {
        public static bool InLoop => true;

        public static bool InCopy => false;
    }

    /// <summary>By the caller, who wrote them already flipped (see <see cref="RunFlipped"/>).</summary>
    private readonly struct Preflipped : IActivationFlip
    {
        public static bool InLoop => false;

        public static bool InCopy => false;
    }
}
