using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The dot-product instruction a <see cref="GemmInt8Tile4x16"/> runs.</summary>
internal enum GemmInt8Tile4x16Isa
{
    /// <summary>x86 AVX-VNNI <c>vpdpbusd</c> (256-bit), weights + 128 as the unsigned operand, activations broadcast.</summary>
    AvxVnni,
    /// <summary>ARM64 <c>SDOT</c> by element (Cortex-A76, Pi 5): weights in the vector, activations selected by lane.</summary>
    ArmDp,
    /// <summary>ARM64 without Dp (Cortex-A53, A72: Pi 3, Zero 2, 4): <c>SMLAL</c>/<c>SMLAL2</c> by element, int16 weights in the vector, activations widened to int16 and selected by lane.</summary>
    ArmNeon,
}

/// <summary>
/// Int8 GEMM with a 4-row × 16-column micro-kernel: <c>out[r, c] = requant(bias[c] + Σk (x[r, k] + inputOffset)·f[c, k])</c>
/// for rows of int8 activations against int8 weights packed at load, K in groups of 4, on x86 AVX-VNNI
/// or ARM64 SDOT (XNNPACK's "4x16c4" shape), or on ARM64 without SDOT with SMLAL by element (XNNPACK's
/// "4x16 mlal-lane"). Shared by the pointwise conv, the general conv (after im2col) and the fully
/// connected kernels; byte for byte the same as the reference kernels' arithmetic.
/// </summary>
/// <remarks>
/// <para><b>Packing.</b> Columns in blocks of 16, each block's groups of 4 input channels one after the
/// other. For the dot-product instructions a group is 64 bytes, column j's four weights at <c>4j</c>: one
/// 16-byte vector is then 4 columns × 4 input channels, which is what both consume. For SMLAL a group is
/// 64 int16, k-major (input channel k's 16 columns contiguous): a by-element multiply takes one channel of
/// many columns. Depth is padded to a multiple of 4 and columns to a multiple of 16 with zeros, so whatever
/// activation byte a padded lane meets adds nothing.</para>
/// <para><b>x86, <c>vpdpbusd</c></b> multiplies unsigned bytes by signed bytes and adds each group of four
/// products to an int32 lane. The weights are the unsigned operand, stored as <c>f + 128</c> (every int8
/// fits: 0..255; the padding stays 0); the activations stay signed and are broadcast, four consecutive
/// input channels of one row to every lane (<c>vpbroadcastd</c>), so one instruction advances 8 columns by
/// 4 input channels and no activation is rewritten per column block. The lanes then hold
/// <c>Σk (f + 128)·x = Σk f·x + 128·Σk x</c>: the second term depends only on the row, so it is taken out
/// once per row (<c>−128·Σk x</c>, from a <c>vpsadbw</c> row sum).</para>
/// <para><b>ARM64, <c>SDOT</c> by element</b> adds four int8·int8 products to each int32 lane, taking the
/// activations' four bytes from one 32-bit lane of a second vector: a 16-byte load of a row covers four
/// groups, and each weight vector (4 columns × 4 channels) meets all four rows. 16 accumulators, 4
/// activation and 4 weight vectors fit the 32 registers. No offset is needed.</para>
/// <para><b>ARM64 without Dp, <c>SMLAL</c>/<c>SMLAL2</c> by element</b> multiply four int16 lanes of one vector
/// (the low or the high half) by one int16 lane of another and add the int32 products. An 8-byte load and
/// <c>sxtl</c> per row give 8 input channels as int16 lanes; for each channel, its 16 weights (two vectors,
/// stored as int16 at load rather than widened in the loop: 16 <c>sxtl</c> fewer per 8 channels) meet
/// the channel's lane of each of the four rows: 16 instructions into the same 16 accumulators.</para>
/// <para><b>Exactness.</b> The input zero point is folded into the bias at load (<c>bias + inputOffset·Σk f</c>).
/// Products are exact (int8·int8, or int16·int16 into int32 for SMLAL, whose operands are widened int8) and
/// the int32 lane arithmetic wraps, like every correction, so the sum equals the reference's int32
/// accumulator modulo 2^32, which is all the reference keeps.</para>
/// <para><b>Reads stay inside the rows.</b> Each micro-kernel reads its rows a step at a time (4 bytes on x86,
/// 16 with SDOT, 8 with SMLAL). Full steps are read from the activation rows directly; the bytes after the last full step are
/// copied once per panel into a zero-padded step per row, which the same micro-kernel then takes as one more
/// step (its weights are zero past the depth, and the packed weights carry one step of zero padding at the
/// end). So the kernel never reads past a row's end, nor past the span.</para>
/// <para><b>Cache blocking.</b> Rows are taken in panels (≤ 64 rows, about 16 KB of activations); within a
/// panel the loop runs over column blocks outside and 4-row tiles inside, so a column block's weights
/// (16·depth bytes, 32·depth as int16) stay in L1 across the panel and the panel's activations in L1/L2 across blocks.
/// A lone row (a batch-1 fully connected layer) runs a 1-row kernel with several accumulator chains.</para>
/// <para><b>Epilogue.</b> Bias and row correction added, then requantized per row with
/// <see cref="RequantizeInt8Vector128"/>: 16 lanes and <c>vpmovsdb</c> with AVX-512, else 8 lanes,
/// packs and one <c>vpermd</c> for two rows; four <see cref="RequantizeInt8Vector128.Requantize16"/>
/// quarters on ARM.</para>
/// </remarks>
internal sealed partial class GemmInt8Tile4x16
{
    /// <summary>Activation rows per micro-kernel tile.</summary>
    public const int TileRows = 4;

