using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The dot-product instruction a <see cref="GemmInt8Tile4x16"/> runs.</summary>
internal enum GemmInt8Tile4x16Isa
{
    /// <summary>x86 AVX-VNNI <c>vpdpbusd</c> (256-bit): activations + 128 as the unsigned operand, broadcast; weights signed.</summary>
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
/// many columns. Depth is padded to a multiple of 4 and columns to a multiple of 16 with zeros.</para>
/// <para><b>x86, <c>vpdpbusd</c></b> multiplies unsigned bytes by signed bytes and adds each group of four
/// products to an int32 lane. The activations are the unsigned operand, as <c>x + 128</c> (x XOR 0x80,
/// written once per panel, see below), broadcast four consecutive input channels of one row to every lane
/// (<c>vpbroadcastd</c>), so one instruction advances 8 columns by 4 input channels; the weights stay signed.
/// The lanes then hold <c>Σk (x + 128)·f = Σk x·f + 128·Σk f</c>: the second term depends only on the column,
/// so it comes off the bias at load, and the epilogue has nothing per row to add (XNNPACK flips the
/// activations in its inner loop instead; here the loop is the same as with signed activations).</para>
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
/// 16 with SDOT, 8 with SMLAL). Where the depth is a whole number of steps and nothing is flipped (ARM), the
/// rows are read in place. Otherwise each panel's rows are copied once to the stack, flipped on x86 and
/// padded with zero bytes to whole steps: a padded step may meet the next block's weights (or the one step of
/// zeros packed at the end), and zero activations add nothing to them. So the kernel never reads past a row's
/// end, nor past the span. The panels' stack use is why the depth is limited (<see cref="MaxDepth"/>).</para>
/// <para><b>Cache blocking.</b> Rows are taken in panels (≤ 64 rows, about 16 KB of activations); within a
/// panel the loop runs over column blocks outside and 4-row tiles inside, so a column block's weights
/// (16·depth bytes, 32·depth as int16) stay in L1 across the panel and the panel's activations in L1/L2 across blocks.
/// A lone row (a batch-1 fully connected layer) runs a 1-row kernel with several accumulator chains.</para>
/// <para><b>Epilogue.</b> On x86 it runs in the micro-kernel call, on the accumulators still in registers:
/// <see cref="RequantizeInt8X86"/> with the bias folded into its operands (the compact form's 64-bit
/// constants when the accumulators' bounds allow, which they do in every model we measure), 16 lanes and
/// <c>vpmovsdb</c> with AVX-512, else 8 lanes, packs and one <c>vpermd</c> for two rows. On ARM the bias is
/// added and four <see cref="RequantizeInt8Vector128.Requantize16"/> quarters requantize each row.</para>
/// </remarks>
internal sealed partial class GemmInt8Tile4x16
{
    /// <summary>Activation rows per micro-kernel tile.</summary>
    public const int TileRows = 4;

    /// <summary>Output columns per packed block.</summary>
    public const int BlockCols = 16;

    /// <summary>The largest depth (K) this GEMM takes: a panel of 4 rows, padded, must fit the stack (64 KB).</summary>
    public const int MaxDepth = 16 * 1024;

    private const int MaxPanelRows = 64;

    /// <summary>The deepest layer whose x86 kernel flips its activations in the loop rather than in a panel copy (see <see cref="AvxVnniTile{TFlip}"/>).</summary>
    private const int MaxInLoopFlipDepth = 32;
    private const int PanelBytes = 16 * 1024;

