using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 pointwise CONV_2D (1×1 filter, stride 1, no padding, one group) as a GEMM over
/// pixels × output channels × input channels, written with the cross-platform
/// <see cref="Vector128"/> API only (AdvSimd on ARM64, SSE on x86, the software fallback elsewhere).
/// Byte for byte the same as <see cref="Reference.Conv2DInt8Reference"/> wherever
/// <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para>Prepared once at load: the filter is widened to int16 and the input zero point is folded
/// into the bias, <c>bias[oc] + inputOffset * Σk filter[oc,k]</c>. The reference computes
/// <c>Σk f·(x + inputOffset) + bias</c>; expanding the product gives <c>Σk f·x + inputOffset·Σk f + bias</c>.
/// The two agree as integers, and C# int32 arithmetic is arithmetic modulo 2^32, which respects
/// sums and products; so even where the reference's accumulator wraps, both wrap to the same
/// int32 before requantization.</para>
/// <para>Inner loop: 16 input channels at a time, int8 widened to int16, products formed in int16
/// (exact: |f·x| ≤ 127·128 = 16256) and two products added in int16 before widening to int32
/// (exact: ≤ 32512 &lt; 2^15). That bound is why a weight of -128 is outside this kernel's
/// contract (TFLite's int8 weights are symmetric, in [-127, 127]). A tile of 2 pixels × 4 output
/// channels shares each load; the last pixel and the last channels of a row repeat in the tile
/// and their results are dropped. Input channels left over below 16 take an 8-wide step and then
/// scalar steps. Requantization takes 4 channels at a time with <see cref="RequantizeInt8Vector128"/>
/// (scalar for the last channels of a row when fewer than 4 remain).</para>
/// <para>Limits: filter [Cout,1,1,Cin] with Cin equal to the input depth; stride 1 and padding 0
/// (output H, W equal input H, W); filter zero point 0; weights in [-127, 127].</para>
/// </remarks>
public sealed class PointwiseConvInt8Vector128
{
    private const int TileRows = 2;     // pixels per tile
    private const int TileCols = 4;     // output channels per tile

    private readonly short[] _filter;   // [Cout][Cin], widened
    private readonly int[] _bias;       // bias + inputOffset * Σ filter row, per output channel
    private readonly RequantizeInt8Vector128 _requant;
    private readonly int _inDepth, _outDepth;

    /// <summary>
    /// Whether the kernel computes this convolution: a 1×1 filter over the whole input depth,
    /// stride 1, no padding, output H and W equal to the input's, filter zero point 0, no weight of -128.
    /// </summary>
    public static bool IsApplicable(ConvGeometry g, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, Shape4 outShape)
    {
        ArgumentNullException.ThrowIfNull(q);
        return g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0
            && filterShape.H == 1 && filterShape.W == 1 && filterShape.C == inShape.C && filterShape.N == outShape.C
            && outShape.N == inShape.N && outShape.H == inShape.H && outShape.W == inShape.W
            && q.FilterOffset == 0 && filter.Length == filterShape.FlatSize && filter.IndexOf(sbyte.MinValue) < 0
            && RequantizeInt8Vector128.IsApplicable(q, filterShape.N);
    }

    /// <summary>
    /// Packs the weights and folds the input zero point into the bias. <paramref name="bias"/> may be
    /// empty (no bias). Throws <see cref="ArgumentException"/> outside the limits in the remarks.
    /// </summary>
    public PointwiseConvInt8Vector128(RequantParams q, ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias)
    {
        Validate(q, filter, filterShape, bias);
        _inDepth = filterShape.C;
        _outDepth = filterShape.N;
        _requant = new RequantizeInt8Vector128(q, _outDepth);
        _filter = new short[filter.Length];
        _bias = new int[_outDepth];
        for (int oc = 0; oc < _outDepth; oc++)
        {
            int sum = 0;
            for (int k = 0; k < _inDepth; k++)
            {
                sbyte w = filter[oc * _inDepth + k];
                _filter[oc * _inDepth + k] = w;
                sum += w;
            }
            _bias[oc] = unchecked((bias.IsEmpty ? 0 : bias[oc]) + q.InputOffset * sum);
        }
    }

