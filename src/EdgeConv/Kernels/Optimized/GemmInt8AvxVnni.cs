using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// x86 AVX-VNNI int8 GEMM: <c>out[r, c] = requant(bias[c] + Σk (x[r, k] + inputOffset)·f[c, k])</c> for rows
/// of int8 activations against int8 weights packed at load, a 4-row × 16-column micro-kernel with K in
/// steps of 4 (XNNPACK's "4x16c4" shape). Byte for byte the same as the reference conv and fully
/// connected kernels' arithmetic.
/// </summary>
/// <remarks>
/// <para><b>Operands.</b> <c>vpdpbusd</c> multiplies unsigned bytes by signed bytes and adds each group
/// of four products to an int32 lane. The weights are the unsigned operand, stored as <c>f + 128</c>
/// (every int8 fits: 0..255); the activations stay signed and are broadcast, four consecutive input
/// channels of one row to every lane (<c>vpbroadcastd</c>), so one instruction advances 8 output
/// channels by 4 input channels and no activation is rewritten per column block. The lanes then hold
/// <c>Σk (f + 128)·x = Σk f·x + 128·Σk x</c>: the second term depends only on the row, so it is taken
/// out once per row (<c>−128·Σk x</c>, from a <c>vpsadbw</c> row sum), and the input zero point is folded
/// into the bias at load (<c>bias + inputOffset·Σk f</c>). Products are exact (|·| ≤ 255·128) and the
/// int32 lane arithmetic wraps, like every correction, so the sum equals the reference's int32
/// accumulator modulo 2^32, which is all the reference keeps.</para>
/// <para><b>Packing.</b> Columns in blocks of 16; within a block, for each group of 4 input channels,
/// 64 bytes: column j's four weights at <c>4j</c>. Depth is padded to a multiple of 4 and columns to a
/// multiple of 16 with the unsigned byte 0, so whatever activation byte a padded lane meets adds nothing.</para>
/// <para><b>Reads stay inside the rows.</b> Full groups are read from the activation rows directly; the
/// last, partial group (depth not a multiple of 4) is assembled byte by byte once per panel, so the
/// kernel never reads past a row's end, nor past the span.</para>
/// <para><b>Cache blocking.</b> Rows are taken in panels (≤ 64 rows, about 16 KB of activations); within a
/// panel the loop runs over column blocks outside and 4-row tiles inside, so a column block's weights
/// (16·depth bytes) stay in L1 across the panel and the panel's activations in L1/L2 across blocks.</para>
/// <para><b>Epilogue.</b> Two rows at a time: bias and row correction added, requantized 8 lanes at a time
/// (<see cref="RequantizeInt8Vector128.Apply8"/>), packed to int8 with saturation, lanes put in order
/// with one <c>vpermd</c>, clamped, 16 bytes stored per row.</para>
/// </remarks>
internal sealed class GemmInt8AvxVnni
{
    /// <summary>Activation rows per micro-kernel tile.</summary>
    public const int TileRows = 4;

    /// <summary>Output columns per packed block.</summary>
    public const int BlockCols = 16;

    private const int MaxPanelRows = 64;
    private const int PanelBytes = 16 * 1024;

    private readonly byte[] _packed;     // [block][group][16 cols][4 k] as f + 128; padding 0
    private readonly int[] _bias;        // bias + inputOffset·Σk f, padded to the blocks
    private readonly RequantizeInt8Vector128 _requant;
    private readonly int _depth, _cols, _groups, _blocks;

    /// <summary>Whether this CPU runs the kernel (AVX-VNNI and AVX2).</summary>
    public static bool IsSupported => AvxVnni.IsSupported && Avx2.IsSupported;