    private readonly AlignedBuffer<byte> _packed;   // [block][group] in the ISA's order (ITileKernel.PackedIndex); padding 0; 64-byte aligned
    private readonly int[] _bias;        // ARM: bias + inputOffset·Σk f, padded to the blocks (empty on x86: folded into _requantX86)
    private readonly RequantizeInt8Vector128? _requant;   // ARM epilogue
    private readonly RequantizeInt8X86? _requantX86;      // x86 epilogue: 16-column groups, bias folded in
    private readonly int _depth, _cols, _groups, _blocks;
    private readonly bool _flipInLoop;   // x86, chosen at load: see MaxInLoopFlipDepth

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
    /// Packs <paramref name="weights"/> ([<paramref name="cols"/>][<paramref name="depth"/>] int8, row major, depth at
    /// most <see cref="MaxDepth"/>) for <paramref name="isa"/>, folds the input offset of <paramref name="q"/> into
    /// <paramref name="bias"/> (may be empty: no bias) and prepares <paramref name="q"/>'s requantization of the
    /// <paramref name="cols"/> outputs (<see cref="RequantizeInt8Vector128.IsApplicable"/> must hold).
    /// </summary>
    public GemmInt8Tile4x16(ReadOnlySpan<sbyte> weights, int cols, int depth, ReadOnlySpan<int> bias, RequantParams q, GemmInt8Tile4x16Isa isa)
    {
        if (!IsSupported(isa))
            throw new PlatformNotSupportedException($"{nameof(GemmInt8Tile4x16)}: this CPU does not run {isa}.");
        ArgumentNullException.ThrowIfNull(q);
        if (cols <= 0 || depth <= 0 || depth > MaxDepth || weights.Length != (long)cols * depth)
            throw new ArgumentException($"Weights have {weights.Length} values; {cols} x {depth} expected, depth at most {MaxDepth}.", nameof(weights));
        if (!bias.IsEmpty && bias.Length != cols)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {cols}.", nameof(bias));
        Isa = isa;
        _depth = depth;
        _cols = cols;
        _groups = (depth + 3) / 4;
        _blocks = (cols + BlockCols - 1) / BlockCols;
        _flipInLoop = isa == GemmInt8Tile4x16Isa.AvxVnni && depth % 4 == 0 && depth <= MaxInLoopFlipDepth;
        _packed = isa switch
        {
            GemmInt8Tile4x16Isa.AvxVnni => Pack<AvxVnniTile<FlipInCopy>>(weights),
            GemmInt8Tile4x16Isa.ArmDp => Pack<ArmDpTile>(weights),
            _ => Pack<ArmNeonTile>(weights),
        };
        // x86 multiplies x + 128 (the flipped activations), so 128·Σk f comes off the bias as well.
        int activationShift = isa == GemmInt8Tile4x16Isa.AvxVnni ? 128 : 0;
        int maxAbsInput = Math.Max(Math.Abs(sbyte.MinValue + q.InputOffset), Math.Abs(sbyte.MaxValue + q.InputOffset));
        var folded = new int[_blocks * BlockCols];
        var channelAt = new int[_blocks * BlockCols];
        var bounds = new long[cols];
        for (int c = 0; c < folded.Length; c++)
        {
            channelAt[c] = c < cols ? c : -1;
            if (c >= cols)
                continue;
            int sum = 0;
            long absSum = 0;
            foreach (sbyte f in weights.Slice(c * depth, depth))
            {
                sum += f;
                absSum += Math.Abs(f);
            }
            int b = bias.IsEmpty ? 0 : bias[c];
            folded[c] = unchecked(b + (q.InputOffset - activationShift) * sum);
            bounds[c] = Math.Abs((long)b) + absSum * maxAbsInput;   // |bias + Σk (x + inputOffset)·f|
        }
        if (isa == GemmInt8Tile4x16Isa.AvxVnni)
        {
            // A last block of at most 8 columns (the only one the 4x8 micro-kernel runs) gets its columns' operands in
            // lanes 8-15 as well, so that with AVX-512 two rows are requantized as one 16-lane vector.
            int last = (_blocks - 1) * BlockCols;
            if (cols - last <= BlockCols / 2)
                for (int c = last; c < last + BlockCols / 2; c++)
                    (channelAt[c + BlockCols / 2], folded[c + BlockCols / 2]) = (channelAt[c], folded[c]);
            _requantX86 = new RequantizeInt8X86(q, channelAt, bounds, 16, folded);
            _bias = [];
        }
        else
        {
            _requant = new RequantizeInt8Vector128(q, cols);
            _bias = folded;
        }
    }

