using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using EdgeConv.Graph;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 DEPTHWISE_CONV_2D (NHWC, any filter size, depth multiplier, stride, dilation and padding)
/// written with the cross-platform <see cref="Vector128"/> API: 16 output channels per step (8 for the
/// tail, scalar for the rest), int8 widened to int16, multiplied and accumulated into int32 lanes,
/// requantized with <see cref="RequantizeInt8Vector128"/>. Byte for byte the same as
/// <see cref="Reference.DepthwiseConv2DInt8Reference"/> wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para><b>Zero point folded into the bias, padding read from a zero-point row.</b> The reference
/// computes <c>acc = bias + Σ_{t inside} f_t·(x_t + inOff)</c> over the taps t that fall inside the image
/// (it skips the others). This kernel computes <c>acc' = bias' + Σ_{all t} f_t·x̃_t</c> with the folded
/// bias <c>bias' = bias + inOff·Σ_{all t} f_t</c>, where x̃_t is the input value for a tap inside the
/// image and the input zero point <c>z = −inOff</c> for a tap outside it (the padding reads rows and
/// border columns filled with z). Then
/// <c>acc' = bias + Σ_in f_t·x_t + Σ_out f_t·(−inOff) + inOff·Σ_in f_t + inOff·Σ_out f_t
/// = bias + Σ_in f_t·(x_t + inOff) = acc</c>: the padded taps cancel exactly their share of the folded
/// term. All of it is arithmetic modulo 2^32 (C#'s int32 wraps), which respects sums and products, so
/// even an accumulator that wraps in the reference wraps to the same int32 here. It needs z to be an
/// int8 (inOff in [−127, 128]), which every int8 tensor's zero point is.</para>
/// <para><b>Exact int16 steps.</b> Weights lie in [−127, 127] and inputs in [−128, 127], so one product
/// is at most 127·128 = 16256 in magnitude and the sum of two taps' products at most 32512 &lt; 2^15:
/// taps are taken in pairs, multiplied and added in int16, then widened into the int32 accumulators.
/// A weight of −128 is outside the contract.</para>
/// <para><b>Rows without per-tap branches.</b> The caller's scratch (<see cref="ScratchBytes"/>, sized at
/// load; the interpreter's arena) holds a ring of (kh−1)·dilation_h+1 padded input rows and one row of z,
/// filled with z at the start of each run. Each input row is copied once per image into
/// its ring slot, between border columns of z (and, for a depth multiplier M &gt; 1, with each input
/// channel repeated M times, so that output channel oc = ic·M + m reads lane oc: after that every
/// multiplier is the multiplier-1 case). Per output row the kernel fills a table of kh·kw tap offsets
/// into the scratch (the ring slot of an input row, or the z row above and below the image); the
/// pixel loop then reads every tap unconditionally. Filters of 3×3 run an unrolled path with the nine
/// offsets in locals; other sizes loop over the table.</para>
/// <para><b>ARM64.</b> Where AdvSimd is supported the multiply-accumulate is XNNPACK's "mla8" scheme
/// (SMULL/SMLAL int8×int8 into int16 for a pair of taps, then SADDW into int32): the same exact sums,
/// with an int8 copy of the packed weights.</para>
/// <para><b>Packing.</b> Weights widened to int16 and tiled by channel group: for the group starting at
/// channel c of width w (16, then 8, then 1), tap t's weights sit at <c>c·taps + t·w</c>, so a group's
/// weights are one sequential run.</para>
/// <para>Limits: filter [1, kh, kw, C·M] with C the input depth and C·M the output depth; filter zero
/// point 0; weights in [−127, 127]; shifts in [−31, 30]. <c>Run</c> allocates nothing; an instance
/// is immutable after load and may run on several threads at once, each with its own scratch.</para>
/// </remarks>
public sealed class DepthwiseConvInt8Vector128
{
    private readonly ConvGeometry _g;
    private readonly int _inDepth, _multiplier, _depth, _kh, _kw, _taps;
    private readonly short[] _filter;     // channel-tiled, see remarks
    private readonly sbyte[] _filter8;    // the same layout as int8, for SMULL/SMLAL (ARM64 only; empty elsewhere)
    private readonly int[] _bias;         // folded, padded to a multiple of 16
    private readonly RequantizeInt8Vector128 _requant;
    private readonly Shape4 _inShape, _outShape;
    private readonly int _ringRows, _rowStride, _zeroRow, _rowsOffset;
    private readonly sbyte _zeroPoint;

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
            && filter.Length == filterShape.FlatSize && filter.IndexOf(sbyte.MinValue) < 0
            && RequantizeInt8Vector128.IsApplicable(q, filterShape.C)
            && RowsOffset(filterShape, g) + RowBytes(g, inShape, filterShape, outShape) <= int.MaxValue;
    }

    /// <summary>Bytes of the ring of padded rows and the z row.</summary>
    private static long RowBytes(ConvGeometry g, Shape4 inShape, Shape4 filterShape, Shape4 outShape) =>
        ((long)(filterShape.H - 1) * g.DilationH + 2) * PaddedWidth(g, inShape, filterShape, outShape) * filterShape.C;

    /// <summary>Where the rows start in the scratch: after the tap offset table and the ring's row numbers, 16-byte aligned.</summary>
    private static long RowsOffset(Shape4 filterShape, ConvGeometry g) =>
        (4L * ((long)filterShape.H * filterShape.W + (long)(filterShape.H - 1) * g.DilationH + 1) + 15) & ~15L;

    /// <summary>Columns of a padded row: the left padding, the image, and as many columns on the right as the last window reaches.</summary>
    private static long PaddedWidth(ConvGeometry g, Shape4 inShape, Shape4 filterShape, Shape4 outShape) =>
        Math.Max((long)g.PadLeft + inShape.W, (long)(outShape.W - 1) * g.StrideW + (long)(filterShape.W - 1) * g.DilationW + 1);

    /// <summary>
    /// Packs the weights and folds the input zero point into the bias.
    /// <paramref name="bias"/> may be empty. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.
    /// </summary>
    public DepthwiseConvInt8Vector128(ConvGeometry g, int depthMultiplier, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias, Shape4 outShape)
    {
        if (!IsApplicable(g, depthMultiplier, q, inShape, filter, filterShape, outShape))
            throw new ArgumentException($"Depthwise {filterShape} x{depthMultiplier} over {inShape} -> {outShape} is outside this kernel's limits " +
                "(filter [1,kh,kw,C*M], filter offset 0, weights in [-127,127], shifts in [-31,30]).", nameof(filter));
        _depth = filterShape.C;
        if (!bias.IsEmpty && bias.Length != _depth)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {_depth}.", nameof(bias));
        _g = g;
        _inDepth = inShape.C;
        _multiplier = depthMultiplier;
        _kh = filterShape.H;
        _kw = filterShape.W;
        _taps = _kh * _kw;
        _inShape = inShape;
        _outShape = outShape;
        _requant = new RequantizeInt8Vector128(q, _depth);

        _filter = new short[_taps * _depth];
        _filter8 = AdvSimd.IsSupported ? new sbyte[_taps * _depth] : [];
        _bias = new int[(_depth + 15) & ~15];
        for (int c = 0; c < _depth;)
        {
            int w = _depth - c >= 16 ? 16 : _depth - c >= 8 ? 8 : 1;
            for (int t = 0; t < _taps; t++)
                for (int j = 0; j < w; j++)
                {
                    _filter[c * _taps + t * w + j] = filter[t * _depth + c + j];
                    if (_filter8.Length != 0)
                        _filter8[c * _taps + t * w + j] = filter[t * _depth + c + j];
                }
            c += w;
        }
        for (int oc = 0; oc < _depth; oc++)
        {
            int sum = 0;
            for (int t = 0; t < _taps; t++)
                sum += filter[t * _depth + oc];
            _bias[oc] = unchecked((bias.IsEmpty ? 0 : bias[oc]) + q.InputOffset * sum);
        }

        _ringRows = (_kh - 1) * g.DilationH + 1;
        _rowStride = (int)PaddedWidth(g, inShape, filterShape, outShape) * _depth;
        _zeroRow = _ringRows * _rowStride;
        _rowsOffset = (int)RowsOffset(filterShape, g);
        ScratchBytes = _rowsOffset + (_ringRows + 1) * _rowStride;
        _zeroPoint = (sbyte)(-q.InputOffset);
    }

    /// <summary>
    /// Bytes of scratch <c>Run</c> needs: the tap offset table, the ring slots' row numbers, a ring of
    /// (kh−1)·dilation_h+1 padded rows and the z row. Its contents need not survive between runs.
    /// </summary>
    public int ScratchBytes { get; }

    /// <summary>"3x3" when the unrolled 3×3 path runs, otherwise "generic".</summary>
    public string Path => _kh == 3 && _kw == 3 ? "3x3" : "generic";

    /// <summary>
    /// Runs the convolution: NHWC <paramref name="input"/> to NHWC <paramref name="output"/>, using
    /// <paramref name="scratch"/> (at least <see cref="ScratchBytes"/>; the caller's, so one prepared kernel
    /// serves any number of threads, each with its own scratch). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, Span<byte> scratch)
        => Run(input, inShape, output, outShape, scratch, 0, outShape.N * outShape.H);

    /// <summary>
    /// Computes output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), a row being one
    /// (batch, output y) pair; each thread passes its own <paramref name="scratch"/>.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, Span<byte> scratch, int rowStart, int rowEnd)
    {
        WindowRunArguments.Check(inShape, outShape, _inShape, _outShape, input.Length, output.Length, scratch.Length, ScratchBytes, rowStart, rowEnd);
        var tapOffsets = MemoryMarshal.Cast<byte, int>(scratch[..(4 * _taps)]);
        var ring = new InputRowRing(MemoryMarshal.Cast<byte, int>(scratch.Slice(4 * _taps, 4 * _ringRows)));
        var rows = MemoryMarshal.Cast<byte, sbyte>(scratch.Slice(_rowsOffset, (_ringRows + 1) * _rowStride));
        rows.Fill(_zeroPoint);   // borders and the z row; row copies overwrite only the middles

        int inRow = inShape.W * inShape.C;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / outShape.H, oy = row % outShape.H;
            ring.Image(b);
            var image = input.Slice(b * inShape.H * inRow, inShape.H * inRow);
            {
                int iy0 = oy * _g.StrideH - _g.PadTop;
                for (int ky = 0; ky < _kh; ky++)
                {
                    int iy = iy0 + ky * _g.DilationH;
                    int rowOffset = _zeroRow;
                    if ((uint)iy < (uint)inShape.H)
                    {
                        int slot = ring.Slot(iy, out bool prepare);
                        if (prepare)
                            LoadRow(image.Slice(iy * inRow, inRow), rows.Slice(slot * _rowStride, _rowStride));
                        rowOffset = slot * _rowStride;
                    }
                    for (int kx = 0; kx < _kw; kx++)
                        tapOffsets[ky * _kw + kx] = rowOffset + kx * _g.DilationW * _depth;
                }
                var outRow = output.Slice(((b * outShape.H + oy) * outShape.W) * _depth, outShape.W * _depth);
                if (_kh == 3 && _kw == 3)
                    Row3x3(rows, tapOffsets, outRow);
                else
                    RowGeneric(rows, tapOffsets, outRow);
            }
        }
    }

    /// <summary>Copies one input row into a ring slot after its left border, repeating each channel M times.</summary>
    private void LoadRow(ReadOnlySpan<sbyte> row, Span<sbyte> slot)
    {
        var dst = slot.Slice(_g.PadLeft * _depth, _inShape.W * _depth);
        if (_multiplier == 1)
        {
            row.CopyTo(dst);
            return;
        }
        int m = _multiplier, o = 0;
        foreach (sbyte v in row)
        {
            dst.Slice(o, m).Fill(v);
            o += m;
        }
    }

    private void Row3x3(Span<sbyte> rows, Span<int> tapOffsets, Span<sbyte> outRow)
    {
        ref sbyte s = ref MemoryMarshal.GetReference(rows);
        ref int t = ref MemoryMarshal.GetReference(tapOffsets);
        nint o0 = t, o1 = Unsafe.Add(ref t, 1), o2 = Unsafe.Add(ref t, 2), o3 = Unsafe.Add(ref t, 3), o4 = Unsafe.Add(ref t, 4),
            o5 = Unsafe.Add(ref t, 5), o6 = Unsafe.Add(ref t, 6), o7 = Unsafe.Add(ref t, 7), o8 = Unsafe.Add(ref t, 8);
        ref short f = ref MemoryMarshal.GetArrayDataReference(_filter);
        ref sbyte f8 = ref MemoryMarshal.GetArrayDataReference(_filter8);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(_bias);
        ref sbyte dst = ref MemoryMarshal.GetReference(outRow);
        int depth = _depth, step = _g.StrideW * depth, outW = _outShape.W;
        var rq = new RequantizeInt8Vector128.View(_requant);   // its arrays and constants in registers for the whole row
        for (int ox = 0; ox < outW; ox++)
        {
            ref sbyte px = ref Unsafe.Add(ref s, ox * step);
            ref sbyte y = ref Unsafe.Add(ref dst, ox * depth);
            int c = 0;
            ref short fc = ref f;
            ref sbyte fc8 = ref f8;
            for (; c <= depth - 16; c += 16)
            {
                ref sbyte pc = ref Unsafe.Add(ref px, c);
                ref int bc = ref Unsafe.Add(ref bias, c);
                var a0 = Vector128.LoadUnsafe(ref bc);
                var a1 = Vector128.LoadUnsafe(ref bc, 4);
                var a2 = Vector128.LoadUnsafe(ref bc, 8);
                var a3 = Vector128.LoadUnsafe(ref bc, 12);
                Pair16(ref pc, o0, o1, ref fc, ref fc8, 0, ref a0, ref a1, ref a2, ref a3);
                Pair16(ref pc, o2, o3, ref fc, ref fc8, 32, ref a0, ref a1, ref a2, ref a3);
                Pair16(ref pc, o4, o5, ref fc, ref fc8, 64, ref a0, ref a1, ref a2, ref a3);
                Pair16(ref pc, o6, o7, ref fc, ref fc8, 96, ref a0, ref a1, ref a2, ref a3);
                Single16(ref pc, o8, ref fc, ref fc8, 128, ref a0, ref a1, ref a2, ref a3);
                rq.Requantize16(a0, a1, a2, a3, (nuint)c).StoreUnsafe(ref Unsafe.Add(ref y, c));
                fc = ref Unsafe.Add(ref fc, 144);
                fc8 = ref Unsafe.Add(ref fc8, 144);
            }
            if (c <= depth - 8)
            {
                ref sbyte pc = ref Unsafe.Add(ref px, c);
                var a0 = Vector128.LoadUnsafe(ref bias, (nuint)c);
                var a1 = Vector128.LoadUnsafe(ref bias, (nuint)c + 4);
                Pair8(ref pc, o0, o1, ref fc, ref fc8, 0, ref a0, ref a1);
                Pair8(ref pc, o2, o3, ref fc, ref fc8, 16, ref a0, ref a1);
                Pair8(ref pc, o4, o5, ref fc, ref fc8, 32, ref a0, ref a1);
                Pair8(ref pc, o6, o7, ref fc, ref fc8, 48, ref a0, ref a1);
                Single8(ref pc, o8, ref fc, ref fc8, 64, ref a0, ref a1);
                Store8(rq.Requantize8(a0, a1, (nuint)c), ref Unsafe.Add(ref y, c));
                c += 8;
            }
            for (; c < depth; c++)
                Unsafe.Add(ref y, c) = ScalarChannel(ref px, tapOffsets, c);
        }
    }

    private void RowGeneric(Span<sbyte> rows, Span<int> tapOffsets, Span<sbyte> outRow)
    {
        ref sbyte s = ref MemoryMarshal.GetReference(rows);
        ref int offsets = ref MemoryMarshal.GetReference(tapOffsets);
        ref short f = ref MemoryMarshal.GetArrayDataReference(_filter);
        ref sbyte f8 = ref MemoryMarshal.GetArrayDataReference(_filter8);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(_bias);
        ref sbyte dst = ref MemoryMarshal.GetReference(outRow);
        int depth = _depth, taps = _taps, step = _g.StrideW * depth, outW = _outShape.W;
        var rq = new RequantizeInt8Vector128.View(_requant);
        for (int ox = 0; ox < outW; ox++)
        {
            ref sbyte px = ref Unsafe.Add(ref s, ox * step);
            ref sbyte y = ref Unsafe.Add(ref dst, ox * depth);
            int c = 0;
            for (; c <= depth - 16; c += 16)
            {
                ref short fc = ref Unsafe.Add(ref f, c * taps);
                ref sbyte fc8 = ref Unsafe.Add(ref f8, c * taps);
                ref sbyte pc = ref Unsafe.Add(ref px, c);
                var a0 = Vector128.LoadUnsafe(ref bias, (nuint)c);
                var a1 = Vector128.LoadUnsafe(ref bias, (nuint)c + 4);
                var a2 = Vector128.LoadUnsafe(ref bias, (nuint)c + 8);
                var a3 = Vector128.LoadUnsafe(ref bias, (nuint)c + 12);
                int t = 0;
                for (; t < taps - 1; t += 2)
                    Pair16(ref pc, Unsafe.Add(ref offsets, t), Unsafe.Add(ref offsets, t + 1), ref fc, ref fc8, t * 16, ref a0, ref a1, ref a2, ref a3);
                if (t < taps)
                    Single16(ref pc, Unsafe.Add(ref offsets, t), ref fc, ref fc8, t * 16, ref a0, ref a1, ref a2, ref a3);
                rq.Requantize16(a0, a1, a2, a3, (nuint)c).StoreUnsafe(ref Unsafe.Add(ref y, c));
            }
            if (c <= depth - 8)
            {
                ref short fc = ref Unsafe.Add(ref f, c * taps);
                ref sbyte fc8 = ref Unsafe.Add(ref f8, c * taps);
                ref sbyte pc = ref Unsafe.Add(ref px, c);
                var a0 = Vector128.LoadUnsafe(ref bias, (nuint)c);
                var a1 = Vector128.LoadUnsafe(ref bias, (nuint)c + 4);
                int t = 0;
                for (; t < taps - 1; t += 2)
                    Pair8(ref pc, Unsafe.Add(ref offsets, t), Unsafe.Add(ref offsets, t + 1), ref fc, ref fc8, t * 8, ref a0, ref a1);
                if (t < taps)
                    Single8(ref pc, Unsafe.Add(ref offsets, t), ref fc, ref fc8, t * 8, ref a0, ref a1);
                Store8(rq.Requantize8(a0, a1, (nuint)c), ref Unsafe.Add(ref y, c));
                c += 8;
            }
            for (; c < depth; c++)
                Unsafe.Add(ref y, c) = ScalarChannel(ref px, tapOffsets, c);
        }
    }

    /// <summary>One channel of the scalar tail: its weights are one per tap, at <c>c·taps + t</c>.</summary>
    private sbyte ScalarChannel(ref sbyte px, Span<int> tapOffsets, int c)
    {
        int acc = _bias[c];
        for (int t = 0; t < _taps; t++)
            acc += _filter[c * _taps + t] * Unsafe.Add(ref px, tapOffsets[t] + c);
        return _requant.Requantize1(acc, c);
    }

    /// <summary>
    /// Two taps × 16 channels: products summed in int16 (exact, ≤ 32512), widened into the accumulators.
    /// On ARM64 as XNNPACK's "mla8": SMULL/SMULL2 of the first tap, SMLAL/SMLAL2 of the second (int8 × int8
    /// into int16), SADDW/SADDW2 into int32; elsewhere widen, multiply and add in int16.
    /// <paramref name="f"/> (int16) and <paramref name="f8"/> (int8, ARM64) hold the same weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair16(ref sbyte p, nint tap0, nint tap1, ref short f, ref sbyte f8, int at,
        ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
    {
        var x0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref p, tap0));
        var x1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref p, tap1));
        if (AdvSimd.IsSupported)
        {
            var w0 = Vector128.LoadUnsafe(ref f8, (nuint)at);
            var w1 = Vector128.LoadUnsafe(ref f8, (nuint)at + 16);
            // Upper halves first: the GetLower() that follows is then each vector's last use, and
            // the JIT reads its low half in place instead of copying it (mov v.16b) to a new register.
            var h = AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningUpper(x0, w0), x1, w1);
            var l = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(x0.GetLower(), w0.GetLower()), x1.GetLower(), w1.GetLower());
            a1 = AdvSimd.AddWideningUpper(a1, l);
            a0 = AdvSimd.AddWideningLower(a0, l.GetLower());
            a3 = AdvSimd.AddWideningUpper(a3, h);
            a2 = AdvSimd.AddWideningLower(a2, h.GetLower());
            return;
        }
        var lo = Vector128.WidenLower(x0) * Vector128.LoadUnsafe(ref f, (nuint)at)
            + Vector128.WidenLower(x1) * Vector128.LoadUnsafe(ref f, (nuint)at + 16);
        var hi = Vector128.WidenUpper(x0) * Vector128.LoadUnsafe(ref f, (nuint)at + 8)
            + Vector128.WidenUpper(x1) * Vector128.LoadUnsafe(ref f, (nuint)at + 24);
        a0 += Vector128.WidenLower(lo);
        a1 += Vector128.WidenUpper(lo);
        a2 += Vector128.WidenLower(hi);
        a3 += Vector128.WidenUpper(hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Single16(ref sbyte p, nint tap, ref short f, ref sbyte f8, int at,
        ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
    {
        var x = Vector128.LoadUnsafe(ref Unsafe.Add(ref p, tap));
        if (AdvSimd.IsSupported)
        {
            var w = Vector128.LoadUnsafe(ref f8, (nuint)at);
            var h = AdvSimd.MultiplyWideningUpper(x, w);
            var l = AdvSimd.MultiplyWideningLower(x.GetLower(), w.GetLower());
            a1 = AdvSimd.AddWideningUpper(a1, l);
            a0 = AdvSimd.AddWideningLower(a0, l.GetLower());
            a3 = AdvSimd.AddWideningUpper(a3, h);
            a2 = AdvSimd.AddWideningLower(a2, h.GetLower());
            return;
        }
        var lo = Vector128.WidenLower(x) * Vector128.LoadUnsafe(ref f, (nuint)at);
        var hi = Vector128.WidenUpper(x) * Vector128.LoadUnsafe(ref f, (nuint)at + 8);
        a0 += Vector128.WidenLower(lo);
        a1 += Vector128.WidenUpper(lo);
        a2 += Vector128.WidenLower(hi);
        a3 += Vector128.WidenUpper(hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair8(ref sbyte p, nint tap0, nint tap1, ref short f, ref sbyte f8, int at, ref Vector128<int> a0, ref Vector128<int> a1)
    {
        if (AdvSimd.IsSupported)
        {
            var l = AdvSimd.MultiplyWideningLowerAndAdd(
                AdvSimd.MultiplyWideningLower(Load8Raw(ref Unsafe.Add(ref p, tap0)), Load8Raw(ref Unsafe.Add(ref f8, at))),
                Load8Raw(ref Unsafe.Add(ref p, tap1)), Load8Raw(ref Unsafe.Add(ref f8, at + 8)));
            a0 = AdvSimd.AddWideningLower(a0, l.GetLower());
            a1 = AdvSimd.AddWideningUpper(a1, l);
            return;
        }
        var v = Load8(ref Unsafe.Add(ref p, tap0)) * Vector128.LoadUnsafe(ref f, (nuint)at)
            + Load8(ref Unsafe.Add(ref p, tap1)) * Vector128.LoadUnsafe(ref f, (nuint)at + 8);
        a0 += Vector128.WidenLower(v);
        a1 += Vector128.WidenUpper(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Single8(ref sbyte p, nint tap, ref short f, ref sbyte f8, int at, ref Vector128<int> a0, ref Vector128<int> a1)
    {
        if (AdvSimd.IsSupported)
        {
            var l = AdvSimd.MultiplyWideningLower(Load8Raw(ref Unsafe.Add(ref p, tap)), Load8Raw(ref Unsafe.Add(ref f8, at)));
            a0 = AdvSimd.AddWideningLower(a0, l.GetLower());
            a1 = AdvSimd.AddWideningUpper(a1, l);
            return;
        }
        var v = Load8(ref Unsafe.Add(ref p, tap)) * Vector128.LoadUnsafe(ref f, (nuint)at);
        a0 += Vector128.WidenLower(v);
        a1 += Vector128.WidenUpper(v);
    }

    /// <summary>8 int8 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector64<sbyte> Load8Raw(ref sbyte x) => Vector64.LoadUnsafe(ref x);

    /// <summary>8 int8 values widened to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Load8(ref sbyte x) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector128<sbyte> v, ref sbyte at) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref at), v.AsInt64().ToScalar());
}
