using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The ARM64 micro-kernel without Dp (SMLAL by element) of <see cref="GemmInt8Tile4x16"/> (see its remarks).</summary>
internal sealed partial class GemmInt8Tile4x16
{
    /// <summary>
    /// ARM64 without Dp (Cortex-A53, A72): XNNPACK's "mlal-lane" scheme on int16 weights. The tile is laid out as
    /// <see cref="ArmDpTile"/>'s (row r, columns 4q..4q+3 in vector 4r + q), so the epilogue is the same.
    /// </summary>
    private readonly struct ArmNeonTile : ITileKernel, IArmAccumulator
    {
        public static bool FlipsActivations => false;

        /// <summary>8 bytes a row: one <c>ldr d</c> and one <c>sxtl</c> give 8 int16 activations, selected by lane 0–7.</summary>
        public static int StepBytes => 8;

        /// <summary>int16: widened at load, so the loop spends no <c>sxtl</c> on them (16 per 8 input channels).</summary>
        public static int WeightBytes => 2;

        /// <summary>k-major: input channel k's 16 columns contiguous (32 bytes, one <c>ldp q, q</c>).</summary>
        public static int PackedIndex(int k, int column) => k * BlockCols + column;

        public static void Tile(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width)
            => ArmTile<ArmNeonTile>(ref w, groups, ref x0, ref x1, ref x2, ref x3, gemm, rows, col, ref output, outStride, width);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Block(ref byte w, int groups, ref sbyte panel, int stride, int count, GemmInt8Tile4x16 gemm, int col,
            ref sbyte output, int outStride, int width)
            => BlockRows<ArmNeonTile>(ref w, groups, ref panel, stride, count, gemm, col, ref output, outStride, width);

        /// <summary>No 8-column kernel on ARM: <see cref="Tile"/>.</summary>
        public static void Tile8(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width)
            => ArmTile<ArmNeonTile>(ref w, groups, ref x0, ref x1, ref x2, ref x3, gemm, rows, col, ref output, outStride, width);

        public static void Tile1(ref byte w, int groups, ref sbyte x0, GemmInt8Tile4x16 gemm, int col, ref sbyte output, int width)
            => ArmTile1<ArmNeonTile>(ref w, groups, ref x0, gemm, col, ref output, width);

        /// <summary>
        /// The 4×16 micro-kernel: 8 input channels a step (an 8-byte load per row, widened), each channel's 16
        /// int16 weights meeting all four rows through 16 <c>SMLAL</c>/<c>SMLAL2</c> by element. Not inlined, so
        /// that the row addresses arrive in registers; the accumulators are a local struct, promoted to 16 registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Accumulate(ref byte wb, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3, ref Tile4x16 tile)
        {
            ref short w = ref Unsafe.As<byte, short>(ref wb);
            Accumulators acc = default;
            // One induction variable: the row offset k also bounds the loop (groups of 4 bytes).
            for (nint k = 0, end = (nint)groups * 4; k < end; k += 8)
            {
                var a0 = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x0, (nuint)k));
                var a1 = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x1, (nuint)k));
                var a2 = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x2, (nuint)k));
                var a3 = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x3, (nuint)k));
                Channel(ref w, 0, a0, a1, a2, a3, ref acc);
                Channel(ref w, 1, a0, a1, a2, a3, ref acc);
                Channel(ref w, 2, a0, a1, a2, a3, ref acc);
                Channel(ref w, 3, a0, a1, a2, a3, ref acc);
                Channel(ref w, 4, a0, a1, a2, a3, ref acc);
                Channel(ref w, 5, a0, a1, a2, a3, ref acc);
                Channel(ref w, 6, a0, a1, a2, a3, ref acc);
                Channel(ref w, 7, a0, a1, a2, a3, ref acc);
                w = ref Unsafe.Add(ref w, 8 * BlockCols);
            }
            Unsafe.As<Tile4x16, Accumulators>(ref tile) = acc;
        }

        /// <summary>
        /// Input channel <paramref name="lane"/> of the step: its 16 weights (columns 0–7 in <c>lo</c>, 8–15 in
        /// <c>hi</c>) times lane <paramref name="lane"/> of each row. The upper halves (<c>SMLAL2</c>) first, so
        /// that each <c>GetLower</c> is its vector's last use and the JIT reads the low half in place (no copy).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Channel(ref short w, [ConstantExpected(Max = (byte)7)] byte lane,
            Vector128<short> a0, Vector128<short> a1, Vector128<short> a2, Vector128<short> a3, ref Accumulators acc)
        {
            var lo = Vector128.LoadUnsafe(ref w, (nuint)(lane * BlockCols));
            var hi = Vector128.LoadUnsafe(ref w, (nuint)(lane * BlockCols + 8));
            Upper(ref acc.C01, ref acc.C03, lo, hi, a0, lane);
            Upper(ref acc.C11, ref acc.C13, lo, hi, a1, lane);
            Upper(ref acc.C21, ref acc.C23, lo, hi, a2, lane);
            Upper(ref acc.C31, ref acc.C33, lo, hi, a3, lane);
            var lo4 = lo.GetLower();
            var hi4 = hi.GetLower();
            Lower(ref acc.C00, ref acc.C02, lo4, hi4, a0, lane);
            Lower(ref acc.C10, ref acc.C12, lo4, hi4, a1, lane);
            Lower(ref acc.C20, ref acc.C22, lo4, hi4, a2, lane);
            Lower(ref acc.C30, ref acc.C32, lo4, hi4, a3, lane);
        }

        /// <summary><see cref="Tile4x16"/> as 16 vectors, <c>Crq</c> = row r, columns 4q..4q+3.</summary>
        private struct Accumulators
        {
            public Vector128<int> C00, C01, C02, C03, C10, C11, C12, C13, C20, C21, C22, C23, C30, C31, C32, C33;
        }

        /// <summary>One row × 16 columns, 8 input channels a step: even and odd channels into two sets of four accumulators, eight chains in flight.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Accumulate1(ref byte wb, int groups, ref sbyte x0, ref Tile4x16 tile)
        {
            ref short w = ref Unsafe.As<byte, short>(ref wb);
            ref Vector128<int> t = ref Unsafe.As<Tile4x16, Vector128<int>>(ref tile);
            Vector128<int> p0 = default, p1 = default, p2 = default, p3 = default;
            Vector128<int> q0 = default, q1 = default, q2 = default, q3 = default;
            for (nint k = 0, end = (nint)groups * 4; k < end; k += 8)
            {
                var a = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x0, (nuint)k));
                Channel1(ref w, 0, a, ref p0, ref p1, ref p2, ref p3);
                Channel1(ref w, 1, a, ref q0, ref q1, ref q2, ref q3);
                Channel1(ref w, 2, a, ref p0, ref p1, ref p2, ref p3);
                Channel1(ref w, 3, a, ref q0, ref q1, ref q2, ref q3);
                Channel1(ref w, 4, a, ref p0, ref p1, ref p2, ref p3);
                Channel1(ref w, 5, a, ref q0, ref q1, ref q2, ref q3);
                Channel1(ref w, 6, a, ref p0, ref p1, ref p2, ref p3);
                Channel1(ref w, 7, a, ref q0, ref q1, ref q2, ref q3);
                w = ref Unsafe.Add(ref w, 8 * BlockCols);
            }
            t = p0 + q0;
            Unsafe.Add(ref t, 1) = p1 + q1;
            Unsafe.Add(ref t, 2) = p2 + q2;
            Unsafe.Add(ref t, 3) = p3 + q3;
        }

        /// <summary><see cref="Channel"/> for one row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Channel1(ref short w, [ConstantExpected(Max = (byte)7)] byte lane, Vector128<short> a,
            ref Vector128<int> c0, ref Vector128<int> c1, ref Vector128<int> c2, ref Vector128<int> c3)
        {
            var lo = Vector128.LoadUnsafe(ref w, (nuint)(lane * BlockCols));
            var hi = Vector128.LoadUnsafe(ref w, (nuint)(lane * BlockCols + 8));
            Upper(ref c1, ref c3, lo, hi, a, lane);
            Lower(ref c0, ref c2, lo.GetLower(), hi.GetLower(), a, lane);
        }

        /// <summary>Columns 4–7 into <paramref name="c1"/>, 12–15 into <paramref name="c3"/>: <c>SMLAL2</c> of the weights' upper halves by lane <paramref name="lane"/> of <paramref name="a"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Upper(ref Vector128<int> c1, ref Vector128<int> c3, Vector128<short> lo, Vector128<short> hi,
            Vector128<short> a, [ConstantExpected(Max = (byte)7)] byte lane)
        {
            c1 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c1, lo, a, lane);
            c3 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c3, hi, a, lane);
        }

        /// <summary>Columns 0–3 into <paramref name="c0"/>, 8–11 into <paramref name="c2"/>: <c>SMLAL</c> of the weights' lower halves by lane <paramref name="lane"/> of <paramref name="a"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Lower(ref Vector128<int> c0, ref Vector128<int> c2, Vector64<short> lo, Vector64<short> hi,
            Vector128<short> a, [ConstantExpected(Max = (byte)7)] byte lane)
        {
            c0 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c0, lo, a, lane);
            c2 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c2, hi, a, lane);
        }
    }
}
