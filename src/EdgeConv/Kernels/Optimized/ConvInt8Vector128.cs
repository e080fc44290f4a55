using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 CONV_2D for any filter size, stride, dilation, padding and group count (NHWC input, OHWI filter),
/// as im2col per output row followed by <see cref="GemmInt8Vector128"/>, written with the cross-platform
/// <see cref="Vector128"/> API only. Byte for byte the same as <see cref="Reference.Conv2DInt8Reference"/>
/// wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para><b>im2col with the zero point for padding.</b> For one output row (one image, one output y) and
/// one group, the caller's scratch receives, per output x, the receptive field in the filter's own order
/// (ky, kx, input channel of the group): K = kh·kw·Cin/groups values, then up to 7 more to reach Kp, a
/// multiple of 8. A tap outside the image gets the input zero point <c>z = −inOff</c>. The weights are
/// packed at load as int16 rows of Kp (zeros after K) and the bias folded,
/// <c>bias' = bias + inOff·Σ_{all t} f_t</c>; then
/// <c>bias' + Σ_in f·x + Σ_out f·z = bias + Σ_in f·(x + inOff) + Σ_out f·(z + inOff) = bias + Σ_in f·(x + inOff)</c>,
/// which is what the reference computes (it skips the outside taps). The arithmetic is modulo 2^32
/// on both sides, so even a wrapping accumulator agrees. It needs z to be an int8 (inOff in
/// [−127, 128]). For the portable GEMM the values after K in a scratch row are never written: their
/// weights are 0, so whatever they hold contributes 0 and the int16 pair sums stay within bounds. The
/// dot-product GEMM reads up to K rounded to 4; those few bytes are left as they are too, for the same reason.</para>
/// <para><b>Copies.</b> With one group and dilation 1 the kw taps of one filter row are adjacent in the
/// input, so a window wholly inside the image copies kw·Cin bytes at once; otherwise each tap copies
/// its Cin/groups bytes or fills them with z. Filter rows of 8 to 32 bytes, for the output columns whose
/// windows lie inside the image's width (computed at load), are copied in a loop of their own, filter row
/// outer. For the x86 GEMM every byte is written flipped (x + 128, XOR 0x80), so that it reads the rows in
/// place (<see cref="GemmInt8Tile4x16.RunFlipped"/>).</para>
/// <para><b>The 4×16 GEMM.</b> With one group, on x86 with AVX-VNNI and on ARM64 (SDOT, else SMLAL by
/// element), the GEMM is <see cref="GemmInt8Tile4x16"/> (4 rows × 16 columns), chosen once in the
/// constructor; <see cref="Path"/> says which runs. It reads only the first K values of each scratch row,
/// so the same im2col serves both.</para>
/// <para>Limits: filter [Cout, kh, kw, Cin/groups] with groups dividing Cin and Cout; filter zero point 0;
/// weights in [−127, 127]; shifts in [−31, 30]. <see cref="Run(ReadOnlySpan{sbyte}, Shape4, Span{sbyte}, Shape4, Span{byte}, int, int)"/>
/// allocates nothing; an instance is immutable after load and may run on several threads at once, each with
/// its own scratch of <see cref="ScratchBytes"/> bytes.</para>
/// </remarks>
public sealed class ConvInt8Vector128
{
    private readonly ConvGeometry _g;
    private readonly Shape4 _inShape, _filterShape, _outShape;
    private readonly int _groups, _groupDepth, _groupOutputs, _k, _kp;
    private readonly short[] _filter = [];   // [Cout][Kp], widened, zeros after K (portable GEMM only)
    private readonly int[] _bias = [];       // folded, see remarks (portable GEMM only)
    private readonly RequantizeInt8Vector128? _requant;   // the portable GEMM's; the dot-product GEMM has its own
    private readonly sbyte _zeroPoint;
    private readonly GemmInt8Tile4x16? _dot;
    private readonly int _insideFrom, _insideTo;   // output columns whose windows lie inside the image's width
    private readonly byte _flip;        // 0x80 where im2col writes x + 128 for the x86 GEMM (GemmInt8Tile4x16.RunFlipped), else 0
    private readonly int _dotDepth;     // K rounded up to 4 for the dot-product GEMM (whatever im2col leaves after K meets zero weights), else K

