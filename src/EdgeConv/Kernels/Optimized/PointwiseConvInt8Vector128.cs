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
/// <para>The GEMM itself (pixels × output channels × input channels, exact int16 pair sums, vector
/// requantization) is <see cref="GemmInt8Vector128"/>, shared with the general conv and fully connected kernels;
/// weights of -128 are outside its contract (TFLite's int8 weights are symmetric, in [-127, 127]).</para>
/// <para>Limits: filter [Cout,1,1,Cin] with Cin equal to the input depth; stride 1 and padding 0
/// (output H, W equal input H, W); filter zero point 0; weights in [-127, 127].</para>
/// </remarks>
public sealed class PointwiseConvInt8Vector128
{
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
        (_filter, _bias) = GemmInt8Vector128.Pack(filter, _outDepth, _inDepth, _inDepth, bias, q.InputOffset);
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

    /// <summary>The pixel range, shape and length checks of <see cref="RunPixels"/>, shared with <see cref="PointwiseConvInt8"/>.</summary>
    internal static void ValidateRun(int inDepth, int outDepth, ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape,
        int first, int end)
    {
        if (first < 0 || end > inShape.N * inShape.H * inShape.W || first > end)
            throw new ArgumentOutOfRangeException(nameof(first), $"Pixels [{first}, {end}) are outside [0, {inShape.N * inShape.H * inShape.W}).");
        if (inShape.C != inDepth || outShape.C != outDepth || outShape.N != inShape.N || outShape.H != inShape.H || outShape.W != inShape.W)
            throw new ArgumentException($"Shapes {inShape} -> {outShape} do not fit a 1x1 stride-1 filter {inDepth} -> {outDepth} channels.", nameof(outShape));
        if (input.Length < inShape.FlatSize || output.Length < outShape.FlatSize)
            throw new ArgumentException($"Input ({input.Length}) or output ({output.Length}) is shorter than its shape.", nameof(input));
    }

    /// <summary>Runs the convolution: NHWC <paramref name="input"/> to NHWC <paramref name="output"/>. Allocates nothing.</summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape)
        => RunPixels(input, inShape, output, outShape, 0, outShape.N * outShape.H * outShape.W);

    /// <summary>Computes output pixels [<paramref name="first"/>, <paramref name="end"/>) in NHWC order (finer slices for threads than rows).</summary>
    public void RunPixels(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, int first, int end)
    {
        ValidateRun(_inDepth, _outDepth, input, inShape, output, outShape, first, end);
        int pixels = end - first;
        GemmInt8Vector128.Run(ref Unsafe.Add(ref MemoryMarshal.GetReference(input), first * _inDepth), _inDepth, pixels, _inDepth,
            ref MemoryMarshal.GetArrayDataReference(_filter), _outDepth, ref MemoryMarshal.GetArrayDataReference(_bias),
            _requant, 0, ref Unsafe.Add(ref MemoryMarshal.GetReference(output), first * _outDepth), _outDepth);
    }
}
