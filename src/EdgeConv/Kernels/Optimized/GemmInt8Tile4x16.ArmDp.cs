using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The ARM64 SDOT micro-kernel of <see cref="GemmInt8Tile4x16"/> (see its remarks).</summary>
internal sealed partial class GemmInt8Tile4x16
{
    /// <summary>
    /// ARM64 with Dp: the tile's 16 vectors of 4 int32 lanes in order row 0 columns 0–3, 4–7, 8–11, 12–15,
    /// then row 1 and so on (the same bytes as the x86 layout: row r's columns 0–7, then 8–15).
    /// </summary>
    private readonly struct ArmDpTile : ITileKernel, IArmAccumulator
    {
        public static bool FlipsActivations => false;

        public static int StepBytes => 16;

        public static int WeightBytes => 1;

        public static int PackedIndex(int k, int column) => ColumnQuadIndex(k, column);

        public static void Tile(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width)
            => ArmTile<ArmDpTile>(ref w, groups, ref x0, ref x1, ref x2, ref x3, gemm, rows, col, ref output, outStride, width);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Block(ref byte w, int groups, ref sbyte panel, int stride, int count, GemmInt8Tile4x16 gemm, int col,
            ref sbyte output, int outStride, int width)
            => BlockRows<ArmDpTile>(ref w, groups, ref panel, stride, count, gemm, col, ref output, outStride, width);

        /// <summary>No 8-column kernel on ARM: <see cref="Tile"/>.</summary>
        public static void Tile8(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width)
            => ArmTile<ArmDpTile>(ref w, groups, ref x0, ref x1, ref x2, ref x3, gemm, rows, col, ref output, outStride, width);

        public static void Tile1(ref byte w, int groups, ref sbyte x0, GemmInt8Tile4x16 gemm, int col, ref sbyte output, int width)
            => ArmTile1<ArmDpTile>(ref w, groups, ref x0, gemm, col, ref output, width);

        /// <summary>
        /// The 4×16 micro-kernel: four groups a step (a 16-byte load per row), each of the four weight
        /// vectors of a group meeting all four rows through <c>SDOT</c> by element. Not inlined, so that
        /// the row addresses arrive in registers and the accumulators stay in them.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Accumulate(ref byte wb, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3, ref Tile4x16 tile)
        {
            ref sbyte w = ref Unsafe.As<byte, sbyte>(ref wb);
            ref Vector128<int> t = ref Unsafe.As<Tile4x16, Vector128<int>>(ref tile);
            Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
            Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
            nint k = 0;
            for (int g = 0; g < groups; g += 4)
            {
                var a0 = Vector128.LoadUnsafe(ref x0, (nuint)k);
                var a1 = Vector128.LoadUnsafe(ref x1, (nuint)k);
                var a2 = Vector128.LoadUnsafe(ref x2, (nuint)k);
                var a3 = Vector128.LoadUnsafe(ref x3, (nuint)k);
                // group 0: lane 0 of each row
                var w0 = Vector128.LoadUnsafe(ref w, 0);
                var w1 = Vector128.LoadUnsafe(ref w, 16);
                var w2 = Vector128.LoadUnsafe(ref w, 32);
                var w3 = Vector128.LoadUnsafe(ref w, 48);
                c00 = Dp.DotProductBySelectedQuadruplet(c00, w0, a0, 0);
                c01 = Dp.DotProductBySelectedQuadruplet(c01, w1, a0, 0);
                c02 = Dp.DotProductBySelectedQuadruplet(c02, w2, a0, 0);
                c03 = Dp.DotProductBySelectedQuadruplet(c03, w3, a0, 0);
                c10 = Dp.DotProductBySelectedQuadruplet(c10, w0, a1, 0);
                c11 = Dp.DotProductBySelectedQuadruplet(c11, w1, a1, 0);
                c12 = Dp.DotProductBySelectedQuadruplet(c12, w2, a1, 0);
                c13 = Dp.DotProductBySelectedQuadruplet(c13, w3, a1, 0);
                c20 = Dp.DotProductBySelectedQuadruplet(c20, w0, a2, 0);
                c21 = Dp.DotProductBySelectedQuadruplet(c21, w1, a2, 0);
                c22 = Dp.DotProductBySelectedQuadruplet(c22, w2, a2, 0);
                c23 = Dp.DotProductBySelectedQuadruplet(c23, w3, a2, 0);
                c30 = Dp.DotProductBySelectedQuadruplet(c30, w0, a3, 0);
                c31 = Dp.DotProductBySelectedQuadruplet(c31, w1, a3, 0);
                c32 = Dp.DotProductBySelectedQuadruplet(c32, w2, a3, 0);
                c33 = Dp.DotProductBySelectedQuadruplet(c33, w3, a3, 0);
                // group 1: lane 1 of each row
                w0 = Vector128.LoadUnsafe(ref w, 64);
                w1 = Vector128.LoadUnsafe(ref w, 80);
                w2 = Vector128.LoadUnsafe(ref w, 96);
                w3 = Vector128.LoadUnsafe(ref w, 112);
                c00 = Dp.DotProductBySelectedQuadruplet(c00, w0, a0, 1);
                c01 = Dp.DotProductBySelectedQuadruplet(c01, w1, a0, 1);
                c02 = Dp.DotProductBySelectedQuadruplet(c02, w2, a0, 1);
                c03 = Dp.DotProductBySelectedQuadruplet(c03, w3, a0, 1);
                c10 = Dp.DotProductBySelectedQuadruplet(c10, w0, a1, 1);
                c11 = Dp.DotProductBySelectedQuadruplet(c11, w1, a1, 1);
                c12 = Dp.DotProductBySelectedQuadruplet(c12, w2, a1, 1);
                c13 = Dp.DotProductBySelectedQuadruplet(c13, w3, a1, 1);
                c20 = Dp.DotProductBySelectedQuadruplet(c20, w0, a2, 1);
                c21 = Dp.DotProductBySelectedQuadruplet(c21, w1, a2, 1);
                c22 = Dp.DotProductBySelectedQuadruplet(c22, w2, a2, 1);
                c23 = Dp.DotProductBySelectedQuadruplet(c23, w3, a2, 1);
                c30 = Dp.DotProductBySelectedQuadruplet(c30, w0, a3, 1);
                c31 = Dp.DotProductBySelectedQuadruplet(c31, w1, a3, 1);
                c32 = Dp.DotProductBySelectedQuadruplet(c32, w2, a3, 1);
                c33 = Dp.DotProductBySelectedQuadruplet(c33, w3, a3, 1);
                // group 2: lane 2 of each row
                w0 = Vector128.LoadUnsafe(ref w, 128);
                w1 = Vector128.LoadUnsafe(ref w, 144);
                w2 = Vector128.LoadUnsafe(ref w, 160);
                w3 = Vector128.LoadUnsafe(ref w, 176);
                c00 = Dp.DotProductBySelectedQuadruplet(c00, w0, a0, 2);
                c01 = Dp.DotProductBySelectedQuadruplet(c01, w1, a0, 2);
                c02 = Dp.DotProductBySelectedQuadruplet(c02, w2, a0, 2);
                c03 = Dp.DotProductBySelectedQuadruplet(c03, w3, a0, 2);
                c10 = Dp.DotProductBySelectedQuadruplet(c10, w0, a1, 2);
                c11 = Dp.DotProductBySelectedQuadruplet(c11, w1, a1, 2);
                c12 = Dp.DotProductBySelectedQuadruplet(c12, w2, a1, 2);
                c13 = Dp.DotProductBySelectedQuadruplet(c13, w3, a1, 2);
                c20 = Dp.DotProductBySelectedQuadruplet(c20, w0, a2, 2);
                c21 = Dp.DotProductBySelectedQuadruplet(c21, w1, a2, 2);
                c22 = Dp.DotProductBySelectedQuadruplet(c22, w2, a2, 2);
                c23 = Dp.DotProductBySelectedQuadruplet(c23, w3, a2, 2);
                c30 = Dp.DotProductBySelectedQuadruplet(c30, w0, a3, 2);
                c31 = Dp.DotProductBySelectedQuadruplet(c31, w1, a3, 2);
                c32 = Dp.DotProductBySelectedQuadruplet(c32, w2, a3, 2);
                c33 = Dp.DotProductBySelectedQuadruplet(c33, w3, a3, 2);
                // group 3: lane 3 of each row
                w0 = Vector128.LoadUnsafe(ref w, 192);
                w1 = Vector128.LoadUnsafe(ref w, 208);
                w2 = Vector128.LoadUnsafe(ref w, 224);
                w3 = Vector128.LoadUnsafe(ref w, 240);
                c00 = Dp.DotProductBySelectedQuadruplet(c00, w0, a0, 3);
                c01 = Dp.DotProductBySelectedQuadruplet(c01, w1, a0, 3);
                c02 = Dp.DotProductBySelectedQuadruplet(c02, w2, a0, 3);
                c03 = Dp.DotProductBySelectedQuadruplet(c03, w3, a0, 3);
                c10 = Dp.DotProductBySelectedQuadruplet(c10, w0, a1, 3);
                c11 = Dp.DotProductBySelectedQuadruplet(c11, w1, a1, 3);
                c12 = Dp.DotProductBySelectedQuadruplet(c12, w2, a1, 3);
                c13 = Dp.DotProductBySelectedQuadruplet(c13, w3, a1, 3);
                c20 = Dp.DotProductBySelectedQuadruplet(c20, w0, a2, 3);
                c21 = Dp.DotProductBySelectedQuadruplet(c21, w1, a2, 3);
                c22 = Dp.DotProductBySelectedQuadruplet(c22, w2, a2, 3);
                c23 = Dp.DotProductBySelectedQuadruplet(c23, w3, a2, 3);
                c30 = Dp.DotProductBySelectedQuadruplet(c30, w0, a3, 3);
                c31 = Dp.DotProductBySelectedQuadruplet(c31, w1, a3, 3);
                c32 = Dp.DotProductBySelectedQuadruplet(c32, w2, a3, 3);
                c33 = Dp.DotProductBySelectedQuadruplet(c33, w3, a3, 3);
                w = ref Unsafe.Add(ref w, 16 * BlockCols);
                k += 16;
            }
            Unsafe.Add(ref t, 0) = c00;
            Unsafe.Add(ref t, 1) = c01;
            Unsafe.Add(ref t, 2) = c02;
            Unsafe.Add(ref t, 3) = c03;
            Unsafe.Add(ref t, 4) = c10;
            Unsafe.Add(ref t, 5) = c11;
            Unsafe.Add(ref t, 6) = c12;
            Unsafe.Add(ref t, 7) = c13;
            Unsafe.Add(ref t, 8) = c20;
            Unsafe.Add(ref t, 9) = c21;
            Unsafe.Add(ref t, 10) = c22;
            Unsafe.Add(ref t, 11) = c23;
            Unsafe.Add(ref t, 12) = c30;
            Unsafe.Add(ref t, 13) = c31;
            Unsafe.Add(ref t, 14) = c32;
            Unsafe.Add(ref t, 15) = c33;
        }

        /// <summary>One row × 16 columns, four groups a step: groups dealt to two sets of four accumulators, so that eight SDOT chains are in flight.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Accumulate1(ref byte wb, int groups, ref sbyte x0, ref Tile4x16 tile)
        {
            ref sbyte w = ref Unsafe.As<byte, sbyte>(ref wb);
            ref Vector128<int> t = ref Unsafe.As<Tile4x16, Vector128<int>>(ref tile);
            Vector128<int> p0 = default, p1 = default, p2 = default, p3 = default;
            Vector128<int> q0 = default, q1 = default, q2 = default, q3 = default;
            nint k = 0;
            for (int g = 0; g < groups; g += 4)
            {
                var a = Vector128.LoadUnsafe(ref x0, (nuint)k);
                p0 = Dp.DotProductBySelectedQuadruplet(p0, Vector128.LoadUnsafe(ref w, 0), a, 0);
                p1 = Dp.DotProductBySelectedQuadruplet(p1, Vector128.LoadUnsafe(ref w, 16), a, 0);
                p2 = Dp.DotProductBySelectedQuadruplet(p2, Vector128.LoadUnsafe(ref w, 32), a, 0);
                p3 = Dp.DotProductBySelectedQuadruplet(p3, Vector128.LoadUnsafe(ref w, 48), a, 0);
                q0 = Dp.DotProductBySelectedQuadruplet(q0, Vector128.LoadUnsafe(ref w, 64), a, 1);
                q1 = Dp.DotProductBySelectedQuadruplet(q1, Vector128.LoadUnsafe(ref w, 80), a, 1);
                q2 = Dp.DotProductBySelectedQuadruplet(q2, Vector128.LoadUnsafe(ref w, 96), a, 1);
                q3 = Dp.DotProductBySelectedQuadruplet(q3, Vector128.LoadUnsafe(ref w, 112), a, 1);
                p0 = Dp.DotProductBySelectedQuadruplet(p0, Vector128.LoadUnsafe(ref w, 128), a, 2);
                p1 = Dp.DotProductBySelectedQuadruplet(p1, Vector128.LoadUnsafe(ref w, 144), a, 2);
                p2 = Dp.DotProductBySelectedQuadruplet(p2, Vector128.LoadUnsafe(ref w, 160), a, 2);
                p3 = Dp.DotProductBySelectedQuadruplet(p3, Vector128.LoadUnsafe(ref w, 176), a, 2);
                q0 = Dp.DotProductBySelectedQuadruplet(q0, Vector128.LoadUnsafe(ref w, 192), a, 3);
                q1 = Dp.DotProductBySelectedQuadruplet(q1, Vector128.LoadUnsafe(ref w, 208), a, 3);
                q2 = Dp.DotProductBySelectedQuadruplet(q2, Vector128.LoadUnsafe(ref w, 224), a, 3);
                q3 = Dp.DotProductBySelectedQuadruplet(q3, Vector128.LoadUnsafe(ref w, 240), a, 3);
                w = ref Unsafe.Add(ref w, 16 * BlockCols);
                k += 16;
            }
            t = p0 + q0;
            Unsafe.Add(ref t, 1) = p1 + q1;
            Unsafe.Add(ref t, 2) = p2 + q2;
            Unsafe.Add(ref t, 3) = p3 + q3;
        }

        /// <summary>Bias, then <see cref="RequantizeInt8Vector128.View.Requantize16"/> per row, 16 bytes per row.</summary>
        public static void Store(GemmInt8Tile4x16 gemm, ref Tile4x16 tile, int rows, int col, ref sbyte output, int outStride, int width)
        {
            ref int biasRef = ref MemoryMarshal.GetArrayDataReference(gemm._bias);
            var b0 = Vector128.LoadUnsafe(ref biasRef, (nuint)col);
            var b1 = Vector128.LoadUnsafe(ref biasRef, (nuint)col + 4);
            var b2 = Vector128.LoadUnsafe(ref biasRef, (nuint)col + 8);
            var b3 = Vector128.LoadUnsafe(ref biasRef, (nuint)col + 12);
            ref Vector128<int> t = ref Unsafe.As<Tile4x16, Vector128<int>>(ref tile);
            var requant = new RequantizeInt8Vector128.View(gemm._requant!);   // read once for the tile's rows
            for (int r = 0; r < rows; r++)
            {
                ref Vector128<int> row = ref Unsafe.Add(ref t, 4 * r);
                var bytes = requant.Requantize16(row + b0, Unsafe.Add(ref row, 1) + b1, Unsafe.Add(ref row, 2) + b2, Unsafe.Add(ref row, 3) + b3, (nuint)col);
                ref sbyte o = ref Unsafe.Add(ref output, (nint)r * outStride);
                if (width == BlockCols)
                    bytes.StoreUnsafe(ref o);
                else
                    StorePart(bytes, ref o, width);
            }
        }
    }