    /// <summary>
    /// Packs <paramref name="weights"/> ([<paramref name="cols"/>][<paramref name="depth"/>] int8, row major) and folds
    /// <paramref name="inputOffset"/> into <paramref name="bias"/> (may be empty: no bias).
    /// </summary>
    public GemmInt8AvxVnni(ReadOnlySpan<sbyte> weights, int cols, int depth, ReadOnlySpan<int> bias, int inputOffset,
        RequantizeInt8Vector128 requant)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException($"{nameof(GemmInt8AvxVnni)} needs AVX-VNNI and AVX2.");
        ArgumentNullException.ThrowIfNull(requant);
        if (cols <= 0 || depth <= 0 || weights.Length != (long)cols * depth)
            throw new ArgumentException($"Weights have {weights.Length} values; {cols} x {depth} expected.", nameof(weights));
        if (!bias.IsEmpty && bias.Length != cols)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {cols}.", nameof(bias));
        _depth = depth;
        _cols = cols;
        _groups = (depth + 3) / 4;
        _blocks = (cols + BlockCols - 1) / BlockCols;
        _requant = requant;
        _packed = new byte[(long)_blocks * _groups * 4 * BlockCols > int.MaxValue
            ? throw new ArgumentException($"{cols} x {depth} weights are too large to pack.", nameof(weights))
            : _blocks * _groups * 4 * BlockCols];
        _bias = new int[_blocks * BlockCols];
        for (int c = 0; c < cols; c++)
        {
            var row = weights.Slice(c * depth, depth);
            int sum = 0;
            int blockBase = c / BlockCols * _groups * 4 * BlockCols + c % BlockCols * 4;
            for (int k = 0; k < depth; k++)
            {
                sum += row[k];
                _packed[blockBase + k / 4 * 4 * BlockCols + k % 4] = (byte)(row[k] + 128);
            }
            _bias[c] = unchecked((bias.IsEmpty ? 0 : bias[c]) + inputOffset * sum);
        }
    }

    /// <summary>
    /// Computes <paramref name="rows"/> × cols outputs. Row r of the activations starts at
    /// <c>x + r·xStride</c> (depth values each); output (r, c) goes to <c>output + r·outStride + c</c>.
    /// The caller guarantees the extents. Allocates nothing.
    /// </summary>
    [SkipLocalsInit]
    public void Run(ref sbyte x, int xStride, int rows, ref sbyte output, int outStride)
    {
        Span<int> correction = stackalloc int[MaxPanelRows];
        Span<int> tail = stackalloc int[MaxPanelRows];
        int panelRows = Math.Clamp(PanelBytes / Math.Max(xStride, 1) / TileRows * TileRows, TileRows, MaxPanelRows);
        int fullGroups = _depth / 4, rest = _depth % 4;
        for (int p = 0; p < rows; p += panelRows)
        {
            int count = Math.Min(panelRows, rows - p);
            ref sbyte panel = ref Unsafe.Add(ref x, (nint)p * xStride);
            for (int r = 0; r < count; r++)
            {
                ref sbyte row = ref Unsafe.Add(ref panel, (nint)r * xStride);
                correction[r] = unchecked(-128 * RowSum(ref row, _depth));
                int t = 0;
                for (int k = 0; k < rest; k++)
                    t |= (byte)Unsafe.Add(ref row, fullGroups * 4 + k) << (8 * k);
                tail[r] = t;
            }
            for (int block = 0; block < _blocks; block++)
            {
                int col = block * BlockCols, width = Math.Min(BlockCols, _cols - col);
                ref byte w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packed), (nint)block * _groups * 4 * BlockCols);
                var bias0 = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_bias), (nuint)col);
                var bias1 = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_bias), (nuint)col + 8);
                for (int r = 0; r < count; r += TileRows)
                {
                    int last = Math.Min(TileRows, count - r) - 1;
                    if (last == 0)
                    {
                        // A lone row (a batch-1 fully connected layer, a panel's last row): its own kernel
                        // rather than four copies of it.
                        Tile1(ref w, fullGroups, rest != 0, ref Unsafe.Add(ref panel, (nint)r * xStride), tail[r], out var s0, out var s1);
                        var c = Vector256.Create(correction[r]);
                        ref sbyte one = ref Unsafe.Add(ref output, (nint)(p + r) * outStride + col);
                        Store2(s0 + bias0 + c, s1 + bias1 + c, s0 + bias0 + c, s1 + bias1 + c, col, ref one, ref one, width, second: false);
                        continue;
                    }
                    int r1 = r + Math.Min(1, last), r2 = r + Math.Min(2, last), r3 = r + last;
                    Tile(ref w, fullGroups,
                        ref Unsafe.Add(ref panel, (nint)r * xStride), ref Unsafe.Add(ref panel, (nint)r1 * xStride),
                        ref Unsafe.Add(ref panel, (nint)r2 * xStride), ref Unsafe.Add(ref panel, (nint)r3 * xStride), out var t);
                    if (rest != 0)
                        AddTail(ref t, ref Unsafe.Add(ref w, (nint)fullGroups * 4 * BlockCols), tail[r], tail[r1], tail[r2], tail[r3]);
                    ref sbyte o = ref Unsafe.Add(ref output, (nint)(p + r) * outStride + col);
                    Store2(t.R00 + bias0 + Vector256.Create(correction[r]), t.R01 + bias1 + Vector256.Create(correction[r]),
                        t.R10 + bias0 + Vector256.Create(correction[r1]), t.R11 + bias1 + Vector256.Create(correction[r1]),
                        col, ref o, ref Unsafe.Add(ref o, outStride), width, last >= 1);
                    if (last >= 2)
                        Store2(t.R20 + bias0 + Vector256.Create(correction[r2]), t.R21 + bias1 + Vector256.Create(correction[r2]),
                            t.R30 + bias0 + Vector256.Create(correction[r3]), t.R31 + bias1 + Vector256.Create(correction[r3]),
                            col, ref Unsafe.Add(ref o, 2 * outStride), ref Unsafe.Add(ref o, 3 * outStride), width, last >= 3);
                }
            }
        }
    }

    /// <summary>The accumulators of one 4×16 tile: row r's columns 0–7 in <c>Rr0</c>, 8–15 in <c>Rr1</c>.</summary>
    private struct Tile4x16
    {
        public Vector256<int> R00, R01, R10, R11, R20, R21, R30, R31;
    }

    /// <summary>The 4×16 micro-kernel: Σ over the full groups of 4 input channels of (f + 128)·x, rows 0–3 × columns 0–15.</summary>
    /// <remarks>Not inlined, with the accumulators in locals: as a call, the four row addresses arrive in
    /// registers and the loop addresses them as base + k (inlined, the JIT recomputed each row's address
    /// with an imul every step), and the results go to memory once, at the end.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile(ref byte w, int fullGroups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3, out Tile4x16 tile)
    {
        Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        nint k = 0;
        for (int g = 0; g < fullGroups; g++)
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

    /// <summary>Adds the last, partial group of 4 input channels (<paramref name="t0"/>..<paramref name="t3"/>: each row's bytes, zeros above) at <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTail(ref Tile4x16 tile, ref byte w, int t0, int t1, int t2, int t3)
    {
        var w0 = Vector256.LoadUnsafe(ref w);
        var w1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32));
        var b = Vector256.Create(t0).AsSByte();
        tile.R00 = AvxVnni.MultiplyWideningAndAdd(tile.R00, w0, b);
        tile.R01 = AvxVnni.MultiplyWideningAndAdd(tile.R01, w1, b);
        b = Vector256.Create(t1).AsSByte();
        tile.R10 = AvxVnni.MultiplyWideningAndAdd(tile.R10, w0, b);
        tile.R11 = AvxVnni.MultiplyWideningAndAdd(tile.R11, w1, b);
        b = Vector256.Create(t2).AsSByte();
        tile.R20 = AvxVnni.MultiplyWideningAndAdd(tile.R20, w0, b);
        tile.R21 = AvxVnni.MultiplyWideningAndAdd(tile.R21, w1, b);
        b = Vector256.Create(t3).AsSByte();
        tile.R30 = AvxVnni.MultiplyWideningAndAdd(tile.R30, w0, b);
        tile.R31 = AvxVnni.MultiplyWideningAndAdd(tile.R31, w1, b);
    }

    /// <summary>
    /// One row × 16 columns, the groups dealt round-robin to four pairs of accumulators so that four
    /// <c>vpdpbusd</c> chains are in flight instead of one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1(ref byte w, int fullGroups, bool hasTail, ref sbyte x0, int t0, out Vector256<int> a0, out Vector256<int> a1)
    {
        Vector256<int> p0 = default, p1 = default, q0 = default, q1 = default, r0 = default, r1 = default, s0 = default, s1 = default;
        nint k = 0;
        int g = 0;
        for (; g <= fullGroups - 4; g += 4)
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
        for (; g < fullGroups; g++)
        {
            var b = Broadcast(ref Unsafe.Add(ref x0, k));
            p0 = AvxVnni.MultiplyWideningAndAdd(p0, Vector256.LoadUnsafe(ref w), b);
            p1 = AvxVnni.MultiplyWideningAndAdd(p1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)), b);
            w = ref Unsafe.Add(ref w, 4 * BlockCols);
            k += 4;
        }
        if (hasTail)
        {
            var b = Vector256.Create(t0).AsSByte();
            q0 = AvxVnni.MultiplyWideningAndAdd(q0, Vector256.LoadUnsafe(ref w), b);
            q1 = AvxVnni.MultiplyWideningAndAdd(q1, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 32)), b);
        }
        a0 = p0 + q0 + (r0 + s0);
        a1 = p1 + q1 + (r1 + s1);
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
        var bytes = _requant.Clamp16(Avx512F.ConvertToVector128SByteWithSaturation(_requant.Apply16(acc, col)));
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

    private static void StorePart(Vector128<sbyte> v, ref sbyte at, int width)
    {
        for (int c = 0; c < width; c++)
            Unsafe.Add(ref at, c) = v.GetElement(c);
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