    /// <summary>The GEMM this instance runs: <c>AvxVnni</c>, <c>ArmDp</c>, <c>ArmNeon</c> (<see cref="GemmInt8Tile4x16"/>) or <c>Vector128</c>.</summary>
    public string Path => _dot is not null ? _dot.Isa.ToString() : "Vector128";

    /// <summary>Whether the kernel computes this convolution (see the limits in the remarks).</summary>
    public static bool IsApplicable(ConvGeometry g, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, Shape4 outShape)
    {
        ArgumentNullException.ThrowIfNull(q);
        return filterShape.N >= 1 && filterShape.H >= 1 && filterShape.W >= 1 && filterShape.C >= 1
            && inShape.C % filterShape.C == 0 && filterShape.N == outShape.C && outShape.C % (inShape.C / filterShape.C) == 0
            && outShape.N == inShape.N && outShape.H >= 1 && outShape.W >= 1
            && g.StrideH >= 1 && g.StrideW >= 1 && g.DilationH >= 1 && g.DilationW >= 1 && g.PadTop >= 0 && g.PadLeft >= 0
            && q.FilterOffset == 0 && q.InputOffset is >= -127 and <= 128
            && filter.Length == filterShape.FlatSize && filter.IndexOf(sbyte.MinValue) < 0
            && RequantizeInt8Vector128.IsApplicable(q, filterShape.N)
            && (long)outShape.W * PaddedDepth(filterShape) <= int.MaxValue;
    }

    /// <summary>Kp: the receptive field kh·kw·(Cin/groups) rounded up to a multiple of 8.</summary>
    private static long PaddedDepth(Shape4 filterShape) => ((long)filterShape.H * filterShape.W * filterShape.C + 7) & ~7L;

    /// <summary>
    /// Bytes of scratch a run needs for a filter of <paramref name="filterShape"/> and an output of
    /// <paramref name="outShape"/>: one im2col row, output width × Kp. Its contents need not survive between runs.
    /// </summary>
    public static int ScratchBytes(Shape4 filterShape, Shape4 outShape) => checked((int)(outShape.W * PaddedDepth(filterShape)));

    /// <summary>
    /// Packs the weights and folds the input zero point into the bias. <paramref name="bias"/> may be empty.
    /// Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.
    /// </summary>
    public ConvInt8Vector128(ConvGeometry g, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias, Shape4 outShape)
        : this(g, q, inShape, filter, filterShape, bias, outShape, GemmInt8Tile4x16.Best)
    {
    }