    /// <summary>The constructor's checks, shared with <see cref="PointwiseConvInt8"/>: throws <see cref="ArgumentException"/> outside the limits.</summary>
    internal static void Validate(RequantParams q, ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (filterShape.H != 1 || filterShape.W != 1 || filterShape.N <= 0 || filterShape.C <= 0)
            throw new ArgumentException($"Filter shape {filterShape} is not [Cout,1,1,Cin].", nameof(filterShape));
        if (filter.Length != filterShape.FlatSize)
            throw new ArgumentException($"Filter has {filter.Length} values; shape {filterShape} needs {filterShape.FlatSize}.", nameof(filter));
        if (q.FilterOffset != 0)
            throw new ArgumentException($"Filter offset must be 0 (symmetric weights), got {q.FilterOffset}.", nameof(q));
        int at = filter.IndexOf(sbyte.MinValue);
        if (at >= 0)
            throw new ArgumentException($"Weight {at} is -128; this kernel needs weights in [-127, 127].", nameof(filter));
        if (!bias.IsEmpty && bias.Length != filterShape.N)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {filterShape.N}.", nameof(bias));
    }

    /// <summary>The shape and length checks of <see cref="Run(ReadOnlySpan{sbyte}, Shape4, Span{sbyte}, Shape4, int, int)"/>, shared with <see cref="PointwiseConvInt8"/>.</summary>
    internal static void ValidateRun(int inDepth, int outDepth, ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape)
    {
        if (inShape.C != inDepth || outShape.C != outDepth || outShape.N != inShape.N || outShape.H != inShape.H || outShape.W != inShape.W)
            throw new ArgumentException($"Shapes {inShape} -> {outShape} do not fit a 1x1 stride-1 filter {inDepth} -> {outDepth} channels.", nameof(outShape));
        if (input.Length < inShape.FlatSize || output.Length < outShape.FlatSize)
            throw new ArgumentException($"Input ({input.Length}) or output ({output.Length}) is shorter than its shape.", nameof(input));
    }

    /// <summary>Runs the convolution: NHWC <paramref name="input"/> to NHWC <paramref name="output"/>. Allocates nothing.</summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape)
        => Run(input, inShape, output, outShape, 0, outShape.N * outShape.H);

    /// <summary>Computes output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), a row being one (batch, y) pair of pixels.</summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, int rowStart, int rowEnd)
    {
        ValidateRun(_inDepth, _outDepth, input, inShape, output, outShape);

        int pixels = rowEnd * inShape.W;
        int cin = _inDepth, cout = _outDepth;
        Span<int> sums = stackalloc int[TileRows * TileCols];
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref short f = ref MemoryMarshal.GetArrayDataReference(_filter);
        for (int p = rowStart * inShape.W; p < pixels; p += TileRows)
        {
            int rows = Math.Min(TileRows, pixels - p);
            ref sbyte x0 = ref Unsafe.Add(ref x, p * cin);
            ref sbyte x1 = ref Unsafe.Add(ref x0, (rows - 1) * cin);
            for (int oc = 0; oc < cout; oc += TileCols)
            {
                int cols = Math.Min(TileCols, cout - oc);
                Tile(ref x0, ref x1,
                    ref Unsafe.Add(ref f, oc * cin),
                    ref Unsafe.Add(ref f, Math.Min(oc + 1, cout - 1) * cin),
                    ref Unsafe.Add(ref f, Math.Min(oc + 2, cout - 1) * cin),
                    ref Unsafe.Add(ref f, Math.Min(oc + 3, cout - 1) * cin),
                    cin, sums);
                for (int r = 0; r < rows; r++)
                {
                    int outBase = (p + r) * cout + oc;
                    if (cols == TileCols)
                    {
                        var q = _requant.Requantize4(
                            Vector128.LoadUnsafe(ref sums[r * TileCols]) + Vector128.LoadUnsafe(ref _bias[oc]), oc);
                        MemoryMarshal.Write(MemoryMarshal.AsBytes(output.Slice(outBase, TileCols)), q.AsInt32().ToScalar());
                        continue;
                    }
                    for (int c = 0; c < cols; c++)
                        output[outBase + c] = _requant.Requantize1(unchecked(sums[r * TileCols + c] + _bias[oc + c]), oc + c);
                }
            }
        }
    }