    /// <summary>
    /// The weights in <typeparamref name="T"/>'s order (<see cref="ITileKernel.PackedIndex"/>), blocks of 16 columns
    /// one after the other, zeros past the depth and the columns, and one step of zeros at the end: a tail step may
    /// read up to a step past the last block's groups.
    /// </summary>
    private AlignedBuffer<byte> Pack<T>(ReadOnlySpan<sbyte> weights) where T : ITileKernel
    {
        long blockValues = (long)_groups * 4 * BlockCols;
        long bytes = (_blocks * blockValues + T.StepBytes * BlockCols) * T.WeightBytes;
        if (bytes > int.MaxValue - AlignedBuffer<byte>.Alignment)
            throw new ArgumentException($"{_cols} x {_depth} weights are too large to pack.", nameof(weights));
        var buffer = new AlignedBuffer<byte>((int)bytes);
        var packed = buffer.Span;
        for (int c = 0; c < _cols; c++)
        {
            var row = weights.Slice(c * _depth, _depth);
            long block = c / BlockCols * blockValues;
            for (int k = 0; k < _depth; k++)
            {
                long at = (block + T.PackedIndex(k, c % BlockCols)) * T.WeightBytes;
                int value = row[k];
                packed[(int)at] = unchecked((byte)value);
                if (T.WeightBytes == 2)
                    packed[(int)at + 1] = unchecked((byte)(value >> 8));
            }
        }
        return buffer;
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
            case GemmInt8Tile4x16Isa.AvxVnni when _flipInLoop:
                Run<AvxVnniTile<FlipInLoop>>(ref x, xStride, rows, ref output, outStride);
                break;
            case GemmInt8Tile4x16Isa.AvxVnni:
                Run<AvxVnniTile<FlipInCopy>>(ref x, xStride, rows, ref output, outStride);
                break;
            case GemmInt8Tile4x16Isa.ArmDp:
                Run<ArmDpTile>(ref x, xStride, rows, ref output, outStride);
                break;
            default:
                Run<ArmNeonTile>(ref x, xStride, rows, ref output, outStride);
                break;
        }
    }

    /// <summary>
    /// Whether <see cref="RunFlipped"/> runs: on x86 (AVX-VNNI) with a depth of whole groups of 4, so that rows need
    /// no padding.
    /// </summary>
    public bool TakesFlippedRows => Isa == GemmInt8Tile4x16Isa.AvxVnni && _depth % 4 == 0;

    /// <summary>
    /// <see cref="Run"/> for activations the caller has already written as x + 128 (each byte XOR 0x80): the x86
    /// kernel then reads the rows in place and flips nothing. Only where <see cref="TakesFlippedRows"/>.
    /// </summary>
    public void RunFlipped(ref sbyte x, int xStride, int rows, ref sbyte output, int outStride)
    {
        if (!TakesFlippedRows)
            throw new InvalidOperationException($"{nameof(RunFlipped)} needs the x86 kernel and a depth of whole groups of 4 (depth {_depth}, {Isa}).");
        Run<AvxVnniTile<Preflipped>>(ref x, xStride, rows, ref output, outStride);
    }

    // Compiled fully optimized at once: a tiered-PGO profile taken on one model's shapes made the
    // same code measurably slower on another model's in the same process.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<T>(ref sbyte x, int xStride, int rows, ref sbyte output, int outStride) where T : ITileKernel
    {
        int step = T.StepBytes, padded = (_depth + step - 1) / step * step, groups = padded / 4;
        int groupBytes = 4 * BlockCols * T.WeightBytes;
        // Rows are read in place when nothing needs changing; otherwise a panel at a time is copied to the
        // stack, each row padded with zeros to whole steps and, on x86, flipped to x + 128.
        bool copy = T.FlipsActivations || padded != _depth;
        int panelRows = Math.Clamp(PanelBytes / padded / TileRows * TileRows, TileRows, MaxPanelRows);
        Span<sbyte> scratch = copy ? stackalloc sbyte[panelRows * padded] : default;
        int stride = copy ? padded : xStride;
        for (int p = 0; p < rows; p += panelRows)
        {
            int count = Math.Min(panelRows, rows - p);
            ref sbyte source = ref Unsafe.Add(ref x, (nint)p * xStride);
            if (copy)
                for (int r = 0; r < count; r++)
                    CopyRow<T>(ref Unsafe.Add(ref source, (nint)r * xStride), ref scratch[r * padded], _depth, padded);
            scoped ref sbyte panel = ref copy ? ref MemoryMarshal.GetReference(scratch) : ref source;
            for (int block = 0; block < _blocks; block++)
            {
                int col = block * BlockCols, width = Math.Min(BlockCols, _cols - col);
                ref byte w = ref Unsafe.Add(ref _packed.Start, (nint)block * _groups * groupBytes);
                T.Block(ref w, groups, ref panel, stride, count, this, col, ref Unsafe.Add(ref output, (nint)p * outStride + col), outStride, width);
            }
        }
    }

