using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeConv.Graph;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The multiply-accumulate a <see cref="DepthwiseConvInt8X86"/> runs, one per instruction set.</summary>
public enum DepthwiseConvInt8X86Isa
{
    /// <summary>AVX2: the even and odd bytes of each quad widened to int16 (<c>vpand</c>, <c>vpsrlw</c>), two <c>vpmaddwd</c> and two <c>vpaddd</c>.</summary>
    Avx2,
    /// <summary>AVX-VNNI: one 256-bit <c>vpdpbusd</c> per quad vector (4 taps × 8 channels).</summary>
    AvxVnni,
}

/// <summary>
/// Int8 DEPTHWISE_CONV_2D (NHWC, any filter size, depth multiplier, stride, dilation and padding) for x86
/// with AVX2: 32 output channels per step in four 256-bit accumulators, two output rows at a time, four
/// taps of a filter row per multiply-accumulate instruction, requantized 8 lanes at a time with
/// <see cref="RequantizeInt8X86"/>. Byte for byte the same as <see cref="Reference.DepthwiseConv2DInt8Reference"/>
/// wherever <see cref="IsApplicable"/> holds, on every <see cref="DepthwiseConvInt8X86Isa"/>.
/// </summary>
/// <remarks>
/// <para><b>Quads of taps, built once per input row.</b> Each input row the window needs is turned, once
/// per image, into a row of <em>quads</em> in the caller's scratch: for output column ox, group g of four
/// filter columns (kx = 4g..4g+3) and channel c, the four bytes <c>u(iy, ox·sw − padLeft + kx·dw, c)</c>,
/// where u is the input value plus 128 (an unsigned byte; <c>XOR 0x80</c>) inside the image and z + 128
/// outside it (z the input zero point). Filter columns past kw take any byte of the row and have weight
/// 0. A 256-bit load of quads is then 4 taps × 8 channels, which AVX-VNNI's <c>vpdpbusd</c> multiplies by
/// 4 int8 weights per lane and adds into the int32 lane in one instruction; AVX2 widens the even and the
/// odd bytes to int16 and uses two <c>vpmaddwd</c>. A 3×3 filter is three quad loads and three
/// multiply-accumulates per 8 channels, and the rows are shared by the kh output rows that read them
/// (a ring of slots, as in <see cref="DepthwiseConvInt8Vector128"/>; a row above or below the image takes
/// a slot too, filled with z + 128, which keeps the scratch one quad row smaller). An input row is first copied, plus 128 and with each input channel repeated
/// M times for a depth multiplier M (so that output channel oc = ic·M + m reads lane oc), between border
/// columns of z + 128 in a padded source row; the quads are gathered from there without branches.</para>
/// <para><b>Exactness.</b> As in <see cref="DepthwiseConvInt8Vector128"/>'s remarks, with x̃ the input
/// value inside the image and z outside, the reference's accumulator equals
/// <c>bias + inOff·Σ_t f_t + Σ_t f_t·x̃_t</c> modulo 2^32. Here the taps see u_t = x̃_t + 128, so
/// <c>Σ_t f_t·u_t = Σ_t f_t·x̃_t + 128·Σ_t f_t</c>, and the bias is folded at load as
/// <c>bias + (inOff − 128)·Σ_t f_t</c> (int32, wrapping). Every product is exact
/// (u in [0, 255], f in [−128, 127]), <c>vpdpbusd</c> adds four of them (|·| &lt; 2^17) to the lane with
/// wrap-around, and <c>vpmaddwd</c> adds two into an int32; all the rest is int32 addition, which wraps
/// like C#'s and the reference's. So even a weight of −128 is exact, unlike the int16 pair sums of
/// <see cref="DepthwiseConvInt8Vector128"/>. The requantization is TFLite's, see
/// <see cref="RequantizeInt8X86"/>.</para>
/// <para><b>Channel blocks.</b> Channels go in blocks of 4, 2 or 1 quad vectors (32, 16, 8 channels):
/// as many blocks of 32 as fit, then one more for the rest of the depth, of 32 when more than 16 channels
/// remain, of 16 when more than 8 do, else of 8 (so a layer computes fewer than 16 padding lanes per pixel,
/// with zero weights). Blocks are built with in-lane unpacks (<c>punpck{l,h}bw</c>, then <c>{l,h}wd</c>),
/// which leave quad vector k of a block of W vectors holding channels 4k..4k+3 in its lower 128 bits and
/// 4W+4k..4W+4k+3 in its upper; weights, bias and requantization operands are stored in that order, and
/// the saturating packs (<see cref="RequantizeInt8X86.Pack32"/>, <see cref="RequantizeInt8X86.Pack16(System.Runtime.Intrinsics.Vector256{int}, System.Runtime.Intrinsics.Vector256{int})"/>,
/// <see cref="RequantizeInt8X86.Pack8"/>) put the results back in channel order. A last block that runs
/// past the depth writes its surplus bytes over the following pixels' first channels, which those pixels
/// then rewrite, except near the row's end, where only the row's own bytes are stored (another thread may
/// own the next row).</para>
/// <para><b>Shared quads at stride 1.</b> With stride 1 and dilation 1, pixel ox + s reads the columns of pixel ox moved
/// s on. So when kw + s fits the 4·groups columns a quad column holds, pixel ox + s can read pixel ox's quads with the
/// filter moved s columns right within them (zeros before and after it). Quad rows are then built for every S-th pixel
/// only (S = 4 for kw = 1 and 5, S = 2 for kw = 2, 3, 6 and 7), and the weights are stored in S sets, set s for the
/// pixels with ox mod S = s: building a quad row and its memory shrink S times, the multiply-accumulates stay as they are.</para>
/// <para><b>Two output rows at a time.</b> Where a slice has two consecutive output rows of one image,
/// they are computed together: each weight and requantization operand is loaded once for both, and the
/// quad rows they share (kh − stride_h of them, for dilation 1) are read while still in L1. The ring
/// holds (kh−1)·dilation_h + 1 + stride_h quad rows for that.</para>
/// <para><b>Measured.</b> On the AMD EPYC we measure on (AVX-512 and AVX-VNNI; single thread, alternating
/// runs), MobileNetV2's depthwise layers run at about 25 GMAC/s in the model against 8.3 with
/// <see cref="DepthwiseConvInt8Vector128"/>, MobileNetV1's at 25 against 8.1. Tried and left out for
/// measuring no faster: 512-bit requantization, the three quads of a 3×3 unrolled, the blocks of a row
/// walked channel-outer, reusing a quad's second byte pair as a later quad's first when building, and
/// building pairs of blocks on 512 bits.</para>
/// <para>Packing: weights in units of one quad vector (8 channels × 4 taps; 32 bytes for AVX-VNNI, 64
/// for AVX2 as (f0, f2) and (f1, f3) int16 pairs), ordered so that one channel block's weights are one
/// sequential run.</para>
/// <para>Limits: filter [1, kh, kw, C·M]; filter zero point 0; the input zero point an int8; shifts
/// in [−31, 30]; no multiplier of int.MinValue. <c>Run</c> allocates nothing; an instance is immutable
/// after load and may run on several threads at once, each with its own scratch.</para>
/// </remarks>
public sealed class DepthwiseConvInt8X86
{
    private const int SourceSlack = 32;     // bytes after the padded source row that a last block may read