    /// <summary>Σk x_r[k]·f_c[k] for 2 pixel rows × 4 filter rows of <paramref name="depth"/>, into <paramref name="sums"/>[r*4+c].</summary>
    private static void Tile(ref sbyte x0, ref sbyte x1, ref short f0, ref short f1, ref short f2, ref short f3,
        int depth, Span<int> sums)
    {
        Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector128<int> a10 = default, a11 = default, a12 = default, a13 = default;
        int k = 0;
        for (; k <= depth - 16; k += 16)
        {
            var v0 = Vector128.LoadUnsafe(ref x0, (nuint)k);
            var v1 = Vector128.LoadUnsafe(ref x1, (nuint)k);
            var x0l = Vector128.WidenLower(v0);
            var x0h = Vector128.WidenUpper(v0);
            var x1l = Vector128.WidenLower(v1);
            var x1h = Vector128.WidenUpper(v1);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f0, k), ref a00, ref a10);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f1, k), ref a01, ref a11);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f2, k), ref a02, ref a12);
            Accumulate16(x0l, x0h, x1l, x1h, ref Unsafe.Add(ref f3, k), ref a03, ref a13);
        }
        if (k <= depth - 8)
        {
            var x0l = Load8(ref Unsafe.Add(ref x0, k));
            var x1l = Load8(ref Unsafe.Add(ref x1, k));
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f0, k), ref a00, ref a10);
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f1, k), ref a01, ref a11);
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f2, k), ref a02, ref a12);
            Accumulate8(x0l, x1l, ref Unsafe.Add(ref f3, k), ref a03, ref a13);
            k += 8;
        }
        sums[0] = Vector128.Sum(a00) + ScalarDot(ref x0, ref f0, k, depth);
        sums[1] = Vector128.Sum(a01) + ScalarDot(ref x0, ref f1, k, depth);
        sums[2] = Vector128.Sum(a02) + ScalarDot(ref x0, ref f2, k, depth);
        sums[3] = Vector128.Sum(a03) + ScalarDot(ref x0, ref f3, k, depth);
        sums[4] = Vector128.Sum(a10) + ScalarDot(ref x1, ref f0, k, depth);
        sums[5] = Vector128.Sum(a11) + ScalarDot(ref x1, ref f1, k, depth);
        sums[6] = Vector128.Sum(a12) + ScalarDot(ref x1, ref f2, k, depth);
        sums[7] = Vector128.Sum(a13) + ScalarDot(ref x1, ref f3, k, depth);
    }

    /// <summary>16 channels of one filter row against two pixels: pairs of int16 products summed in int16, then widened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate16(Vector128<short> x0l, Vector128<short> x0h, Vector128<short> x1l, Vector128<short> x1h,
        ref short f, ref Vector128<int> acc0, ref Vector128<int> acc1)
    {
        var fl = Vector128.LoadUnsafe(ref f);
        var fh = Vector128.LoadUnsafe(ref f, 8);
        acc0 += WidenSum(x0l * fl + x0h * fh);
        acc1 += WidenSum(x1l * fl + x1h * fh);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate8(Vector128<short> x0, Vector128<short> x1, ref short f, ref Vector128<int> acc0, ref Vector128<int> acc1)
    {
        var fl = Vector128.LoadUnsafe(ref f);
        acc0 += WidenSum(x0 * fl);
        acc1 += WidenSum(x1 * fl);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> WidenSum(Vector128<short> v) => Vector128.WidenLower(v) + Vector128.WidenUpper(v);

    /// <summary>8 int8 values widened to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Load8(ref sbyte x) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScalarDot(ref sbyte x, ref short f, int from, int to) => PointwiseConvInt8.ScalarDot(ref x, ref f, from, to, 0);
}