    /// <summary>Output columns per packed block.</summary>
    public const int BlockCols = 16;

    private const int MaxPanelRows = 64;
    private const int MaxStepBytes = 16;
    private const int PanelBytes = 16 * 1024;

    private readonly byte[] _packed;     // [block][group] in the ISA's order (ITileKernel.PackedIndex); + 128 on x86; padding 0
    private readonly int[] _bias;        // bias + inputOffset·Σk f, padded to the blocks
    private readonly RequantizeInt8Vector128 _requant;
    private readonly int _depth, _cols, _groups, _blocks;

    /// <summary>The instruction this instance runs.</summary>
    public GemmInt8Tile4x16Isa Isa { get; }

    /// <summary>Whether this CPU runs <paramref name="isa"/>.</summary>
    public static bool IsSupported(GemmInt8Tile4x16Isa isa) => isa switch
    {
        GemmInt8Tile4x16Isa.AvxVnni => AvxVnni.IsSupported && Avx2.IsSupported,
        GemmInt8Tile4x16Isa.ArmDp => Dp.IsSupported && AdvSimd.Arm64.IsSupported,
        _ => AdvSimd.Arm64.IsSupported,
    };

    /// <summary>The instruction to use on this CPU (SDOT over SMLAL on ARM64), or null when it has none of them.</summary>
    public static GemmInt8Tile4x16Isa? Best =>
        IsSupported(GemmInt8Tile4x16Isa.AvxVnni) ? GemmInt8Tile4x16Isa.AvxVnni :
        IsSupported(GemmInt8Tile4x16Isa.ArmDp) ? GemmInt8Tile4x16Isa.ArmDp :
        IsSupported(GemmInt8Tile4x16Isa.ArmNeon) ? GemmInt8Tile4x16Isa.ArmNeon : null;

    /// <summary>
    /// Packs <paramref name="weights"/> ([<paramref name="cols"/>][<paramref name="depth"/>] int8, row major) for
    /// <paramref name="isa"/> and folds <paramref name="inputOffset"/> into <paramref name="bias"/> (may be empty: no bias).
    /// </summary>
    public GemmInt8Tile4x16(ReadOnlySpan<sbyte> weights, int cols, int depth, ReadOnlySpan<int> bias, int inputOffset,
        RequantizeInt8Vector128 requant, GemmInt8Tile4x16Isa isa)
    {
        if (!IsSupported(isa))
            throw new PlatformNotSupportedException($"{nameof(GemmInt8Tile4x16)}: this CPU does not run {isa}.");
        ArgumentNullException.ThrowIfNull(requant);
        if (cols <= 0 || depth <= 0 || weights.Length != (long)cols * depth)
            throw new ArgumentException($"Weights have {weights.Length} values; {cols} x {depth} expected.", nameof(weights));
        if (!bias.IsEmpty && bias.Length != cols)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {cols}.", nameof(bias));
        Isa = isa;
        _depth = depth;
        _cols = cols;
        _groups = (depth + 3) / 4;
        _blocks = (cols + BlockCols - 1) / BlockCols;
        _requant = requant;
        _bias = new int[_blocks * BlockCols];
        _packed = isa switch
        {
            GemmInt8Tile4x16Isa.AvxVnni => Pack<AvxVnniTile>(weights),
            GemmInt8Tile4x16Isa.ArmDp => Pack<ArmDpTile>(weights),
            _ => Pack<ArmNeonTile>(weights),
        };
        for (int c = 0; c < cols; c++)
        {
            int sum = 0;
            foreach (sbyte f in weights.Slice(c * depth, depth))
                sum += f;
            _bias[c] = unchecked((bias.IsEmpty ? 0 : bias[c]) + inputOffset * sum);
        }
    }