    /// <summary>
    /// Rows 0..<paramref name="count"/>−1 of a panel (<paramref name="stride"/> bytes apart) × the 16-column block at
    /// <paramref name="col"/> (its first <paramref name="width"/> columns stored at <paramref name="output"/>): 4-row
    /// tiles, the last one repeating a row where fewer are left, or a lone row's own kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockRows<T>(ref byte w, int groups, ref sbyte panel, int stride, int count, GemmInt8Tile4x16 gemm, int col,
        ref sbyte output, int outStride, int width) where T : ITileKernel
    {
        for (int r = 0; r < count; r += TileRows)
        {
            int last = Math.Min(TileRows, count - r) - 1;
            ref sbyte o = ref Unsafe.Add(ref output, (nint)r * outStride);
            ref sbyte x0 = ref Unsafe.Add(ref panel, (nint)r * stride);
            if (last == 0)
            {
                // A lone row (a batch-1 fully connected layer, a panel's last row): its own kernel
                // rather than four copies of it.
                T.Tile1(ref w, groups, ref x0, gemm, col, ref o, width);
                continue;
            }
            ref sbyte x1 = ref Unsafe.Add(ref x0, (nint)Math.Min(1, last) * stride);
            ref sbyte x2 = ref Unsafe.Add(ref x0, (nint)Math.Min(2, last) * stride);
            ref sbyte x3 = ref Unsafe.Add(ref x0, (nint)last * stride);
            if (width <= BlockCols / 2)
                T.Tile8(ref w, groups, ref x0, ref x1, ref x2, ref x3, gemm, last + 1, col, ref o, outStride, width);
            else
                T.Tile(ref w, groups, ref x0, ref x1, ref x2, ref x3, gemm, last + 1, col, ref o, outStride, width);
        }
    }

    /// <summary>One row of <paramref name="depth"/> activations to <paramref name="to"/>, zero-padded to <paramref name="padded"/> bytes, and on x86 flipped to x + 128 (the padding stays 0).</summary>
    /// <remarks>
    /// Whole vectors only: the padding (less than a step) is cleared first with one store of a step's zeros
    /// at the end; a row of 16 bytes or more then ends with a vector overlapping the one before it, a
    /// shorter one goes 8, 4 and 1 bytes at a time.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow<T>(ref sbyte from, ref sbyte to, int depth, int padded) where T : ITileKernel
    {
        ref byte src = ref Unsafe.As<sbyte, byte>(ref from);
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref to);
        var flip = Vector128.Create(T.FlipsActivations ? (byte)0x80 : (byte)0);
        if (T.StepBytes == 16)
            Vector128<byte>.Zero.StoreUnsafe(ref dst, (nuint)(padded - 16));
        else if (T.StepBytes == 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, padded - 8), 0L);
        else
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, padded - 4), 0);
        if (depth >= 16)
        {
            int k = 0;
            for (; k < depth - 16; k += 16)
                (Vector128.LoadUnsafe(ref src, (nuint)k) ^ flip).StoreUnsafe(ref dst, (nuint)k);
            (Vector128.LoadUnsafe(ref src, (nuint)(depth - 16)) ^ flip).StoreUnsafe(ref dst, (nuint)(depth - 16));
            return;
        }
        ulong flip8 = flip.AsUInt64().ToScalar();
        int at = 0;
        if ((depth & 8) != 0)
        {
            Unsafe.WriteUnaligned(ref dst, Unsafe.ReadUnaligned<ulong>(ref src) ^ flip8);
            at = 8;
        }
        if ((depth & 4) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, at), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, at)) ^ (uint)flip8);
            at += 4;
        }
        for (; at < depth; at++)
            Unsafe.Add(ref dst, at) = (byte)(Unsafe.Add(ref src, at) ^ (byte)flip8);
    }

    /// <summary>The 4×16 accumulators of one tile, 256 bytes, as the ARM kernels lay them out (see <see cref="ArmDpTile"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Tile4x16
    {
        public Vector256<int> R00, R01, R10, R11, R20, R21, R30, R31;
    }

    /// <summary>
    /// One ISA's micro-kernel, as static members so that <see cref="Run{T}"/> is compiled once per ISA with
    /// the dispatch resolved: the 4-row and the 1-row tiles, which write into the tile the sums over
    /// <c>groups</c> groups of 4 input channels (a multiple of <see cref="StepBytes"/>/4), and the epilogue
    /// that adds the bias, requantizes and stores 1–4 rows.
    /// </summary>
    private interface ITileKernel
    {
        /// <summary>Whether the kernel multiplies x + 128 rather than x (the unsigned operand of <c>vpdpbusd</c>).</summary>
        static abstract bool FlipsActivations { get; }

        /// <summary>Bytes of a row the micro-kernel reads at a time.</summary>
        static abstract int StepBytes { get; }

        /// <summary>Bytes of a packed weight: 1 (int8, or uint8 with the +128), or 2 (int16, little-endian).</summary>
        static abstract int WeightBytes { get; }

        /// <summary>Where, in weights from the start of its 16-column block, the weight of input channel <paramref name="k"/> and block column <paramref name="column"/> goes.</summary>
        static abstract int PackedIndex(int k, int column);

        /// <summary>Rows x0..x3 (2–4 distinct: <paramref name="rows"/>) × 16 columns from <paramref name="col"/>: multiply, requantize, store the first <paramref name="width"/> columns.</summary>
        static abstract void Tile(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width);

        /// <summary>A panel's rows × one block: <see cref="BlockRows{T}"/>, which a kernel may compile as a method of its own.</summary>
        static abstract void Block(ref byte w, int groups, ref sbyte panel, int stride, int count, GemmInt8Tile4x16 gemm, int col,
            ref sbyte output, int outStride, int width);

        /// <summary>As <see cref="Tile"/> for a last block of at most 8 columns (a kernel may run <see cref="Tile"/>).</summary>
        static abstract void Tile8(ref byte w, int groups, ref sbyte x0, ref sbyte x1, ref sbyte x2, ref sbyte x3,
            GemmInt8Tile4x16 gemm, int rows, int col, ref sbyte output, int outStride, int width);

        /// <summary>One row × 16 columns: multiply, requantize, store.</summary>
        static abstract void Tile1(ref byte w, int groups, ref sbyte x0, GemmInt8Tile4x16 gemm, int col, ref sbyte output, int width);
    }

    /// <summary>The dot-product order (AVX-VNNI, SDOT): per group of 4 input channels, column j's four weights at <c>4j</c>.</summary>
    private static int ColumnQuadIndex(int k, int column) => k / 4 * 4 * BlockCols + column * 4 + k % 4;

    /// <summary>Writes the first <paramref name="width"/> (below 16) bytes of <paramref name="v"/> (a partial column block).</summary>
    /// <remarks>
    /// At most four stores of 8, 4, 2 and 1 bytes: a layer whose depth is not a multiple of 8 (BlazeFace's 28, 36
    /// and 42 channels) stores a partial block in every tile row, and a byte at a time made those layers a third slower.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePart(Vector128<sbyte> v, ref sbyte at, int width)
    {
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref at);
        ulong bytes = v.AsUInt64().ToScalar();
        if (width >= 8)
        {
            Unsafe.WriteUnaligned(ref dst, bytes);
            bytes = v.AsUInt64().GetElement(1);
            dst = ref Unsafe.Add(ref dst, 8);
        }
        if ((width & 4) != 0)
        {
            Unsafe.WriteUnaligned(ref dst, (uint)bytes);
            bytes >>= 32;
            dst = ref Unsafe.Add(ref dst, 4);
        }
        if ((width & 2) != 0)
        {
            Unsafe.WriteUnaligned(ref dst, (ushort)bytes);
            bytes >>= 16;
            dst = ref Unsafe.Add(ref dst, 2);
        }
        if ((width & 1) != 0)
            dst = (byte)bytes;
    }
}