    /// <summary>The ARM micro-kernels' multiply-accumulate into a tile in memory, which the shared ARM epilogue (<see cref="ArmDpTile.Store"/>) then reads.</summary>
    private interface IArmAccumulator
    {
        static abstract void Accumulate(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3, ref Tile4x16 tile);

        static abstract void Accumulate1(ref byte w, int groups, ref sbyte x0, ref Tile4x16 tile);
    }

    /// <summary><see cref="ITileKernel.Tile"/> on ARM: <typeparamref name="T"/>'s accumulation, then <see cref="ArmDpTile.Store"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ArmTile<T>(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
        GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width) where T : IArmAccumulator
    {
        Unsafe.SkipInit(out Tile4x16 t);
        T.Accumulate(ref w, groups, ref x0, ref x1, ref x2, ref x3, ref t);
        ArmDpTile.Store(gemm, ref t, rows, col, ref output, outStride, width);
    }

    /// <summary><see cref="ITileKernel.Tile1"/> on ARM: <typeparamref name="T"/>'s accumulation, then <see cref="ArmDpTile.Store"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ArmTile1<T>(ref byte w, int groups, ref sbyte x0, GemmInt8Tile4x16 gemm, int col, ref sbyte output, int width) where T : IArmAccumulator
    {
        Unsafe.SkipInit(out Tile4x16 t);
        T.Accumulate1(ref w, groups, ref x0, ref t);
        ArmDpTile.Store(gemm, ref t, 1, col, ref output, 0, width);
    }
}
