using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The inner product a <see cref="PointwiseConvInt8"/> runs, one per instruction set.</summary>
public enum PointwiseConvInt8Isa
{
    /// <summary>The portable <see cref="PointwiseConvInt8Vector128"/> (AdvSimd or SSE as the JIT maps <see cref="Vector128"/>, software elsewhere).</summary>
    Vector128,
    /// <summary>x86 AVX2: <c>vpmaddwd</c> on int16-widened activations and int16 weights, 16 input channels a step.</summary>
    Avx2,
    /// <summary>x86 AVX-512BW: 512-bit <c>vpmaddwd</c>, 32 input channels a step.</summary>
    Avx512BW,
    /// <summary>x86 AVX-VNNI: the <see cref="GemmInt8Tile4x16"/> 4×16 micro-kernel (256-bit <c>vpdpbusd</c>, activations + 128 as the unsigned operand, broadcast; weights signed).</summary>
    AvxVnni,
    /// <summary>ARM64 with <c>Dp</c> (Cortex-A76, Pi 5): the <see cref="GemmInt8Tile4x16"/> 4×16 micro-kernel (<c>SDOT</c> by element).</summary>
    ArmDp,
    /// <summary>ARM64 without <c>Dp</c> (Cortex-A53, A72: Pi 3, Zero 2, 4): the <see cref="GemmInt8Tile4x16"/> 4×16 micro-kernel (<c>SMLAL</c>/<c>SMLAL2</c> by element on int16).</summary>
    ArmNeon,
}

/// <summary>
/// Int8 pointwise CONV_2D (1×1 filter, stride 1, no padding, one group) as a GEMM, with the inner
/// product chosen once, in the constructor, by CPU feature (<see cref="Best"/>). Byte for byte the
/// same as <see cref="Reference.Conv2DInt8Reference"/> wherever <see cref="IsApplicable"/> holds, on
/// every <see cref="PointwiseConvInt8Isa"/>.
/// </summary>
/// <remarks>
/// <para><see cref="PointwiseConvInt8Isa.AvxVnni"/>, <see cref="PointwiseConvInt8Isa.ArmDp"/> and
/// <see cref="PointwiseConvInt8Isa.ArmNeon"/> run <see cref="GemmInt8Tile4x16"/> (its remarks say how). The
/// x86 paths without VNNI share one structure: a tile of 2 pixels × 4 output channels, one accumulator
/// vector per (pixel, channel) whose lanes hold partial sums over slices of K, reduced across lanes
/// once per tile (<c>vphaddd</c>) into 4 channel sums per pixel, then the folded bias and the
/// requantization of both pixels in one 256-bit pass (<see cref="RequantizeInt8Vector128.Requantize4x2"/>).
/// Weights are packed at load, row-major [Cout][Cin] as int16, followed by zero
/// padding so that a tail step may read a whole vector of weights past a row's end: the activations of
/// those lanes are zero, so the products are.</para>
/// <para>K is taken in full vector steps, then one half-width step (16 or 8 channels, the rest of the
/// vector zero), then scalar steps for the last K mod 8 channels.</para>
/// <list type="bullet">
/// <item><see cref="PointwiseConvInt8Isa.Avx2"/>, <see cref="PointwiseConvInt8Isa.Avx512BW"/>: int8
/// sign-extended to int16 (<c>vpmovsxbw</c>), <c>vpmaddwd</c> with int16 weights: each int32 lane is
/// f·x + f'·x', |·| ≤ 2·127·128, exact.</item>
/// </list>
/// <para>Limits: those of <see cref="PointwiseConvInt8Vector128"/> (the applicability test is the same).</para>
/// </remarks>
public sealed class PointwiseConvInt8
{
    private const int TileCols = 4;     // output channels per tile (and 2 pixels)
    private const int WeightPadding = 64;   // int16 weights after the last row

    private readonly PointwiseConvInt8Vector128? _portable;
    private readonly GemmInt8Tile4x16? _dot;
    private readonly short[] _filter16 = [];   // [Cout][Cin] + padding, Avx2 / Avx512BW
    private readonly int[] _bias = [];         // folded bias per channel, padded by 4
    private readonly RequantizeInt8Vector128? _requant;
    private readonly int _inDepth, _outDepth;