    /// <summary>
    /// The weights in <typeparamref name="T"/>'s order (<see cref="ITileKernel.PackedIndex"/>), blocks of 16 columns
    /// one after the other, zeros past the depth and the columns, and one step of zeros at the end: a tail step may
    /// read up to a step past the last block's groups.
    /// </summary>
    private byte[] Pack<T>(ReadOnlySpan<sbyte> weights) where T : ITileKernel
    {
        long blockValues = (long)_groups * 4 * BlockCols;
        long bytes = (_blocks * blockValues + T.StepBytes * BlockCols) * T.WeightBytes;
        if (bytes > int.MaxValue)
            throw new ArgumentException($"{_cols} x {_depth} weights are too large to pack.", nameof(weights));
        var packed = new byte[bytes];
        int offset = T.OffsetsWeights ? 128 : 0;
        for (int c = 0; c < _cols; c++)
        {
            var row = weights.Slice(c * _depth, _depth);
            long block = c / BlockCols * blockValues;
            for (int k = 0; k < _depth; k++)
            {
                long at = (block + T.PackedIndex(k, c % BlockCols)) * T.WeightBytes;
                int value = row[k] + offset;
                packed[at] = unchecked((byte)value);
                if (T.WeightBytes == 2)
                    packed[at + 1] = unchecked((byte)(value >> 8));
            }
        }
        return packed;
    }

    /// <summary>
    /// Computes <paramref name="rows"/> × cols outputs. Row r of the activations starts at
    /// <c>x + r·xStride</c> (depth values each); output (r, c) goes to <c>output + r·outStride + c</c>.
    /// The caller guarantees the extents. Allocates nothing.
    /// </summary>
    public void Run(ref sbyte x, int xStride, int rows, ref sbyte output, int outStride)
    {
        switch (Isa)
        {
            case GemmInt8Tile4x16Isa.AvxVnni:
                Run<AvxVnniTile>(ref x, xStride, rows, ref output, outStride);
                break;
            case GemmInt8Tile4x16Isa.ArmDp:
                Run<ArmDpTile>(ref x, xStride, rows, ref output, outStride);
                break;
            default:
                Run<ArmNeonTile>(ref x, xStride, rows, ref output, outStride);
                break;
        }
    }