    private readonly ConvGeometry _g;
    private readonly int _multiplier, _depth, _kh, _kw;
    private readonly int _groups;           // groups of 4 filter columns: ceil(kw / 4)
    private readonly int _quads;            // quad vectors per output and block vector: kh · groups
    private readonly int _blocks32;         // blocks of 32 channels (the last may be partly padding)
    private readonly bool _block16, _block8; // the last block is one of 16, or of 8, channels
    private readonly int _positions;        // accumulator lanes per pixel: channels rounded up to the blocks
    private readonly byte[] _weights;       // units, see remarks
    private readonly int[] _bias;           // folded, per position
    private readonly int[] _tapColumns;     // source byte offset of each (group, k): kx · dw · depth (unshared: kx past kw replaced by 4·group)
    private readonly int _share;            // output pixels per quad column: 1, or 2 or 4 at stride 1 (see the remarks)
    private readonly int _quadColumns;      // quad columns per quad row: ceil(outW / share)
    private readonly int _setBytes;         // bytes of one weight set; pixel ox reads set ox mod share
    private readonly RequantizeInt8X86 _requant;
    private readonly Shape4 _inShape, _outShape;
    private readonly int _ringRows, _sourceOffset, _sourceBytes, _slotsOffset, _slotBytes;
    private readonly byte _zeroPoint;       // z + 128

    /// <summary>Whether this CPU (as the runtime reports it) runs <paramref name="isa"/>.</summary>
    public static bool IsSupported(DepthwiseConvInt8X86Isa isa) => isa switch
    {
        DepthwiseConvInt8X86Isa.Avx2 => Avx2.IsSupported,
        DepthwiseConvInt8X86Isa.AvxVnni => AvxVnni.IsSupported && Avx2.IsSupported,
        _ => false,
    };

    /// <summary>Whether this CPU runs the kernel at all (AVX2).</summary>
    public static bool IsSupportedOnThisCpu => IsSupported(DepthwiseConvInt8X86Isa.Avx2);

    /// <summary>
    /// The instruction set chosen on this CPU: AVX-VNNI, else AVX2. Throws <see cref="PlatformNotSupportedException"/>
    /// without AVX2.
    /// </summary>
    public static DepthwiseConvInt8X86Isa Best =>
        IsSupported(DepthwiseConvInt8X86Isa.AvxVnni) ? DepthwiseConvInt8X86Isa.AvxVnni :
        IsSupported(DepthwiseConvInt8X86Isa.Avx2) ? DepthwiseConvInt8X86Isa.Avx2 :
        throw new PlatformNotSupportedException($"{nameof(DepthwiseConvInt8X86)} needs AVX2.");

    /// <summary>Whether the kernel computes this depthwise convolution (see the limits in the remarks).</summary>
    public static bool IsApplicable(ConvGeometry g, int depthMultiplier, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, Shape4 outShape)
    {
        ArgumentNullException.ThrowIfNull(q);
        return depthMultiplier >= 1 && filterShape.N == 1 && filterShape.H >= 1 && filterShape.W >= 1
            && inShape.C >= 1 && filterShape.C == inShape.C * depthMultiplier && outShape.C == filterShape.C
            && outShape.N == inShape.N && outShape.H >= 1 && outShape.W >= 1
            && g.StrideH >= 1 && g.StrideW >= 1 && g.DilationH >= 1 && g.DilationW >= 1 && g.PadTop >= 0 && g.PadLeft >= 0
            && q.FilterOffset == 0 && q.InputOffset is >= -127 and <= 128
            && filter.Length == filterShape.FlatSize
            && RequantizeInt8X86.IsApplicable(q, filterShape.C)
            && Layout(g, inShape, filterShape, outShape).Total <= int.MaxValue;
    }

    /// <summary>How the channels split into blocks (see the remarks): blocks of 32, whether the last is of 16 or of 8, and the lanes in all.</summary>
    private static (int Blocks32, bool Block16, bool Block8, int Positions) Blocks(int depth)
    {
        int blocks32 = depth / 32, rest = depth % 32;
        if (rest > 16)
            (blocks32, rest) = (blocks32 + 1, 0);
        return (blocks32, rest is > 8 and <= 16, rest is > 0 and <= 8, 32 * blocks32 + (rest > 8 ? 16 : rest > 0 ? 8 : 0));
    }

    /// <summary>
    /// Where things sit in the scratch: the quad offset table (two rows' worth) and the ring's row
    /// numbers, then (32-byte aligned) the padded source row, then the ring's slots.
    /// </summary>
    private static (long SourceOffset, long SourceBytes, long SlotsOffset, long SlotBytes, long Total) Layout(
        ConvGeometry g, Shape4 inShape, Shape4 filterShape, Shape4 outShape)
    {
        long ringRows = RingRows(filterShape.H, g);
        long groups = (filterShape.W + 3) / 4;
        long sourceOffset = (4L * (2 * filterShape.H * groups + ringRows) + 31) & ~31L;
        long sourceBytes = (PaddedWidth(g, inShape, filterShape, outShape) * filterShape.C + SourceSlack + 31) & ~31L;
        long slotBytes = QuadColumns(g, filterShape.W, outShape.W) * groups * Blocks(filterShape.C).Positions * 4;
        long slotsOffset = sourceOffset + sourceBytes;
        return (sourceOffset, sourceBytes, slotsOffset, slotBytes, slotsOffset + ringRows * slotBytes);
    }

    /// <summary>Input rows two consecutive output rows read: (kh−1)·dilation_h + 1 + stride_h.</summary>
    private static long RingRows(int kh, ConvGeometry g) => (long)(kh - 1) * g.DilationH + 1 + g.StrideH;

    /// <summary>
    /// Columns of the padded source row: the left padding, the image, and as many columns on the right as the
    /// last window reaches (shared quads: as the last quad column's 4·groups taps reach).
    /// </summary>
    private static long PaddedWidth(ConvGeometry g, Shape4 inShape, Shape4 filterShape, Shape4 outShape)
    {
        int share = Share(g, filterShape.W);
        long reach = share == 1
            ? (long)(outShape.W - 1) * g.StrideW + (long)(filterShape.W - 1) * g.DilationW + 1
            : (QuadColumns(g, filterShape.W, outShape.W) - 1) * share + 4L * ((filterShape.W + 3) / 4);
        return Math.Max((long)g.PadLeft + inShape.W, reach);
    }

    /// <summary>
    /// Output pixels that read one quad column (see the remarks): at stride 1 and dilation 1, 4 when the
    /// filter's width plus 3 fits its groups of 4 columns (kw = 1, 5), 2 when kw plus 1 does (kw = 2, 3, 6, 7), else 1.
    /// </summary>
    private static int Share(ConvGeometry g, int kw)
    {
        if (g.StrideW != 1 || g.DilationW != 1)
            return 1;
        int slots = 4 * ((kw + 3) / 4);
        return kw + 3 <= slots ? 4 : kw + 1 <= slots ? 2 : 1;
    }