    /// <summary>Whether the kernel computes this convolution; the same test as <see cref="PointwiseConvInt8Vector128.IsApplicable"/>.</summary>
    public static bool IsApplicable(ConvGeometry g, RequantParams q, Shape4 inShape,
        ReadOnlySpan<sbyte> filter, Shape4 filterShape, Shape4 outShape)
        => PointwiseConvInt8Vector128.IsApplicable(g, q, inShape, filter, filterShape, outShape);

    /// <summary>Whether this CPU (as the runtime reports it) runs <paramref name="isa"/>.</summary>
    public static bool IsSupported(PointwiseConvInt8Isa isa) => isa switch
    {
        PointwiseConvInt8Isa.Avx2 => Avx2.IsSupported,
        PointwiseConvInt8Isa.Avx512BW => Avx512BW.IsSupported,
        PointwiseConvInt8Isa.AvxVnni => AvxVnni.IsSupported && Avx2.IsSupported,
        PointwiseConvInt8Isa.ArmDp => Dp.IsSupported && AdvSimd.Arm64.IsSupported,
        PointwiseConvInt8Isa.ArmNeon => AdvSimd.Arm64.IsSupported,
        _ => true,
    };

    /// <summary>
    /// The inner product chosen on this CPU: AVX-VNNI, else AVX-512BW, else AVX2, else SDOT, else SMLAL
    /// (any ARM64), else the portable one (see the benchmark notes in docs/PERFORMANCE.md for the measured
    /// rates, docs/ARM64-KERNELS.md for the ARM64 instruction counts).
    /// </summary>
    public static PointwiseConvInt8Isa Best =>
        IsSupported(PointwiseConvInt8Isa.AvxVnni) ? PointwiseConvInt8Isa.AvxVnni :
        IsSupported(PointwiseConvInt8Isa.Avx512BW) ? PointwiseConvInt8Isa.Avx512BW :
        IsSupported(PointwiseConvInt8Isa.Avx2) ? PointwiseConvInt8Isa.Avx2 :
        IsSupported(PointwiseConvInt8Isa.ArmDp) ? PointwiseConvInt8Isa.ArmDp :
        IsSupported(PointwiseConvInt8Isa.ArmNeon) ? PointwiseConvInt8Isa.ArmNeon :
        PointwiseConvInt8Isa.Vector128;

    /// <summary>The inner product this instance runs.</summary>
    public PointwiseConvInt8Isa Isa { get; }

    /// <summary>The kernel name <c>inspect</c> shows, e.g. <c>PointwiseConvInt8(AvxVnni)</c>.</summary>
    public string Name => $"{nameof(PointwiseConvInt8)}({Isa})";

    /// <summary>Packs the weights for <see cref="Best"/> and folds the zero points into the bias; see <see cref="PointwiseConvInt8Vector128"/>.</summary>
    public PointwiseConvInt8(RequantParams q, ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias)
        : this(q, filter, filterShape, bias, Best)
    {
    }