    /// <summary>
    /// As the public constructor, with the <see cref="GemmInt8Tile4x16"/> micro-kernel to run with one group
    /// (<paramref name="tile"/>; null keeps the portable GEMM): tests run each one this CPU has.
    /// </summary>
    internal ConvInt8Vector128(ConvGeometry g, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias, Shape4 outShape, GemmInt8Tile4x16Isa? tile)
    {
        if (!IsApplicable(g, q, inShape, filter, filterShape, outShape))
            throw new ArgumentException($"Conv {filterShape} over {inShape} -> {outShape} is outside this kernel's limits " +
                "(filter [Cout,kh,kw,Cin/groups], filter offset 0, weights in [-127,127], shifts in [-31,30]).", nameof(filter));
        if (!bias.IsEmpty && bias.Length != outShape.C)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {outShape.C}.", nameof(bias));
        _g = g;
        _inShape = inShape;
        _filterShape = filterShape;
        _outShape = outShape;
        _groupDepth = filterShape.C;
        _groups = inShape.C / _groupDepth;
        _groupOutputs = outShape.C / _groups;
        _k = filterShape.H * filterShape.W * _groupDepth;
        _kp = (int)PaddedDepth(filterShape);
        _zeroPoint = (sbyte)(-q.InputOffset);
        (_insideFrom, _insideTo) = InsideColumns(g, inShape.W, filterShape.W, outShape.W);
        _dotDepth = _k;
        if (_groups == 1 && tile is { } isa && ((_k + 3) & ~3) <= GemmInt8Tile4x16.MaxDepth)
        {
            // K padded to whole groups of 4 (zero weights, so the activation bytes there do not matter): the
            // GEMM then needs no tail step, which for the 3x3x3 stem (K = 27) was a second tile call.
            _dotDepth = (_k + 3) & ~3;
            var padded = new sbyte[outShape.C * _dotDepth];
            for (int oc = 0; oc < outShape.C; oc++)
                filter.Slice(oc * _k, _k).CopyTo(padded.AsSpan(oc * _dotDepth));
            _dot = new GemmInt8Tile4x16(padded, outShape.C, _dotDepth, bias, q, isa);
            _flip = _dot.TakesFlippedRows ? (byte)0x80 : (byte)0;
            return;
        }
        _requant = new RequantizeInt8Vector128(q, outShape.C);
        (_filter, _bias) = GemmInt8Vector128.Pack(filter, outShape.C, _k, _kp, bias, q.InputOffset);
    }

    /// <summary>The output columns [from, to) whose windows start at or after the image's first column and end before its last.</summary>
    private static (int From, int To) InsideColumns(ConvGeometry g, int inW, int kw, int outW)
    {
        long from = ((long)g.PadLeft + g.StrideW - 1) / g.StrideW;
        long reach = (long)inW - 1 - (long)(kw - 1) * g.DilationW + g.PadLeft;   // ox·stride may be at most this
        long to = reach < 0 ? 0 : reach / g.StrideW + 1;
        from = Math.Min(from, outW);
        return ((int)from, (int)Math.Clamp(to, from, outW));
    }

    /// <summary>Runs the whole convolution (every output row); see the row-range overload.</summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, Span<byte> scratch)
        => Run(input, inShape, output, outShape, scratch, 0, outShape.N * outShape.H);