    // Compiled fully optimized at once: a tiered-PGO profile taken on one model's shapes made the
    // same code measurably slower on another model's in the same process.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<T>(ref sbyte x, int xStride, int rows, ref sbyte output, int outStride) where T : ITileKernel
    {
        Span<int> correction = stackalloc int[MaxPanelRows];
        Span<sbyte> tails = stackalloc sbyte[MaxPanelRows * MaxStepBytes];
        int panelRows = Math.Clamp(PanelBytes / Math.Max(xStride, 1) / TileRows * TileRows, TileRows, MaxPanelRows);
        int step = T.StepBytes, fullBytes = _depth / step * step, rest = _depth - fullBytes;
        int fullGroups = fullBytes / 4, stepGroups = step / 4, groupBytes = 4 * BlockCols * T.WeightBytes;
        ref sbyte tail = ref MemoryMarshal.GetReference(tails);
        for (int p = 0; p < rows; p += panelRows)
        {
            int count = Math.Min(panelRows, rows - p);
            ref sbyte panel = ref Unsafe.Add(ref x, (nint)p * xStride);
            if (rest != 0)
                tails[..(count * step)].Clear();
            for (int r = 0; r < count; r++)
            {
                ref sbyte row = ref Unsafe.Add(ref panel, (nint)r * xStride);
                correction[r] = T.OffsetsWeights ? unchecked(-128 * RowSum(ref row, _depth)) : 0;
                for (int k = 0; k < rest; k++)
                    Unsafe.Add(ref tail, r * step + k) = Unsafe.Add(ref row, fullBytes + k);
            }
            for (int block = 0; block < _blocks; block++)
            {
                int col = block * BlockCols, width = Math.Min(BlockCols, _cols - col);
                ref byte w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packed), (nint)block * _groups * groupBytes);
                ref byte wTail = ref Unsafe.Add(ref w, (nint)fullGroups * groupBytes);
                for (int r = 0; r < count; r += TileRows)
                {
                    int last = Math.Min(TileRows, count - r) - 1;
                    ref sbyte o = ref Unsafe.Add(ref output, (nint)(p + r) * outStride + col);
                    Tile4x16 t = default;
                    if (last == 0)
                    {
                        // A lone row (a batch-1 fully connected layer, a panel's last row): its own kernel
                        // rather than four copies of it.
                        T.Tile1(ref w, fullGroups, ref Unsafe.Add(ref panel, (nint)r * xStride), ref t);
                        if (rest != 0)
                            T.Tile1(ref wTail, stepGroups, ref Unsafe.Add(ref tail, r * step), ref t);
                        T.Store(this, ref t, 1, col, correction[r], 0, 0, 0, ref o, outStride, width);
                        continue;
                    }
                    int r1 = r + Math.Min(1, last), r2 = r + Math.Min(2, last), r3 = r + last;
                    T.Tile(ref w, fullGroups,
                        ref Unsafe.Add(ref panel, (nint)r * xStride), ref Unsafe.Add(ref panel, (nint)r1 * xStride),
                        ref Unsafe.Add(ref panel, (nint)r2 * xStride), ref Unsafe.Add(ref panel, (nint)r3 * xStride), ref t);
                    if (rest != 0)
                        T.Tile(ref wTail, stepGroups, ref Unsafe.Add(ref tail, r * step), ref Unsafe.Add(ref tail, r1 * step),
                            ref Unsafe.Add(ref tail, r2 * step), ref Unsafe.Add(ref tail, r3 * step), ref t);
                    T.Store(this, ref t, last + 1, col, correction[r], correction[r1], correction[r2], correction[r3], ref o, outStride, width);
                }
            }
        }
    }

    /// <summary>The 4×16 accumulators of one tile, 256 bytes, as each ISA lays them out (see <see cref="ITileKernel"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Tile4x16
    {
        public Vector256<int> R00, R01, R10, R11, R20, R21, R30, R31;
    }

    /// <summary>
    /// One ISA's micro-kernel, as static members so that <see cref="Run{T}"/> is compiled once per ISA with
    /// the dispatch resolved: the 4-row and the 1-row tiles, which add <c>groups</c> groups of 4 input
    /// channels (a multiple of <see cref="StepBytes"/>/4) to the accumulators already in the tile, and the
    /// epilogue that adds bias and row corrections, requantizes and stores 1–4 rows.
    /// </summary>
    private interface ITileKernel
    {
        /// <summary>Whether the packed weights are offset by +128 (so each row needs its −128·Σx correction).</summary>
        static abstract bool OffsetsWeights { get; }

        /// <summary>Bytes of a row the micro-kernel reads at a time.</summary>
        static abstract int StepBytes { get; }

        /// <summary>Bytes of a packed weight: 1 (int8, or uint8 with the +128), or 2 (int16, little-endian).</summary>
        static abstract int WeightBytes { get; }

        /// <summary>Where, in weights from the start of its 16-column block, the weight of input channel <paramref name="k"/> and block column <paramref name="column"/> goes.</summary>
        static abstract int PackedIndex(int k, int column);

        static abstract void Tile(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3, ref Tile4x16 tile);

        static abstract void Tile1(ref byte w, int groups, ref sbyte x0, ref Tile4x16 tile);

        static abstract void Store(GemmInt8Tile4x16 gemm, ref Tile4x16 tile, int rows, int col, int c0, int c1, int c2, int c3,
            ref sbyte output, int outStride, int width);
    }

    /// <summary>The dot-product order (AVX-VNNI, SDOT): per group of 4 input channels, column j's four weights at <c>4j</c>.</summary>
    private static int ColumnQuadIndex(int k, int column) => k / 4 * 4 * BlockCols + column * 4 + k % 4;

    /// <summary>Writes the first <paramref name="width"/> bytes of <paramref name="v"/> (a partial column block).</summary>
    private static void StorePart(Vector128<sbyte> v, ref sbyte at, int width)
    {
        for (int c = 0; c < width; c++)
            Unsafe.Add(ref at, c) = v.GetElement(c);
    }
}