    /// <summary>
    /// Packs the weights for <paramref name="isa"/> and folds the zero points into the bias. Throws
    /// <see cref="PlatformNotSupportedException"/> when this CPU lacks <paramref name="isa"/> and
    /// <see cref="ArgumentException"/> outside the limits of <see cref="PointwiseConvInt8Vector128"/>.
    /// </summary>
    public PointwiseConvInt8(RequantParams q, ReadOnlySpan<sbyte> filter, Shape4 filterShape, ReadOnlySpan<int> bias, PointwiseConvInt8Isa isa)
    {
        if (!IsSupported(isa))
            throw new PlatformNotSupportedException($"{nameof(PointwiseConvInt8)}: this CPU does not run the {isa} inner product.");
        if (isa is PointwiseConvInt8Isa.AvxVnni or PointwiseConvInt8Isa.ArmDp or PointwiseConvInt8Isa.ArmNeon && filterShape.C > GemmInt8Tile4x16.MaxDepth)
            isa = PointwiseConvInt8Isa.Vector128;   // deeper than the GEMM's panels on the stack take
        Isa = isa;
        if (isa == PointwiseConvInt8Isa.Vector128)
        {
            _portable = new PointwiseConvInt8Vector128(q, filter, filterShape, bias);
            return;
        }
        PointwiseConvInt8Vector128.Validate(q, filter, filterShape, bias);
        _inDepth = filterShape.C;
        _outDepth = filterShape.N;
        GemmInt8Tile4x16Isa? gemm = isa switch
        {
            PointwiseConvInt8Isa.AvxVnni => GemmInt8Tile4x16Isa.AvxVnni,
            PointwiseConvInt8Isa.ArmDp => GemmInt8Tile4x16Isa.ArmDp,
            PointwiseConvInt8Isa.ArmNeon => GemmInt8Tile4x16Isa.ArmNeon,
            _ => null,
        };
        if (gemm is { } tileIsa)
        {
            _dot = new GemmInt8Tile4x16(filter, _outDepth, _inDepth, bias, q, tileIsa);
            return;
        }
        _requant = new RequantizeInt8Vector128(q, _outDepth);
        _filter16 = new short[filter.Length + WeightPadding];
        for (int i = 0; i < filter.Length; i++)
            _filter16[i] = filter[i];
        int offset = q.InputOffset;
        _bias = new int[_outDepth + TileCols];
        for (int oc = 0; oc < _outDepth; oc++)
        {
            int sum = 0;
            foreach (sbyte w in filter.Slice(oc * _inDepth, _inDepth))
                sum += w;
            _bias[oc] = unchecked((bias.IsEmpty ? 0 : bias[oc]) + offset * sum);
        }
    }

    /// <summary>Runs the convolution: NHWC <paramref name="input"/> to NHWC <paramref name="output"/>. Allocates nothing.</summary>
    public void Run(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape)
        => RunPixels(input, inShape, output, outShape, 0, outShape.N * outShape.H * outShape.W);