    /// <summary>
    /// Computes output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), a row being one (batch,
    /// output y) pair: NHWC <paramref name="input"/> to NHWC <paramref name="output"/>, using
    /// <paramref name="scratch"/> (at least <see cref="ScratchBytes"/>; the caller's, so one prepared kernel serves
    /// any number of threads, each with its own scratch). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, Span<byte> scratch,
        int rowStart, int rowEnd)
    {
        int need = ScratchBytes(_filterShape, _outShape);
        WindowRunArguments.Check(inShape, outShape, _inShape, _outShape, input.Length, output.Length, scratch.Length, need, rowStart, rowEnd);

        var columns = MemoryMarshal.Cast<byte, sbyte>(scratch[..need]);
        ref sbyte cols = ref MemoryMarshal.GetReference(columns);
        ref sbyte outRef = ref MemoryMarshal.GetReference(output);
        int outW = outShape.W, cout = outShape.C;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            ref sbyte outRow = ref Unsafe.Add(ref outRef, row * outW * cout);
            if (_dot is not null)
            {
                Im2Col(input, b, oy, 0, columns);
                if (_flip != 0)
                    _dot.RunFlipped(ref cols, _kp, outW, ref outRow, cout);
                else
                    _dot.Run(ref cols, _kp, outW, ref outRow, cout);
                continue;
            }
            for (int group = 0; group < _groups; group++)
            {
                Im2Col(input, b, oy, group, columns);
                int oc0 = group * _groupOutputs;
                GemmInt8Vector128.Run(ref cols, _kp, outW, _kp,
                    ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_filter), oc0 * _kp), _groupOutputs,
                    ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bias), oc0),
                    _requant!, oc0, ref Unsafe.Add(ref outRow, oc0), cout);
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="from"/> into <paramref name="to"/> (at least as long). The stem's runs are a few
    /// bytes (3×3 taps of 3 channels: 9), where a general copy costs more in its call than in its bytes:
    /// runs of 8 to 32 move as overlapping 8-byte words, reading and writing only inside both spans.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopySmall(ReadOnlySpan<sbyte> from, Span<sbyte> to)
    {
        int n = from.Length;
        if (n is < 8 or > 32 || to.Length < n)
        {
            from.CopyTo(to);
            return;
        }
        CopyRun(ref MemoryMarshal.GetReference(from), ref MemoryMarshal.GetReference(to), n);
    }

    /// <summary><paramref name="n"/> (8 to 32) bytes as overlapping 8-byte words; the caller guarantees both extents.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(ref sbyte from, ref sbyte to, int n)
    {
        ref byte src = ref Unsafe.As<sbyte, byte>(ref from);
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref to);
        for (int i = 0; i < n - 8; i += 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, i)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, n - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, n - 8)));
    }

    /// <summary>The receptive fields of one output row and one group, one Kp-long row per output x (see remarks).</summary>
    private void Im2Col(ReadOnlySpan<sbyte> input, int b, int oy, int group, Span<sbyte> columns)
    {
        int inH = _inShape.H, inW = _inShape.W, inC = _inShape.C, kw = _filterShape.W;
        int dilW = _g.DilationW, tapRun = kw * _groupDepth;
        bool contiguous = _groups == 1 && dilW == 1;
        int iy0 = oy * _g.StrideH - _g.PadTop;
        var image = input.Slice(b * inH * inW * inC, inH * inW * inC);
        // The windows wholly inside the image's width, for the stem's case (one group, undilated filter rows of 8
        // to 32 bytes): filter row by filter row, in a loop of its own. The bytes between K and the GEMM's depth
        // are left as they are: their weights are zero. For the x86 GEMM every value is written flipped (x + 128).
        int from = _outShape.W, to = _outShape.W;
        if (contiguous && tapRun is >= 8 and <= 32 && _insideFrom < _insideTo)
        {
            (from, to) = (_insideFrom, _insideTo);
            CopyInsideWindows(ref MemoryMarshal.GetReference(image), iy0, ref MemoryMarshal.GetReference(columns));
        }
        for (int ox = 0; ox < _outShape.W; ox++)
        {
            if (ox == from)
            {
                ox = to - 1;
                continue;
            }
            int ix0 = ox * _g.StrideW - _g.PadLeft;
            bool inside = ix0 >= 0 && ix0 + (kw - 1) * dilW < inW;
            var dst = columns.Slice(ox * _kp, _k);
            PixelTaps(image, iy0, ix0, inside, contiguous, group, dst);
            if (_flip != 0)
                FlipInPlace(dst);
        }
    }

    /// <summary>One output pixel's receptive field, tap row by tap row, the zero point outside the image.</summary>
    private void PixelTaps(ReadOnlySpan<sbyte> image, int iy0, int ix0, bool inside, bool contiguous, int group, Span<sbyte> dst)
    {
        int inH = _inShape.H, inW = _inShape.W, inC = _inShape.C, kh = _filterShape.H, kw = _filterShape.W;
        int depth = _groupDepth, dilW = _g.DilationW, tapRun = kw * depth;
        for (int ky = 0; ky < kh; ky++)
        {
            var taps = dst.Slice(ky * tapRun, tapRun);
            int iy = iy0 + ky * _g.DilationH;
            if ((uint)iy >= (uint)inH)
            {
                taps.Fill(_zeroPoint);
                continue;
            }
            int rowBase = iy * inW * inC + group * depth;
            if (contiguous && inside)
            {
                CopySmall(image.Slice(rowBase + ix0 * inC, tapRun), taps);
                continue;
            }
            for (int kx = 0; kx < kw; kx++)
            {
                int ix = ix0 + kx * dilW;
                var tap = taps.Slice(kx * depth, depth);
                if ((uint)ix < (uint)inW)
                    CopySmall(image.Slice(rowBase + ix * inC, depth), tap);
                else
                    tap.Fill(_zeroPoint);
            }
        }
    }

    /// <summary>Each byte XOR 0x80 (x → x + 128 as an unsigned byte), for the x86 GEMM's pre-flipped rows.</summary>
    private static void FlipInPlace(Span<sbyte> bytes)
    {
        var data = MemoryMarshal.AsBytes(bytes);
        ref byte b = ref MemoryMarshal.GetReference(data);
        int i = 0;
        for (; i <= data.Length - 16; i += 16)
            (Vector128.LoadUnsafe(ref b, (nuint)i) ^ Vector128.Create((byte)0x80)).StoreUnsafe(ref b, (nuint)i);
        for (; i < data.Length; i++)
            Unsafe.Add(ref b, i) ^= 0x80;
    }

    /// <summary>
    /// The receptive fields of output columns [<see cref="_insideFrom"/>, <see cref="_insideTo"/>) of one output row
    /// (first input row <paramref name="iy0"/>), whose windows lie inside the image's width: one filter row of
    /// 8 to 32 bytes at a time for all of them, as two overlapping words or vectors, or the zero point for a row
    /// above or below the image. Every value is a local, so the loop keeps them in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void CopyInsideWindows(ref sbyte image, int iy0, ref sbyte columns)
    {
        int inH = _inShape.H, inW = _inShape.W, inC = _inShape.C, kh = _filterShape.H, dilH = _g.DilationH;
        int tapRun = _filterShape.W * _groupDepth, count = _insideTo - _insideFrom;
        nint kp = _kp, step = (nint)_g.StrideW * inC;
        ref byte dst0 = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref columns, (nint)_insideFrom * kp));
        byte zeroPoint = (byte)((byte)_zeroPoint ^ _flip);
        ulong flip8 = _flip * 0x0101_0101_0101_0101UL;
        var flip16 = Vector128.Create(_flip);
        for (int ky = 0; ky < kh; ky++)
        {
            int iy = iy0 + ky * dilH;
            ref byte dst = ref Unsafe.Add(ref dst0, ky * tapRun);
            if ((uint)iy >= (uint)inH)
            {
                for (int i = 0; i < count; i++, dst = ref Unsafe.Add(ref dst, kp))
                    Unsafe.InitBlockUnaligned(ref dst, zeroPoint, (uint)tapRun);
                continue;
            }
            ref byte src = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref image, ((nint)iy * inW + (nint)_insideFrom * _g.StrideW - _g.PadLeft) * inC));
            nint last = tapRun <= 16 ? tapRun - 8 : tapRun - 16;
            if (tapRun <= 16)
            {
                for (int i = 0; i < count; i++, src = ref Unsafe.Add(ref src, step), dst = ref Unsafe.Add(ref dst, kp))
                {
                    ulong head = Unsafe.ReadUnaligned<ulong>(ref src) ^ flip8, tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, last)) ^ flip8;
                    Unsafe.WriteUnaligned(ref dst, head);
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, last), tail);
                }
            }
            else
            {
                for (int i = 0; i < count; i++, src = ref Unsafe.Add(ref src, step), dst = ref Unsafe.Add(ref dst, kp))
                {
                    var head = Vector128.LoadUnsafe(ref src) ^ flip16;
                    var tail = Vector128.LoadUnsafe(ref src, (nuint)last) ^ flip16;
                    head.StoreUnsafe(ref dst);
                    tail.StoreUnsafe(ref dst, (nuint)last);
                }
            }
        }
    }
}