    /// <summary>Quad columns of a quad row: one per <see cref="Share"/> output pixels.</summary>
    private static long QuadColumns(ConvGeometry g, int kw, int outW)
    {
        int share = Share(g, kw);
        return ((long)outW + share - 1) / share;
    }

    /// <summary>Packs the weights for <see cref="Best"/> and folds the zero points into the bias.</summary>
    public DepthwiseConvInt8X86(ConvGeometry g, int depthMultiplier, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias, Shape4 outShape)
        : this(g, depthMultiplier, q, inShape, filter, filterShape, bias, outShape, Best)
    {
    }

    /// <summary>
    /// Packs the weights for <paramref name="isa"/> and folds the zero points into the bias.
    /// <paramref name="bias"/> may be empty. Throws <see cref="PlatformNotSupportedException"/> when this CPU
    /// lacks <paramref name="isa"/> and <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.
    /// </summary>
    public DepthwiseConvInt8X86(ConvGeometry g, int depthMultiplier, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias, Shape4 outShape, DepthwiseConvInt8X86Isa isa)
    {
        if (!IsSupported(isa))
            throw new PlatformNotSupportedException($"{nameof(DepthwiseConvInt8X86)}: this CPU does not run {isa}.");
        if (!IsApplicable(g, depthMultiplier, q, inShape, filter, filterShape, outShape))
            throw new ArgumentException($"Depthwise {filterShape} x{depthMultiplier} over {inShape} -> {outShape} is outside this kernel's limits " +
                "(filter [1,kh,kw,C*M], filter offset 0, int8 input zero point, shifts in [-31,30], no multiplier of int.MinValue).", nameof(filter));
        _depth = filterShape.C;
        if (!bias.IsEmpty && bias.Length != _depth)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {_depth}.", nameof(bias));
        Isa = isa;
        _g = g;
        _multiplier = depthMultiplier;
        _kh = filterShape.H;
        _kw = filterShape.W;
        _groups = (_kw + 3) / 4;
        _quads = _kh * _groups;
        (_blocks32, _block16, _block8, _positions) = Blocks(_depth);
        _inShape = inShape;
        _outShape = outShape;

        // Lane l of vector k of a block of W vectors starting at position b, element i: channel b + 4W·l + 4k + i.
        var channelAt = new int[_positions];
        var unitAt = new int[_positions / 8];   // weight unit of quad 0 for each vector; quad q's is W·q further
        var widthAt = new int[_positions / 8];
        for (int b = 0, blockIndex = 0; b < _positions; blockIndex++)
        {
            int w = blockIndex < _blocks32 ? 4 : _block16 ? 2 : 1;
            for (int r = 0; r < 8 * w; r++)
            {
                int c = b + 4 * w * (r / 4 % 2) + 4 * (r / 8) + r % 4;
                channelAt[b + r] = c < _depth ? c : -1;
            }
            for (int k = 0; k < w; k++)
            {
                unitAt[b / 8 + k] = b / 8 * _quads + k;
                widthAt[b / 8 + k] = w;
            }
            b += 8 * w;
        }

        bool vnni = isa == DepthwiseConvInt8X86Isa.AvxVnni;
        int unitBytes = vnni ? VnniDot.UnitBytes : Avx2Dot.UnitBytes;
        _share = Share(g, _kw);
        _quadColumns = (int)QuadColumns(g, _kw, outShape.W);
        int setUnits = _positions / 8 * _quads;
        _setBytes = setUnits * unitBytes;
        _weights = new byte[_share * _setBytes];
        var weights8 = MemoryMarshal.Cast<byte, sbyte>(_weights.AsSpan());
        var weights16 = MemoryMarshal.Cast<byte, short>(_weights.AsSpan());
        _bias = new int[_positions];
        for (int p = 0; p < _positions; p++)
        {
            int oc = channelAt[p];
            if (oc < 0)
                continue;
            int lane = p % 8, sum = 0;
            for (int set = 0; set < _share; set++)
                for (int quad = 0; quad < _quads; quad++)
                {
                    // Set s holds the filter moved s columns right: pixel S·j + s reads quad column j.
                    int unit = set * setUnits + unitAt[p / 8] + quad * widthAt[p / 8], ky = quad / _groups, group = quad % _groups;
                    for (int k = 0; k < 4; k++)
                    {
                        int kx = 4 * group + k - set;
                        sbyte f = kx >= 0 && kx < _kw ? filter[(ky * _kw + kx) * _depth + oc] : (sbyte)0;
                        if (set == 0)
                            sum += f;
                        if (vnni)
                            weights8[unit * 32 + 4 * lane + k] = f;
                        else
                            weights16[unit * 32 + (k & 1) * 16 + 2 * lane + (k >> 1)] = f;
                    }
                }
            _bias[p] = unchecked((bias.IsEmpty ? 0 : bias[oc]) + (q.InputOffset - 128) * sum);
        }
        _requant = new RequantizeInt8X86(q, channelAt, AccumulatorBounds(filter, _depth, _bias, channelAt));

        _tapColumns = new int[4 * _groups];
        for (int group = 0; group < _groups; group++)
            for (int k = 0; k < 4; k++)
            {
                // Unshared, a column past kw reads any column of the row (its weight is 0); shared, it is a later pixel's tap.
                int kx = 4 * group + k < _kw || _share > 1 ? 4 * group + k : 4 * group;
                _tapColumns[4 * group + k] = kx * g.DilationW * _depth;
            }

        var layout = Layout(g, inShape, filterShape, outShape);
        _ringRows = (int)RingRows(_kh, g);
        _sourceOffset = (int)layout.SourceOffset;
        _sourceBytes = (int)layout.SourceBytes;
        _slotsOffset = (int)layout.SlotsOffset;
        _slotBytes = (int)layout.SlotBytes;
        ScratchBytes = (int)layout.Total;
        _zeroPoint = (byte)(-q.InputOffset + 128);
    }

    /// <summary>
    /// For each channel, the largest |accumulator| <c>bias' + Σ_t f_t·u_t</c> can reach with u in [0, 255],
    /// or <see cref="long.MaxValue"/> when the sum could leave int32 (then it wraps, and nothing is bounded).
    /// </summary>
    private static long[] AccumulatorBounds(ReadOnlySpan<sbyte> filter, int depth, int[] foldedBias, int[] channelAt)
    {
        var bounds = new long[depth];
        for (int p = 0; p < channelAt.Length; p++)
        {
            int oc = channelAt[p];
            if (oc < 0)
                continue;
            long lo = foldedBias[p], hi = foldedBias[p];
            for (int t = oc; t < filter.Length; t += depth)
            {
                lo += 255L * Math.Min((int)filter[t], 0);
                hi += 255L * Math.Max((int)filter[t], 0);
            }
            bounds[oc] = lo < int.MinValue || hi > int.MaxValue ? long.MaxValue : Math.Max(-lo, hi);
        }
        return bounds;
    }