    /// <summary>Computes output pixels [<paramref name="first"/>, <paramref name="end"/>) in NHWC order (finer slices for threads than rows).</summary>
    public void RunPixels(ReadOnlySpan<sbyte> input, Shape4 inShape, Span<sbyte> output, Shape4 outShape, int first, int end)
    {
        if (_portable is not null)
        {
            _portable.RunPixels(input, inShape, output, outShape, first, end);
            return;
        }
        PointwiseConvInt8Vector128.ValidateRun(_inDepth, _outDepth, input, inShape, output, outShape, first, end);
        int cin = _inDepth, cout = _outDepth;
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref sbyte outRef = ref MemoryMarshal.GetReference(output);
        if (_dot is not null)
        {
            _dot.Run(ref Unsafe.Add(ref x, (nint)first * cin), cin, end - first, ref Unsafe.Add(ref outRef, (nint)first * cout), cout);
            return;
        }
        for (int p = first; p < end; p += 2)
        {
            int rows = Math.Min(2, end - p);
            ref sbyte x0 = ref Unsafe.Add(ref x, p * cin);
            ref sbyte x1 = ref Unsafe.Add(ref x0, (rows - 1) * cin);
            for (int oc = 0; oc < cout; oc += TileCols)
            {
                int cols = Math.Min(TileCols, cout - oc);
                int o1 = Math.Min(oc + 1, cout - 1) * cin, o2 = Math.Min(oc + 2, cout - 1) * cin, o3 = Math.Min(oc + 3, cout - 1) * cin;
                Vector128<int> s0, s1;
                switch (Isa)
                {
                    case PointwiseConvInt8Isa.Avx512BW:
                        Tile<Avx512Madd, Vector512<int>, Vector512<short>>(ref x0, ref x1, ref Short(oc * cin), ref Short(o1), ref Short(o2), ref Short(o3), cin, out s0, out s1);
                        break;
                    default:
                        Tile<Avx2Madd, Vector256<int>, Vector256<short>>(ref x0, ref x1, ref Short(oc * cin), ref Short(o1), ref Short(o2), ref Short(o3), cin, out s0, out s1);
                        break;
                }
                var b = Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_bias), (nuint)oc);
                // Both x86 paths have AVX2: both pixels in one 256-bit requantization.
                var q = _requant!.Requantize4x2(Vector256.Create(s0 + b, s1 + b), oc);
                var (q0, q1) = (q.GetLower(), q.GetUpper());
                Store(ref Unsafe.Add(ref outRef, p * cout + oc), q0, cols);
                if (rows == 2)
                    Store(ref Unsafe.Add(ref outRef, (p + 1) * cout + oc), q1, cols);
            }
        }
    }

    private ref short Short(int at) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_filter16), at);

    /// <summary>Writes the first <paramref name="count"/> (1–4) bytes of <paramref name="q"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref sbyte at, Vector128<sbyte> q, int count)
    {
        if (count == TileCols)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref at), q.AsInt32().ToScalar());
            return;
        }
        for (int c = 0; c < count; c++)
            Unsafe.Add(ref at, c) = q.GetElement(c);
    }

    /// <summary>8 int8 values from <paramref name="x"/> in the low half, zeros above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Load8(ref sbyte x) =>
        Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte();

    /// <summary><paramref name="count"/> (16 or 8) int8 values from <paramref name="x"/>, zeros above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> LoadLow(ref sbyte x, int count) =>
        count == 16 ? Vector128.LoadUnsafe(ref x) : Load8(ref x);

    /// <summary>Σk x[k]·f[k] over [from, to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScalarDot(ref sbyte x, ref short f, int from, int to)
    {
        int acc = 0;
        for (int k = from; k < to; k++)
            acc += Unsafe.Add(ref x, k) * Unsafe.Add(ref f, k);
        return acc;
    }

    /// <summary>
    /// One ISA's inner product, as static members so that <see cref="Tile"/> is compiled once per ISA
    /// with everything inlined: activations of type <typeparamref name="TX"/>, int16 weights,
    /// accumulators <typeparamref name="TAcc"/> (int32 lanes).
    /// </summary>
    private interface IInnerProduct<TAcc, TX>
    {
        /// <summary>Input channels per full step.</summary>
        static abstract int Step { get; }

        /// <summary>A full step of activations from <paramref name="x"/>.</summary>
        static abstract TX Load(ref sbyte x);

        /// <summary><paramref name="count"/> (16 or 8, below <see cref="Step"/>) activations, and zeros above.</summary>
        static abstract TX LoadPart(ref sbyte x, int count);

        /// <summary><paramref name="acc"/> plus the products of <paramref name="x"/> and a full vector of weights at <paramref name="f"/>, pairs or quads of lanes summed.</summary>
        static abstract TAcc Dot(TAcc acc, TX x, ref short f);

        /// <summary>[Σ lanes of a, of b, of c, of d].</summary>
        static abstract Vector128<int> Reduce(TAcc a, TAcc b, TAcc c, TAcc d);
    }

    /// <summary>
    /// Σk x_r[k]·f_c[k] for 2 pixel rows × 4 filter rows of <paramref name="depth"/>: full steps, then
    /// half steps of 16 and 8 channels, then scalar steps.
    /// </summary>
    private static void Tile<TOp, TAcc, TX>(ref sbyte x0, ref sbyte x1, ref short f0, ref short f1, ref short f2, ref short f3,
        int depth, out Vector128<int> s0, out Vector128<int> s1)
        where TOp : IInnerProduct<TAcc, TX> where TAcc : struct
    {
        TAcc a00 = default, a01 = default, a02 = default, a03 = default;
        TAcc a10 = default, a11 = default, a12 = default, a13 = default;
        int k = 0;
        for (; k <= depth - TOp.Step; k += TOp.Step)
        {
            var v0 = TOp.Load(ref Unsafe.Add(ref x0, k));
            var v1 = TOp.Load(ref Unsafe.Add(ref x1, k));
            Step<TOp, TAcc, TX>(v0, v1, ref Unsafe.Add(ref f0, k), ref Unsafe.Add(ref f1, k), ref Unsafe.Add(ref f2, k), ref Unsafe.Add(ref f3, k),
                ref a00, ref a01, ref a02, ref a03, ref a10, ref a11, ref a12, ref a13);
        }
        for (int part = TOp.Step / 2; part >= 8; part /= 2)
        {
            if (k > depth - part)
                continue;
            // The activation lanes above the part are zero, so the weights read past it (into the
            // next row or the padding) add nothing.
            var v0 = TOp.LoadPart(ref Unsafe.Add(ref x0, k), part);
            var v1 = TOp.LoadPart(ref Unsafe.Add(ref x1, k), part);
            Step<TOp, TAcc, TX>(v0, v1, ref Unsafe.Add(ref f0, k), ref Unsafe.Add(ref f1, k), ref Unsafe.Add(ref f2, k), ref Unsafe.Add(ref f3, k),
                ref a00, ref a01, ref a02, ref a03, ref a10, ref a11, ref a12, ref a13);
            k += part;
        }
        s0 = TOp.Reduce(a00, a01, a02, a03);
        s1 = TOp.Reduce(a10, a11, a12, a13);
        if (k == depth)
            return;
        s0 += Vector128.Create(ScalarDot(ref x0, ref f0, k, depth), ScalarDot(ref x0, ref f1, k, depth),
            ScalarDot(ref x0, ref f2, k, depth), ScalarDot(ref x0, ref f3, k, depth));
        s1 += Vector128.Create(ScalarDot(ref x1, ref f0, k, depth), ScalarDot(ref x1, ref f1, k, depth),
            ScalarDot(ref x1, ref f2, k, depth), ScalarDot(ref x1, ref f3, k, depth));
    }

    /// <summary>One step of the tile: 2 activation vectors against the same slice of 4 filter rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TOp, TAcc, TX>(TX v0, TX v1, ref short f0, ref short f1, ref short f2, ref short f3,
        ref TAcc a00, ref TAcc a01, ref TAcc a02, ref TAcc a03, ref TAcc a10, ref TAcc a11, ref TAcc a12, ref TAcc a13)
        where TOp : IInnerProduct<TAcc, TX> where TAcc : struct
    {
        a00 = TOp.Dot(a00, v0, ref f0);
        a10 = TOp.Dot(a10, v1, ref f0);
        a01 = TOp.Dot(a01, v0, ref f1);
        a11 = TOp.Dot(a11, v1, ref f1);
        a02 = TOp.Dot(a02, v0, ref f2);
        a12 = TOp.Dot(a12, v1, ref f2);
        a03 = TOp.Dot(a03, v0, ref f3);
        a13 = TOp.Dot(a13, v1, ref f3);
    }

    /// <summary>Lane sums of four 256-bit accumulators (<c>vphaddd</c> twice, then the two halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Reduce256(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        var h = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a, b), Avx2.HorizontalAdd(c, d));
        return h.GetLower() + h.GetUpper();
    }

    /// <summary>x86 AVX2: int8 sign-extended to int16 (<c>vpmovsxbw</c>), <c>vpmaddwd</c> with int16 weights, 16 channels a step.</summary>
    private readonly struct Avx2Madd : IInnerProduct<Vector256<int>, Vector256<short>>
    {
        public static int Step => 16;
        public static Vector256<short> Load(ref sbyte x) => Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x));
        public static Vector256<short> LoadPart(ref sbyte x, int count) => Avx2.ConvertToVector256Int16(Load8(ref x));
        public static Vector256<int> Dot(Vector256<int> acc, Vector256<short> x, ref short f) =>
            acc + Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref f));
        public static Vector128<int> Reduce(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d) => Reduce256(a, b, c, d);
    }

    /// <summary>x86 AVX-512BW: the same with 512-bit <c>vpmaddwd</c>, 32 channels a step.</summary>
    private readonly struct Avx512Madd : IInnerProduct<Vector512<int>, Vector512<short>>
    {
        public static int Step => 32;
        public static Vector512<short> Load(ref sbyte x) => Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x));
        public static Vector512<short> LoadPart(ref sbyte x, int count) => Avx512BW.ConvertToVector512Int16(LoadLow(ref x, count).ToVector256());
        public static Vector512<int> Dot(Vector512<int> acc, Vector512<short> x, ref short f) =>
            acc + Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref f));
        public static Vector128<int> Reduce(Vector512<int> a, Vector512<int> b, Vector512<int> c, Vector512<int> d) =>
            Reduce256(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
    }
}