    /// <summary>The multiply-accumulate this instance runs.</summary>
    public DepthwiseConvInt8X86Isa Isa { get; }

    /// <summary>
    /// Bytes of scratch <c>Run</c> needs: the quad offset table, the ring slots' row numbers, one padded
    /// source row and the ring of quad rows. Its contents need not survive between runs.
    /// </summary>
    public int ScratchBytes { get; }

    /// <summary>The kernel name <c>inspect</c> shows, e.g. <c>DepthwiseConvInt8X86(AvxVnni)</c>.</summary>
    public string Name => $"{nameof(DepthwiseConvInt8X86)}({Isa})";

    /// <inheritdoc cref="DepthwiseConvInt8Vector128.Run(ReadOnlySpan{sbyte}, Shape4, Span{sbyte}, Shape4, Span{byte})"/>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, Span<byte> scratch)
        => Run(input, inShape, output, outShape, scratch, 0, outShape.N * outShape.H);

    /// <inheritdoc cref="DepthwiseConvInt8Vector128.Run(ReadOnlySpan{sbyte}, Shape4, Span{sbyte}, Shape4, Span{byte}, int, int)"/>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, Span<byte> scratch, int rowStart, int rowEnd)
    {
        WindowRunArguments.Check(inShape, outShape, _inShape, _outShape, input.Length, output.Length, scratch.Length, ScratchBytes, rowStart, rowEnd);

        var quadOffsets = MemoryMarshal.Cast<byte, int>(scratch[..(8 * _quads)]);
        var ring = new InputRowRing(MemoryMarshal.Cast<byte, int>(scratch.Slice(8 * _quads, 4 * _ringRows)));
        var source = scratch.Slice(_sourceOffset, _sourceBytes);
        var slots = scratch.Slice(_slotsOffset, _ringRows * _slotBytes);
        source.Fill(_zeroPoint);   // borders; row copies overwrite only the middle

        int inRow = inShape.W * inShape.C, outRow = outShape.W * _depth;
        for (int row = rowStart; row < rowEnd;)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            ring.Image(b);
            var image = input.Slice(b * inShape.H * inRow, inShape.H * inRow);
            // Two output rows of one image at a time where the slice has them.
            bool two = row + 1 < rowEnd && oy + 1 < outShape.H;
            PrepareRow(oy, image, source, slots, ref ring, quadOffsets[.._quads]);
            if (two)
                PrepareRow(oy + 1, image, source, slots, ref ring, quadOffsets.Slice(_quads, _quads));
            var outA = output.Slice(row * outRow, outRow);
            var outB = two ? output.Slice((row + 1) * outRow, outRow) : outA;
            if (Isa == DepthwiseConvInt8X86Isa.AvxVnni)
                Rows<VnniDot>(two, slots, quadOffsets, outA, outB);
            else
                Rows<Avx2Dot>(two, slots, quadOffsets, outA, outB);
            row += two ? 2 : 1;
        }
    }

    /// <summary>
    /// Makes sure the ring holds the quad rows output row <paramref name="oy"/> reads (building those it
    /// lacks) and writes where each of its quads starts into <paramref name="quadOffsets"/>.
    /// </summary>
    private void PrepareRow(int oy, ReadOnlySpan<sbyte> image, Span<byte> source, Span<byte> slots, ref InputRowRing ring, Span<int> quadOffsets)
    {
        int inRow = _inShape.W * _inShape.C;
        int iy0 = oy * _g.StrideH - _g.PadTop;
        for (int ky = 0; ky < _kh; ky++)
        {
            // A row above or below the image takes a slot too, filled with z + 128: the ring holds every row
            // two output rows read, image or not, so no separate z row is needed.
            int iy = iy0 + ky * _g.DilationH;
            int slot = ring.Slot(iy, out bool prepare);
            var quadRow = slots.Slice(slot * _slotBytes, _slotBytes);
            if (prepare && (uint)iy < (uint)_inShape.H)
                BuildQuadRow(image.Slice(iy * inRow, inRow), source, quadRow);
            else if (prepare)
                quadRow.Fill(_zeroPoint);
            int rowOffset = slot * _slotBytes;
            for (int group = 0; group < _groups; group++)
                quadOffsets[ky * _groups + group] = rowOffset + group * _positions * 4;
        }
    }

    /// <summary>
    /// Copies one input row, plus 128 and with each channel repeated M times, into the padded source row,
    /// then writes its quad row into <paramref name="slot"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildQuadRow(ReadOnlySpan<sbyte> row, Span<byte> source, Span<byte> slot)
    {
        var middle = source.Slice(_g.PadLeft * _depth, _inShape.W * _depth);
        var bytes = MemoryMarshal.AsBytes(row);
        if (_multiplier == 1)
        {
            int i = 0;
            for (; i <= bytes.Length - 32; i += 32)
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bytes), (nuint)i) ^ Vector256.Create((byte)0x80))
                    .StoreUnsafe(ref MemoryMarshal.GetReference(middle), (nuint)i);
            for (; i < bytes.Length; i++)
                middle[i] = (byte)(bytes[i] ^ 0x80);
        }
        else
        {
            int m = _multiplier, o = 0;
            foreach (byte v in bytes)
            {
                middle.Slice(o, m).Fill((byte)(v ^ 0x80));
                o += m;
            }
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        int groups = _groups, outW = _quadColumns, blocks32 = _blocks32;
        nint step = _g.StrideW * _share * _depth, quadBytes = _positions * 4, pixel = groups * quadBytes;
        for (int group = 0; group < groups; group++)
        {
            ref byte s0 = ref Unsafe.Add(ref src, _tapColumns[4 * group]);
            ref byte s1 = ref Unsafe.Add(ref src, _tapColumns[4 * group + 1]);
            ref byte s2 = ref Unsafe.Add(ref src, _tapColumns[4 * group + 2]);
            ref byte s3 = ref Unsafe.Add(ref src, _tapColumns[4 * group + 3]);
            ref byte d = ref Unsafe.Add(ref MemoryMarshal.GetReference(slot), group * quadBytes);
            for (int ox = 0; ox < outW; ox++)
            {
                nint c = 0;
                for (int block = 0; block < blocks32; block++, c += 32)
                    BuildBlock32(ref Unsafe.Add(ref s0, c), ref Unsafe.Add(ref s1, c), ref Unsafe.Add(ref s2, c), ref Unsafe.Add(ref s3, c), ref Unsafe.Add(ref d, 4 * c));
                if (_block16)
                    BuildBlock16(ref Unsafe.Add(ref s0, c), ref Unsafe.Add(ref s1, c), ref Unsafe.Add(ref s2, c), ref Unsafe.Add(ref s3, c), ref Unsafe.Add(ref d, 4 * c));
                else if (_block8)
                    BuildBlock8(ref Unsafe.Add(ref s0, c), ref Unsafe.Add(ref s1, c), ref Unsafe.Add(ref s2, c), ref Unsafe.Add(ref s3, c), ref Unsafe.Add(ref d, 4 * c));
                s0 = ref Unsafe.Add(ref s0, step);
                s1 = ref Unsafe.Add(ref s1, step);
                s2 = ref Unsafe.Add(ref s2, step);
                s3 = ref Unsafe.Add(ref s3, step);
                d = ref Unsafe.Add(ref d, pixel);
            }
        }
    }

    /// <summary>Quads of 32 channels from the four taps' bytes at <paramref name="a"/>..<paramref name="f"/>: vector k holds channels 4k.. and 16+4k.. (see the remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BuildBlock32(ref byte a, ref byte b, ref byte e, ref byte f, ref byte q)
    {
        var x0 = Vector256.LoadUnsafe(ref a);
        var x1 = Vector256.LoadUnsafe(ref b);
        var x2 = Vector256.LoadUnsafe(ref e);
        var x3 = Vector256.LoadUnsafe(ref f);
        var lo01 = Avx2.UnpackLow(x0, x1).AsUInt16();
        var hi01 = Avx2.UnpackHigh(x0, x1).AsUInt16();
        var lo23 = Avx2.UnpackLow(x2, x3).AsUInt16();
        var hi23 = Avx2.UnpackHigh(x2, x3).AsUInt16();
        Avx2.UnpackLow(lo01, lo23).AsByte().StoreUnsafe(ref q);
        Avx2.UnpackHigh(lo01, lo23).AsByte().StoreUnsafe(ref q, 32);
        Avx2.UnpackLow(hi01, hi23).AsByte().StoreUnsafe(ref q, 64);
        Avx2.UnpackHigh(hi01, hi23).AsByte().StoreUnsafe(ref q, 96);
    }

    /// <summary>Quads of 16 channels: vector k holds channels 4k.. and 8+4k...</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BuildBlock16(ref byte a, ref byte b, ref byte e, ref byte f, ref byte q)
    {
        var x0 = Vector128.LoadUnsafe(ref a);
        var x1 = Vector128.LoadUnsafe(ref b);
        var x2 = Vector128.LoadUnsafe(ref e);
        var x3 = Vector128.LoadUnsafe(ref f);
        var lo01 = Sse2.UnpackLow(x0, x1).AsUInt16();
        var hi01 = Sse2.UnpackHigh(x0, x1).AsUInt16();
        var lo23 = Sse2.UnpackLow(x2, x3).AsUInt16();
        var hi23 = Sse2.UnpackHigh(x2, x3).AsUInt16();
        Sse2.UnpackLow(lo01, lo23).AsByte().StoreUnsafe(ref q);        // channels 0-3
        Sse2.UnpackLow(hi01, hi23).AsByte().StoreUnsafe(ref q, 16);    // 8-11
        Sse2.UnpackHigh(lo01, lo23).AsByte().StoreUnsafe(ref q, 32);   // 4-7
        Sse2.UnpackHigh(hi01, hi23).AsByte().StoreUnsafe(ref q, 48);   // 12-15
    }

    /// <summary>Quads of 8 channels, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BuildBlock8(ref byte a, ref byte b, ref byte e, ref byte f, ref byte q)
    {
        var lo01 = Sse2.UnpackLow(Load8(ref a), Load8(ref b)).AsUInt16();
        var lo23 = Sse2.UnpackLow(Load8(ref e), Load8(ref f)).AsUInt16();
        Sse2.UnpackLow(lo01, lo23).AsByte().StoreUnsafe(ref q);
        Sse2.UnpackHigh(lo01, lo23).AsByte().StoreUnsafe(ref q, 16);
    }

    /// <summary>Picks the requantization form and the row count, as type arguments the JIT specializes on.</summary>
    private void Rows<TDot>(bool two, Span<byte> slots, Span<int> quadOffsets, Span<sbyte> outA, Span<sbyte> outB) where TDot : struct, IQuadDot
    {
        if (_requant.IsCompact)
        {
            if (two)
                Rows<TDot, CompactRequant, TwoRows>(slots, quadOffsets, outA, outB);
            else
                Rows<TDot, CompactRequant, OneRow>(slots, quadOffsets, outA, outB);
        }
        else if (two)
            Rows<TDot, GeneralRequant, TwoRows>(slots, quadOffsets, outA, outB);
        else
            Rows<TDot, GeneralRequant, OneRow>(slots, quadOffsets, outA, outB);
    }

    /// <summary>
    /// Computes one output row, or two (<typeparamref name="TRows"/>) from the same weights: row A's quads
    /// start at <paramref name="quadOffsets"/>[0..quads), row B's at [quads..2·quads). Pixel by pixel, block
    /// by block: a last block's surplus bytes land on the next pixel's first channels, which it rewrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rows<TDot, TReq, TRows>(Span<byte> slots, Span<int> quadOffsets, Span<sbyte> outA, Span<sbyte> outB)
        where TDot : struct, IQuadDot where TReq : struct, IRequantForm where TRows : struct, IRowCount
    {
        ref byte rows = ref MemoryMarshal.GetReference(slots);
        ref int offA = ref MemoryMarshal.GetReference(quadOffsets);
        ref int offB = ref Unsafe.Add(ref offA, _quads);
        ref byte weights = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(_bias);
        ref sbyte dstA = ref MemoryMarshal.GetReference(outA);
        ref sbyte dstB = ref MemoryMarshal.GetReference(outB);
        var requant = _requant;
        ref int operands = ref requant.Operands;
        int quads = _quads, depth = _depth, outW = _outShape.W, blocks32 = _blocks32, rowBytes = outW * depth;
        nint pixel = _positions * 4 * _groups, blockWeights = 4 * quads * TDot.UnitBytes;
        int share = _share, setBytes = _setBytes;
        int ox = 0;
        // A layer of at most 16 channels (one block of 8 or 16 per pixel) takes 4 or 2 pixels per call, in the
        // four accumulators a block of 32 would use: one call, one weight load per quad and one load of the
        // requantization operands serve them all. Pixel ox reads quad column ox / S with weight set ox mod S.
        if (blocks32 == 0 && _block8)
        {
            // ox is a multiple of 4, so of S: pixel i's quads are (i / S) columns on, its weights set i mod S.
            nint x1 = 1 / share * pixel, x2 = 2 / share * pixel, x3 = 3 / share * pixel;
            nint w1 = 1 % share * setBytes, w2 = 2 % share * setBytes, w3 = 3 % share * setBytes;
            for (; ox <= outW - 4; ox += 4)
                PixelsOutOfLine<TDot, TReq, TRows, One>(ref Unsafe.Add(ref rows, ox / share * pixel), x1, x2, x3, w1, w2, w3, ref offA, ref offB, quads,
                    ref weights, ref bias, ref operands, requant, ref Unsafe.Add(ref dstA, ox * depth), ref Unsafe.Add(ref dstB, ox * depth), depth, rowBytes - ox * depth);
        }
        else if (blocks32 == 0 && _block16)
        {
            // ox is even: with S ≥ 2 pixel ox + 1 shares ox's quad column and reads the next weight set.
            nint next = share == 1 ? pixel : 0, nextSet = share == 1 ? 0 : setBytes, unit = TDot.UnitBytes;
            for (; ox <= outW - 2; ox += 2)
                PixelsOutOfLine<TDot, TReq, TRows, Two>(ref Unsafe.Add(ref rows, ox / share * pixel), 32, next, next + 32, unit, nextSet, nextSet + unit,
                    ref offA, ref offB, quads, ref Unsafe.Add(ref weights, ox % share * setBytes), ref bias, ref operands, requant,
                    ref Unsafe.Add(ref dstA, ox * depth), ref Unsafe.Add(ref dstB, ox * depth), depth, rowBytes - ox * depth);
        }
        for (; ox < outW; ox++)
        {
            // Per block, the refs move on: quads by 32·4 bytes, weights by a block's units, outputs by 32.
            ref byte x = ref Unsafe.Add(ref rows, ox / share * pixel);
            ref byte w = ref Unsafe.Add(ref weights, ox % share * setBytes);
            ref int b = ref bias;
            ref int o = ref operands;
            ref sbyte ya = ref Unsafe.Add(ref dstA, ox * depth);
            ref sbyte yb = ref Unsafe.Add(ref dstB, ox * depth);
            int room = rowBytes - ox * depth;
            for (int block = 0; block < blocks32; block++)
            {
                BlockOutOfLine<TDot, TReq, TRows, Four>(ref x, ref offA, ref offB, quads, ref w, ref b, ref o, requant, ref ya, ref yb, room);
                x = ref Unsafe.Add(ref x, 4 * 32);
                w = ref Unsafe.Add(ref w, blockWeights);
                b = ref Unsafe.Add(ref b, 32);
                o = ref Unsafe.Add(ref o, RequantizeInt8X86.OperandsAt(32));
                ya = ref Unsafe.Add(ref ya, 32);
                yb = ref Unsafe.Add(ref yb, 32);
                room -= 32;
            }
            if (_block16)
                BlockOutOfLine<TDot, TReq, TRows, Two>(ref x, ref offA, ref offB, quads, ref w, ref b, ref o, requant, ref ya, ref yb, room);
            else if (_block8)
                BlockOutOfLine<TDot, TReq, TRows, One>(ref x, ref offA, ref offB, quads, ref w, ref b, ref o, requant, ref ya, ref yb, room);
        }
    }

    /// <summary><see cref="Block{TDot, TReq, TRows, TWidth}"/> as a method of its own.</summary>
    // The JIT's inlining budget is per method: with every block width inlined into the row loop it stopped inlining
    // the packs and stores (a call per block, 10% of the layer). A call per block costs less. Compiled at once with
    // full optimization, without tiered PGO: every layer shares it, and a profile of one layer's shape (say, only
    // blocks of 32) once laid it out so that another layer's last blocks ran 2x slower.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockOutOfLine<TDot, TReq, TRows, TWidth>(ref byte x, ref int offA, ref int offB, int quads,
        ref byte w, ref int bias, ref int operands, RequantizeInt8X86 requant, ref sbyte yA, ref sbyte yB, int room)
        where TDot : struct, IQuadDot where TReq : struct, IRequantForm where TRows : struct, IRowCount where TWidth : struct, IBlockWidth =>
        Block<TDot, TReq, TRows, TWidth>(ref x, ref offA, ref offB, quads, ref w, ref bias, ref operands, requant, ref yA, ref yB, room);

    /// <summary>
    /// The only block (of <typeparamref name="TWidth"/> = 1 or 2 quad vectors) of 4 / <typeparamref name="TWidth"/>
    /// consecutive pixels, for one or two rows: accumulator vector v belongs to pixel v / W and holds that pixel's
    /// vector v mod W; its quads are at <paramref name="x"/> + xv and its weights at <paramref name="w"/> + wv (x0 = w0
    /// = 0), which says both where its pixel's quad column is and which weight set that pixel reads. Outputs
    /// are stored pixel by pixel in order, <paramref name="depth"/> bytes apart, so that a pixel's surplus bytes are
    /// rewritten by the next.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PixelsOutOfLine<TDot, TReq, TRows, TWidth>(ref byte x, nint x1, nint x2, nint x3,
        nint w1, nint w2, nint w3, ref int offA, ref int offB, int quads,
        ref byte w, ref int bias, ref int operands, RequantizeInt8X86 requant, ref sbyte yA, ref sbyte yB, int depth, int room)
        where TDot : struct, IQuadDot where TReq : struct, IRequantForm where TRows : struct, IRowCount where TWidth : struct, IBlockWidth
    {
        int width = TWidth.Vectors;
        nint unit = TDot.UnitBytes;
        // Vector v reads its quads at x + xv and its weights at w + wv (+ the quad's units), bias and operands of lanes 8·(v mod W).
        var bias0 = Vector256.LoadUnsafe(ref bias);
        var bias1 = width == 1 ? bias0 : Vector256.LoadUnsafe(ref bias, 8);
        Vector256<int> a0 = bias0, a1 = bias1, a2 = bias0, a3 = bias1;
        Vector256<int> b0 = bias0, b1 = bias1, b2 = bias0, b3 = bias1;
        for (int q = 0; q < quads; q++)
        {
            ref byte wq = ref Unsafe.Add(ref w, q * width * unit);
            ref byte xa = ref Unsafe.Add(ref x, Unsafe.Add(ref offA, q));
            a0 = TDot.Dot(a0, Vector256.LoadUnsafe(ref xa), ref wq);
            a1 = TDot.Dot(a1, Vector256.LoadUnsafe(ref Unsafe.Add(ref xa, x1)), ref Unsafe.Add(ref wq, w1));
            a2 = TDot.Dot(a2, Vector256.LoadUnsafe(ref Unsafe.Add(ref xa, x2)), ref Unsafe.Add(ref wq, w2));
            a3 = TDot.Dot(a3, Vector256.LoadUnsafe(ref Unsafe.Add(ref xa, x3)), ref Unsafe.Add(ref wq, w3));
            if (TRows.Two)
            {
                ref byte xb = ref Unsafe.Add(ref x, Unsafe.Add(ref offB, q));
                b0 = TDot.Dot(b0, Vector256.LoadUnsafe(ref xb), ref wq);
                b1 = TDot.Dot(b1, Vector256.LoadUnsafe(ref Unsafe.Add(ref xb, x1)), ref Unsafe.Add(ref wq, w1));
                b2 = TDot.Dot(b2, Vector256.LoadUnsafe(ref Unsafe.Add(ref xb, x2)), ref Unsafe.Add(ref wq, w2));
                b3 = TDot.Dot(b3, Vector256.LoadUnsafe(ref Unsafe.Add(ref xb, x3)), ref Unsafe.Add(ref wq, w3));
            }
        }
        ref int operands1 = ref width == 1 ? ref operands : ref Unsafe.Add(ref operands, RequantizeInt8X86.OperandsAt(8));
        Requantize<TReq, TRows>(requant, ref a0, ref b0, ref operands);
        Requantize<TReq, TRows>(requant, ref a1, ref b1, ref operands1);
        Requantize<TReq, TRows>(requant, ref a2, ref b2, ref operands);
        Requantize<TReq, TRows>(requant, ref a3, ref b3, ref operands1);
        // Both rows narrowed before any store, and the row's end handled out of line: no vector is live across a
        // call on the common path (the ABI keeps none in registers across one, so the JIT spilled all eight).
        var bytesA = NarrowPixels<TWidth>(requant, a0, a1, a2, a3);
        var bytesB = TRows.Two ? NarrowPixels<TWidth>(requant, b0, b1, b2, b3) : default;
        int pixelBytes = 8 * width, last = (4 / width - 1) * depth;
        if (room - last >= pixelBytes)
        {
            StorePixels<TWidth>(bytesA, ref yA, depth);
            if (TRows.Two)
                StorePixels<TWidth>(bytesB, ref yB, depth);
            return;
        }
        StoreNearRowEnd(bytesA, ref yA, depth, room, 4 / width, pixelBytes);
        if (TRows.Two)
            StoreNearRowEnd(bytesB, ref yB, depth, room, 4 / width, pixelBytes);
    }

    /// <summary>
    /// One row's results of <see cref="PixelsOutOfLine"/>, narrowed, clamped and put in pixel order: 4 pixels of 8
    /// bytes (<typeparamref name="TWidth"/> = 1) or 2 of 16. <see cref="RequantizeInt8X86.Pack32"/> leaves the
    /// dwords as r0.lane0, r1.lane0, r2.lane0, r3.lane0, then the lanes 1 (4 values each); one <c>vpermd</c> orders them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> NarrowPixels<TWidth>(RequantizeInt8X86 requant, Vector256<int> r0, Vector256<int> r1, Vector256<int> r2, Vector256<int> r3)
        where TWidth : struct, IBlockWidth
    {
        var order = TWidth.Vectors == 1 ? Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7) : Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7);
        return Avx2.PermuteVar8x32(requant.Pack32(r0, r1, r2, r3).AsInt32(), order).AsSByte();
    }

    /// <summary>
    /// Stores <see cref="NarrowPixels"/>' bytes: 4 pixels of 8 (<typeparamref name="TWidth"/> = 1) or 2 of 16,
    /// <paramref name="depth"/> bytes apart, in pixel order (each pixel's surplus is rewritten by the next), all of
    /// them before the row's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixels<TWidth>(Vector256<sbyte> bytes, ref sbyte y, int depth) where TWidth : struct, IBlockWidth
    {
        if (TWidth.Vectors == 1)
        {
            var (lower, upper) = (bytes.GetLower().AsUInt64(), bytes.GetUpper().AsUInt64());
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref y), lower.ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref y, depth)), lower.GetElement(1));
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref y, 2 * depth)), upper.ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref y, 3 * depth)), upper.GetElement(1));
            return;
        }
        bytes.GetLower().StoreUnsafe(ref y);
        bytes.GetUpper().StoreUnsafe(ref Unsafe.Add(ref y, depth));
    }

    /// <summary>
    /// Stores near the row's end, <paramref name="room"/> bytes before it: each of the <paramref name="pixels"/> pixels
    /// (<paramref name="depth"/> bytes apart; one block is one pixel) stores its <paramref name="pixelBytes"/> bytes of
    /// <paramref name="bytes"/>, or only the row's own.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreNearRowEnd(Vector256<sbyte> bytes, ref sbyte y, int depth, int room, int pixels, int pixelBytes)
    {
        for (int p = 0; p < pixels; p++)
        {
            int count = Math.Min(pixelBytes, room - p * depth);
            for (int i = 0; i < count; i++)
                Unsafe.Add(ref y, p * depth + i) = bytes.GetElement(p * pixelBytes + i);
        }
    }

    /// <summary>
    /// One block of <typeparamref name="TWidth"/> quad vectors of one pixel, for one or two rows: accumulate
    /// every quad (at <paramref name="x"/> + each row's quad offsets, weights at <paramref name="w"/>, bias at
    /// <paramref name="bias"/>), requantize on 256 bits (operands at <paramref name="operands"/>), store at
    /// <paramref name="yA"/> (and <paramref name="yB"/>), <paramref name="room"/> bytes before the rows' end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TDot, TReq, TRows, TWidth>(ref byte x, ref int offA, ref int offB, int quads,
        ref byte w, ref int bias, ref int operands, RequantizeInt8X86 requant, ref sbyte yA, ref sbyte yB, int room)
        where TDot : struct, IQuadDot where TReq : struct, IRequantForm where TRows : struct, IRowCount where TWidth : struct, IBlockWidth
    {
        int width = TWidth.Vectors;
        Accumulate<TDot, TRows, TWidth>(ref x, ref offA, ref offB, quads, ref w, ref bias,
            out var a0, out var a1, out var a2, out var a3, out var b0, out var b1, out var b2, out var b3);
        Requantize<TReq, TRows>(requant, ref a0, ref b0, ref operands);
        if (width > 1)
            Requantize<TReq, TRows>(requant, ref a1, ref b1, ref Unsafe.Add(ref operands, RequantizeInt8X86.OperandsAt(8)));
        if (width > 2)
        {
            Requantize<TReq, TRows>(requant, ref a2, ref b2, ref Unsafe.Add(ref operands, RequantizeInt8X86.OperandsAt(16)));
            Requantize<TReq, TRows>(requant, ref a3, ref b3, ref Unsafe.Add(ref operands, RequantizeInt8X86.OperandsAt(24)));
        }
        // As in PixelsOutOfLine: both rows narrowed first, the row's end out of line, so no call on the common path.
        var bytesA = Narrow<TWidth>(requant, a0, a1, a2, a3);
        var bytesB = TRows.Two ? Narrow<TWidth>(requant, b0, b1, b2, b3) : default;
        if (room >= 8 * width)
        {
            Store<TWidth>(bytesA, ref yA);
            if (TRows.Two)
                Store<TWidth>(bytesB, ref yB);
            return;
        }
        StoreNearRowEnd(bytesA, ref yA, 0, room, 1, 8 * width);
        if (TRows.Two)
            StoreNearRowEnd(bytesB, ref yB, 0, room, 1, 8 * width);
    }

    /// <summary>
    /// The accumulators of a block of <typeparamref name="TWidth"/> vectors whose quads are at
    /// <paramref name="x"/> + each row's quad offsets: the folded bias plus every quad times its weights
    /// (at <paramref name="w"/>, quad-major), for row A (<c>a</c>) and, with two rows, row B (<c>b</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TDot, TRows, TWidth>(ref byte x, ref int offA, ref int offB, int quads, ref byte w, ref int bias,
        out Vector256<int> a0, out Vector256<int> a1, out Vector256<int> a2, out Vector256<int> a3,
        out Vector256<int> b0, out Vector256<int> b1, out Vector256<int> b2, out Vector256<int> b3)
        where TDot : struct, IQuadDot where TRows : struct, IRowCount where TWidth : struct, IBlockWidth
    {
        int width = TWidth.Vectors;
        nint unit = TDot.UnitBytes;
        a0 = Vector256.LoadUnsafe(ref bias);
        a1 = width > 1 ? Vector256.LoadUnsafe(ref bias, 8) : default;
        a2 = width > 2 ? Vector256.LoadUnsafe(ref bias, 16) : default;
        a3 = width > 2 ? Vector256.LoadUnsafe(ref bias, 24) : default;
        (b0, b1, b2, b3) = (a0, a1, a2, a3);
        for (int q = 0; q < quads; q++)
        {
            ref byte wq = ref Unsafe.Add(ref w, q * width * unit);
            ref byte xa = ref Unsafe.Add(ref x, Unsafe.Add(ref offA, q));
            a0 = TDot.Dot(a0, Vector256.LoadUnsafe(ref xa), ref wq);
            if (width > 1)
                a1 = TDot.Dot(a1, Vector256.LoadUnsafe(ref xa, 32), ref Unsafe.Add(ref wq, unit));
            if (width > 2)
            {
                a2 = TDot.Dot(a2, Vector256.LoadUnsafe(ref xa, 64), ref Unsafe.Add(ref wq, 2 * unit));
                a3 = TDot.Dot(a3, Vector256.LoadUnsafe(ref xa, 96), ref Unsafe.Add(ref wq, 3 * unit));
            }
            if (TRows.Two)
            {
                ref byte xb = ref Unsafe.Add(ref x, Unsafe.Add(ref offB, q));
                b0 = TDot.Dot(b0, Vector256.LoadUnsafe(ref xb), ref wq);
                if (width > 1)
                    b1 = TDot.Dot(b1, Vector256.LoadUnsafe(ref xb, 32), ref Unsafe.Add(ref wq, unit));
                if (width > 2)
                {
                    b2 = TDot.Dot(b2, Vector256.LoadUnsafe(ref xb, 64), ref Unsafe.Add(ref wq, 2 * unit));
                    b3 = TDot.Dot(b3, Vector256.LoadUnsafe(ref xb, 96), ref Unsafe.Add(ref wq, 3 * unit));
                }
            }
        }
    }

    /// <summary>Requantizes one vector of positions for one row, or the same positions of two rows with their operands loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Requantize<TReq, TRows>(RequantizeInt8X86 requant, ref Vector256<int> a, ref Vector256<int> b, ref int operands)
        where TReq : struct, IRequantForm where TRows : struct, IRowCount
    {
        if (TRows.Two)
            TReq.Apply(requant, ref a, ref b, ref operands);
        else
            a = TReq.Apply(requant, a, ref operands);
    }

    /// <summary>A block's results narrowed, clamped and in channel order: its first 8·<typeparamref name="TWidth"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Narrow<TWidth>(RequantizeInt8X86 requant, Vector256<int> r0, Vector256<int> r1, Vector256<int> r2, Vector256<int> r3)
        where TWidth : struct, IBlockWidth =>
        TWidth.Vectors == 4 ? requant.Pack32(r0, r1, r2, r3) :
        TWidth.Vectors == 2 ? requant.Pack16(r0, r1).ToVector256Unsafe() : requant.Pack8(r0).ToVector256Unsafe();

    /// <summary>
    /// Stores a block's <see cref="Narrow"/>ed bytes, all of them: results past the depth land on the following
    /// pixels' first channels, which are computed later and rewrite them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TWidth>(Vector256<sbyte> bytes, ref sbyte y) where TWidth : struct, IBlockWidth
    {
        if (TWidth.Vectors == 4)
            bytes.StoreUnsafe(ref y);
        else if (TWidth.Vectors == 2)
            bytes.GetLower().StoreUnsafe(ref y);
        else
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref y), bytes.AsUInt64().ToScalar());
    }

    /// <summary>8 bytes in the lower half of a vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Load8(ref byte x) => Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref x)).AsByte();

    /// <summary>acc + Σ over a quad vector's 4 taps of u·f, per int32 lane; <c>w</c> is one weight unit.</summary>
    private interface IQuadDot
    {
        static abstract int UnitBytes { get; }

        static abstract Vector256<int> Dot(Vector256<int> acc, Vector256<byte> x, ref byte w);
    }

    /// <summary>AVX-VNNI <c>vpdpbusd</c>: unsigned quad bytes times signed weights, 4 products added to each lane.</summary>
    private struct VnniDot : IQuadDot
    {
        public static int UnitBytes => 32;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<int> acc, Vector256<byte> x, ref byte w) =>
            AvxVnni.MultiplyWideningAndAdd(acc, x, Vector256.LoadUnsafe(ref w).AsSByte());
    }

    /// <summary>AVX2: even bytes (taps 0, 2) and odd bytes (taps 1, 3) as int16, each <c>vpmaddwd</c> by its (f, f') int16 pairs.</summary>
    private struct Avx2Dot : IQuadDot
    {
        public static int UnitBytes => 64;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<int> acc, Vector256<byte> x, ref byte w)
        {
            var even = x.AsInt16() & Vector256.Create((short)0xFF);
            var odd = Avx2.ShiftRightLogical(x.AsInt16(), 8);
            return acc + Avx2.MultiplyAddAdjacent(even, Vector256.LoadUnsafe(ref w).AsInt16())
                + Avx2.MultiplyAddAdjacent(odd, Vector256.LoadUnsafe(ref w, 32).AsInt16());
        }
    }

    /// <summary>Which form of <see cref="RequantizeInt8X86"/> runs (see its remarks).</summary>
    private interface IRequantForm
    {
        static abstract Vector256<int> Apply(RequantizeInt8X86 requant, Vector256<int> acc, ref int operands);

        static abstract void Apply(RequantizeInt8X86 requant, ref Vector256<int> a, ref Vector256<int> b, ref int operands);
    }

    private struct CompactRequant : IRequantForm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(RequantizeInt8X86 requant, Vector256<int> acc, ref int operands) =>
            RequantizeInt8X86.ApplyCompact(acc, ref operands);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(RequantizeInt8X86 requant, ref Vector256<int> a, ref Vector256<int> b, ref int operands) =>
            RequantizeInt8X86.ApplyCompact(ref a, ref b, ref operands);
    }

    private struct GeneralRequant : IRequantForm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(RequantizeInt8X86 requant, Vector256<int> acc, ref int operands) =>
            requant.ApplyGeneral(acc, ref operands);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(RequantizeInt8X86 requant, ref Vector256<int> a, ref Vector256<int> b, ref int operands) =>
            requant.ApplyGeneral(ref a, ref b, ref operands);
    }

    /// <summary>How many output rows one pass computes.</summary>
    private interface IRowCount
    {
        static abstract bool Two { get; }
    }

    private struct OneRow : IRowCount
    {
        public static bool Two => false;
    }

    private struct TwoRows : IRowCount
    {
        public static bool Two => true;
    }

    /// <summary>Quad vectors in a channel block: 4 (32 channels), 2 or 1.</summary>
    private interface IBlockWidth
    {
        static abstract int Vectors { get; }
    }

    private struct Four : IBlockWidth
    {
        public static int Vectors => 4;
    }

    private struct Two : IBlockWidth
    {
        public static int Vectors => 2;
    }

    private struct One : IBlockWidth
    {
        public static int Vectors => 1;
    }
}
