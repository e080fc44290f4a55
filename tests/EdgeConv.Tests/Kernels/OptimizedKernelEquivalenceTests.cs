using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>Which reference an optimized kernel must equal, and so which problems the tests generate for it.</summary>
internal enum ConvKind
{
    /// <summary>CONV_2D, against <see cref="Conv2DInt8Reference"/>.</summary>
    Conv,
    /// <summary>DEPTHWISE_CONV_2D, against <see cref="DepthwiseConv2DInt8Reference"/>.</summary>
    Depthwise,
    /// <summary>CONV_2D with any window, stride, dilation, padding and groups, against <see cref="Conv2DInt8Reference"/>.</summary>
    GeneralConv,
}

/// <summary>
/// One int8 CONV_2D problem (everything <see cref="Conv2DInt8Reference.Run"/> takes), or, with a
/// <paramref name="DepthMultiplier"/> above 0, one DEPTHWISE_CONV_2D problem.
/// </summary>
internal sealed record ConvCase(ConvGeometry Geometry, RequantParams Q, Shape4 InShape, sbyte[] Input,
    Shape4 FilterShape, sbyte[] Filter, int[] Bias, Shape4 OutShape, int DepthMultiplier = 0)
{
    public sbyte[] RunReference()
    {
        var output = new sbyte[OutShape.FlatSize];
        if (DepthMultiplier > 0)
            DepthwiseConv2DInt8Reference.Run(Geometry, DepthMultiplier, Q, Input, InShape, Filter, FilterShape, Bias, output, OutShape);
        else
            Conv2DInt8Reference.Run(Geometry, Q, Input, InShape, Filter, FilterShape, Bias, output, OutShape);
        return output;
    }

    public override string ToString() =>
        $"in {InShape} filter {FilterShape} out {OutShape} {Geometry}{(DepthMultiplier > 0 ? $" x{DepthMultiplier}" : "")} " +
        $"in_off {Q.InputOffset} out_off {Q.OutputOffset} clamp [{Q.ActivationMin},{Q.ActivationMax}] bias {(Bias.Length == 0 ? "none" : "yes")}";
}

/// <summary>
/// An optimized conv kernel: its name, the op it computes, whether this CPU accelerates it (the
/// interpreter picks it only then), which problems it computes, and how to prepare it for one
/// (returning the run).
/// </summary>
/// <remarks>
/// <paramref name="NeedsCpu"/>: the variant uses instructions outright (AVX2, AVX-VNNI, SDOT...), so the
/// tests run it only where <paramref name="CpuSupports"/> holds and skip it, saying so (<paramref name="Needs"/>:
/// which instructions), elsewhere; a portable variant runs everywhere (on Vector128's software fallback without SIMD).
/// </remarks>
internal sealed record ConvKernelVariant(string Name, ConvKind Kind, Func<bool> CpuSupports, Func<ConvCase, bool> Applies,
    Func<ConvCase, Action<sbyte[]>> Prepare, bool NeedsCpu = false, string Needs = "instructions")
{
    public override string ToString() => Name;
}

/// <summary>
/// Every optimized int8 conv kernel against <see cref="Conv2DInt8Reference"/>, for exact equality.
/// The kernels are called directly, so a pass without SIMD (DOTNET_EnableHWIntrinsic=0) still runs
/// the portable ones on Vector128's software fallback; only a variant built on instructions this CPU
/// lacks (<see cref="ConvKernelVariant.NeedsCpu"/>) skips, with the reason.
/// </summary>
[Trait("Category", "Kernel")]
public class OptimizedKernelEquivalenceTests
{
    /// <summary>The table of variants: adding a kernel is one line here, and every test below runs it.</summary>
    internal static readonly ConvKernelVariant[] Variants =
    [
        new(nameof(PointwiseConvInt8Vector128), ConvKind.Conv, () => Vector128.IsHardwareAccelerated,
            c => PointwiseConvInt8Vector128.IsApplicable(c.Geometry, c.Q, c.InShape, c.Filter, c.FilterShape, c.OutShape),
            c =>
            {
                var kernel = new PointwiseConvInt8Vector128(c.Q, c.Filter, c.FilterShape, c.Bias);
                return output => kernel.Run(c.Input, c.InShape, output, c.OutShape);
            }),
        PointwiseIsa(PointwiseConvInt8Isa.Avx2),
        PointwiseIsa(PointwiseConvInt8Isa.Avx512BW),
        PointwiseIsa(PointwiseConvInt8Isa.AvxVnni),
        PointwiseIsa(PointwiseConvInt8Isa.ArmDp),
        PointwiseIsa(PointwiseConvInt8Isa.ArmNeon),
        new(nameof(DepthwiseConvInt8Vector128), ConvKind.Depthwise, () => Vector128.IsHardwareAccelerated,
            c => DepthwiseConvInt8Vector128.IsApplicable(c.Geometry, c.DepthMultiplier, c.Q, c.InShape, c.Filter, c.FilterShape, c.OutShape),
            c =>
            {
                var kernel = new DepthwiseConvInt8Vector128(c.Geometry, c.DepthMultiplier, c.Q, c.InShape, c.Filter, c.FilterShape, c.Bias, c.OutShape);
                var scratch = new byte[kernel.ScratchBytes];
                new Random(c.InShape.FlatSize).NextBytes(scratch);   // whatever the previous op left there
                return output => kernel.Run(c.Input, c.InShape, output, c.OutShape, scratch);
            }),
        DepthwiseX86(DepthwiseConvInt8X86Isa.Avx2),
        DepthwiseX86(DepthwiseConvInt8X86Isa.AvxVnni),
        GeneralConv(null),
        GeneralConv(GemmInt8Tile4x16Isa.AvxVnni),
        GeneralConv(GemmInt8Tile4x16Isa.ArmDp),
        GeneralConv(GemmInt8Tile4x16Isa.ArmNeon),
    ];

    /// <summary>
    /// The instructions an ISA-specific variant (named after a <see cref="PointwiseConvInt8Isa"/> or
    /// <see cref="GemmInt8Tile4x16Isa"/>) needs, as a skip says it.
    /// </summary>
    internal static string Needs(string isa) => isa switch
    {
        "Avx2" => "x86 AVX2",
        "Avx512BW" => "x86 AVX-512BW",
        "AvxVnni" => "x86 AVX-VNNI and AVX2",
        "ArmDp" => "ARM64 AdvSimd with Dp (SDOT)",
        "ArmNeon" => "ARM64 AdvSimd",
        _ => "instructions",
    };

    /// <summary>
    /// <see cref="ConvInt8Vector128"/> with its portable GEMM (<paramref name="tile"/> null), or with that
    /// <see cref="GemmInt8Tile4x16"/> micro-kernel where the CPU has it (every one, not only <see cref="GemmInt8Tile4x16.Best"/>).
    /// </summary>
    private static ConvKernelVariant GeneralConv(GemmInt8Tile4x16Isa? tile) =>
        new($"{nameof(ConvInt8Vector128)}({tile?.ToString() ?? "Vector128"})", ConvKind.GeneralConv,
            () => tile is { } isa ? GemmInt8Tile4x16.IsSupported(isa) : Vector128.IsHardwareAccelerated,
            c => ConvInt8Vector128.IsApplicable(c.Geometry, c.Q, c.InShape, c.Filter, c.FilterShape, c.OutShape),
            c =>
            {
                var kernel = new ConvInt8Vector128(c.Geometry, c.Q, c.InShape, c.Filter, c.FilterShape, c.Bias, c.OutShape, tile);
                var scratch = new byte[ConvInt8Vector128.ScratchBytes(c.FilterShape, c.OutShape)];
                new Random(c.InShape.FlatSize).NextBytes(scratch);   // whatever the previous op left there
                int rows = c.OutShape.N * c.OutShape.H, split = rows / 3;
                return output =>
                {
                    // Two row ranges, as two threads would run them.
                    kernel.Run(c.Input, c.InShape, output, c.OutShape, scratch, split, rows);
                    kernel.Run(c.Input, c.InShape, output, c.OutShape, scratch, 0, split);
                };
            },
            NeedsCpu: tile is not null, Needs: Needs(tile?.ToString() ?? ""));

    /// <summary>One ISA inner product of <see cref="PointwiseConvInt8"/>, called directly where the CPU has it.</summary>
    private static ConvKernelVariant PointwiseIsa(PointwiseConvInt8Isa isa) =>
        new($"{nameof(PointwiseConvInt8)}({isa})", ConvKind.Conv, () => PointwiseConvInt8.IsSupported(isa),
            c => PointwiseConvInt8.IsApplicable(c.Geometry, c.Q, c.InShape, c.Filter, c.FilterShape, c.OutShape),
            c =>
            {
                var kernel = new PointwiseConvInt8(c.Q, c.Filter, c.FilterShape, c.Bias, isa);
                int rows = c.OutShape.N * c.OutShape.H, split = rows / 3;
                int pixels = rows * c.OutShape.W, pixelSplit = Math.Min(pixels, pixels / 3 + 1);
                return output =>
                {
                    // Slices as threads run them: two pixel ranges (cut off the 4-pixel tiles), then two ranges
                    // on row boundaries over the same output, which must leave it unchanged.
                    int w = c.OutShape.W;
                    kernel.RunPixels(c.Input, c.InShape, output, c.OutShape, pixelSplit, pixels);
                    kernel.RunPixels(c.Input, c.InShape, output, c.OutShape, 0, pixelSplit);
                    kernel.RunPixels(c.Input, c.InShape, output, c.OutShape, split * w, rows * w);
                    kernel.RunPixels(c.Input, c.InShape, output, c.OutShape, 0, split * w);
                };
            },
            NeedsCpu: true, Needs: Needs(isa.ToString()));

    /// <summary>One instruction set of <see cref="DepthwiseConvInt8X86"/>, called directly where the CPU has it, on two row ranges as two threads would run them.</summary>
    private static ConvKernelVariant DepthwiseX86(DepthwiseConvInt8X86Isa isa) =>
        new($"{nameof(DepthwiseConvInt8X86)}({isa})", ConvKind.Depthwise, () => DepthwiseConvInt8X86.IsSupported(isa),
            c => DepthwiseConvInt8X86.IsApplicable(c.Geometry, c.DepthMultiplier, c.Q, c.InShape, c.Filter, c.FilterShape, c.OutShape),
            c =>
            {
                var kernel = new DepthwiseConvInt8X86(c.Geometry, c.DepthMultiplier, c.Q, c.InShape, c.Filter, c.FilterShape, c.Bias, c.OutShape, isa);
                var scratch = new byte[kernel.ScratchBytes];
                new Random(c.InShape.FlatSize).NextBytes(scratch);   // whatever the previous op left there
                int rows = c.OutShape.N * c.OutShape.H, split = rows / 3;
                return output =>
                {
                    kernel.Run(c.Input, c.InShape, output, c.OutShape, scratch, split, rows);
                    kernel.Run(c.Input, c.InShape, output, c.OutShape, scratch, 0, split);
                };
            },
            NeedsCpu: true, Needs: Needs(isa.ToString()));

    /// <summary>Channel counts below, at and above the vector widths (8, 16) and their multiples, odd ones, and large ones.</summary>
    private static readonly int[] ChannelCounts =
        [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 49, 63, 64, 65, 67, 128, 256];

    /// <summary>Depthwise channel counts: every count up to 67 (below, at and above 8, 16, 32 and their multiples), then 96, 128, 144 and 160.</summary>
    private static readonly int[] DepthwiseChannelCounts = [.. Enumerable.Range(1, 67), 96, 128, 144, 160];

    private static readonly int[] DepthMultipliers = [1, 2, 8];

    internal static readonly FusedActivation[] Activations =
        [FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6, FusedActivation.ReluN1To1];

    public static TheoryData<string> VariantNames() => [.. Variants.Select(v => v.Name)];

    public static TheoryData<string> DepthwiseVariantNames() => [.. Variants.Where(v => v.Kind == ConvKind.Depthwise).Select(v => v.Name)];

    public static TheoryData<string> GeneralConvVariantNames() => [.. Variants.Where(v => v.Kind == ConvKind.GeneralConv).Select(v => v.Name)];

    /// <summary>The CONV_2D variants: pointwise and general conv.</summary>
    public static TheoryData<string> ConvVariantNames() => [.. Variants.Where(v => v.Kind != ConvKind.Depthwise).Select(v => v.Name)];

    /// <summary>The variants that claim any window: depthwise and general conv.</summary>
    public static TheoryData<string> WindowVariantNames() => [.. Variants.Where(v => v.Kind != ConvKind.Conv).Select(v => v.Name)];

    public static TheoryData<string, int> VariantsAndSeeds() =>
        [.. Variants.SelectMany(v => Enumerable.Range(0, 40).Select(seed => (v.Name, seed)))];

    /// <summary>The variant called <paramref name="name"/>; skips the test when it needs instructions this CPU lacks.</summary>
    private static ConvKernelVariant Variant(string name)
    {
        var variant = Variants.Single(v => v.Name == name);
        if (variant.NeedsCpu && !variant.CpuSupports())
            Assert.Skip($"{name} needs {variant.Needs}, which this CPU (as the runtime reports it) lacks.");
        return variant;
    }

    /// <summary>
    /// Conv: every pair of input and output channel counts. Depthwise: every channel count with every
    /// depth multiplier, over random filter sizes, strides, dilations and paddings.
    /// </summary>
    [Theory]
    [MemberData(nameof(VariantNames))]
    public void EveryChannelCount_EqualsReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(17);
        if (variant.Kind == ConvKind.Depthwise)
        {
            foreach (int channels in DepthwiseChannelCounts)
                foreach (int multiplier in DepthMultipliers)
                    AssertEqualsReference(variant, RandomDepthwise(rng, channels, multiplier), $"channels {channels} x{multiplier}");
            return;
        }
        foreach (int cin in ChannelCounts)
            foreach (int cout in ChannelCounts)
            {
                // Keep the big pairs to a few pixels so the ARM64 passes under qemu stay quick.
                var c = variant.Kind == ConvKind.GeneralConv
                    ? RandomConv(rng, cin, cout, smallImage: cin * cout >= 2048)
                    : RandomPointwise(rng, cin, cout, smallImage: cin * cout >= 8192);
                AssertEqualsReference(variant, c, $"cin {cin} cout {cout}");
            }
    }

    /// <summary>
    /// Conv: every output depth from 1 to 48, so that a last column block of every width (1 to 15 bytes) is stored
    /// after zero, one and two whole blocks, from shallow and deeper inputs (depthwise: EveryChannelCount_EqualsReference).
    /// </summary>
    [Theory]
    [MemberData(nameof(ConvVariantNames))]
    public void EveryOutputDepth_EqualsReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(29);
        foreach (int cin in (int[])[3, 24])
            for (int cout = 1; cout <= 48; cout++)
            {
                var c = variant.Kind == ConvKind.GeneralConv
                    ? RandomConv(rng, cin, cout, smallImage: true)
                    : RandomPointwise(rng, cin, cout, smallImage: true);
                AssertEqualsReference(variant, c, $"cin {cin} cout {cout}");
            }
    }

    [Theory]
    [MemberData(nameof(VariantsAndSeeds))]
    public void RandomProblems_EqualReference(string name, int seed)
    {
        var variant = Variant(name);
        var rng = new Random(5000 + seed);
        ConvCase c;
        if (variant.Kind == ConvKind.Depthwise)
            c = RandomDepthwise(rng, RandomTensors.Pick(rng, DepthwiseChannelCounts), RandomTensors.Pick(rng, DepthMultipliers));
        else if (variant.Kind == ConvKind.GeneralConv)
        {
            int cin = RandomTensors.Pick(rng, ChannelCounts), cout = RandomTensors.Pick(rng, ChannelCounts);
            c = RandomConv(rng, cin, cout, smallImage: cin * cout >= 2048);
        }
        else
        {
            int cin = RandomTensors.Pick(rng, ChannelCounts), cout = RandomTensors.Pick(rng, ChannelCounts);
            c = RandomPointwise(rng, cin, cout, smallImage: cin * cout >= 8192);
        }
        AssertEqualsReference(variant, c, $"seed {seed}");
    }

    /// <summary>
    /// Depthwise and general conv: every filter size from 1×1 to 5×5, 7×7 (and micro_speech's 10×8) with
    /// every stride and dilation in 1–2, both paddings, 1 and 2 images; so the 3×3 path and the generic one,
    /// borders on every side, and windows reaching past the image.
    /// </summary>
    [Theory]
    [MemberData(nameof(WindowVariantNames))]
    public void EveryWindow_EqualsReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(23);
        var sizes = new (int H, int W)[] { (1, 1), (1, 3), (3, 1), (2, 2), (3, 3), (5, 5), (3, 5), (7, 7), (10, 8) };
        foreach (var (kh, kw) in sizes)
            foreach (int stride in new[] { 1, 2 })
                foreach (int dilation in new[] { 1, 2 })
                    foreach (var padding in new[] { Padding.Same, Padding.Valid })
                    {
                        int channels = RandomTensors.Pick(rng, 1, 3, 7, 16, 24, 33);
                        var c = variant.Kind == ConvKind.GeneralConv
                            ? RandomConv(rng, channels, RandomTensors.Pick(rng, 1, 4, 5, 8, 17, 32),
                                kh: kh, kw: kw, stride: stride, dilation: dilation, padding: padding)
                            : RandomDepthwise(rng, channels, RandomTensors.Pick(rng, DepthMultipliers),
                            kh: kh, kw: kw, stride: stride, dilation: dilation, padding: padding);
                        AssertEqualsReference(variant, c, $"{kh}x{kw} s{stride} d{dilation} {padding}");
                    }
    }

    /// <summary>
    /// Stride 1, dilation 1, where <see cref="DepthwiseConvInt8X86"/> lets 2 or 4 pixels read one quad column: filter
    /// widths that share by 4 (1, 5), by 2 (2, 3, 6, 7) and not at all (4, 8), on rows of 1 to 19 pixels (whole and
    /// partial quad columns, and every pixel batch of the 8- and 16-channel loops), SAME and VALID, with multipliers.
    /// </summary>
    [Theory]
    [MemberData(nameof(DepthwiseVariantNames))]
    public void StrideOneRows_EqualReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(31);
        foreach (int kw in (int[])[1, 2, 3, 4, 5, 6, 7, 8])
            foreach (int channels in (int[])[3, 8, 13, 16, 24, 40])
            {
                int outW = rng.Next(1, 20), kh = RandomTensors.Pick(rng, 1, 3, 5);
                var padding = RandomTensors.Pick(rng, Padding.Same, Padding.Valid);
                int inW = padding == Padding.Same ? outW : outW + kw - 1;
                var c = RandomDepthwise(rng, channels, RandomTensors.Pick(rng, 1, 1, 2), kh: kh, kw: kw, stride: 1, dilation: 1,
                    padding: padding, image: new Shape4(1, kh + rng.Next(0, 3), inW, channels));
                AssertEqualsReference(variant, c, $"{kh}x{kw} {padding} width {inW} channels {channels}");
            }
    }

    /// <summary>micro_speech's depthwise conv: 49×40×1 input, 10×8 filter, multiplier 8, stride 2, SAME.</summary>
    [Theory]
    [MemberData(nameof(DepthwiseVariantNames))]
    public void MicroSpeechShape_EqualsReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(49);
        foreach (var act in Activations)
        {
            var c = RandomDepthwise(rng, 1, 8, kh: 10, kw: 8, stride: 2, dilation: 1, padding: Padding.Same,
                act: act, image: new Shape4(1, 49, 40, 1));
            AssertEqualsReference(variant, c, $"micro_speech {act}");
        }
    }

    /// <summary>
    /// Extremes: zero points -128 and 127, inputs and weights at ±127/-128, biases near the int32
    /// limits, so the reference's accumulator wraps: the folded bias must wrap to the same value.
    /// </summary>
    [Theory]
    [MemberData(nameof(VariantNames))]
    public void ExtremeValues_AndWrappingAccumulators_EqualReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(99);
        foreach (int cin in new[] { 1, 17, 256 })
            foreach (int inZp in new[] { -128, 127 })
                foreach (int outZp in new[] { -128, 127 })
                    foreach (var act in Activations)
                        foreach (int biasKind in new[] { 0, 1, 2 })
                            foreach (int fill in new[] { -127, 127, 0 })
                            {
                                var c = variant.Kind == ConvKind.Depthwise
                                    ? RandomDepthwise(rng, cin, RandomTensors.Pick(rng, DepthMultipliers), inZp: inZp, outZp: outZp, act: act)
                                    : variant.Kind == ConvKind.GeneralConv
                                    ? RandomConv(rng, cin, 5, smallImage: true, inZp: inZp, outZp: outZp, act: act)
                                    : RandomPointwise(rng, cin, 5, smallImage: true, inZp: inZp, outZp: outZp, act: act);
                                int cout = c.OutShape.C;
                                Array.Fill(c.Input, fill == 0 ? (sbyte)-128 : (sbyte)127);
                                for (int i = 0; i < c.Filter.Length; i++)
                                    c.Filter[i] = fill == 0 ? (sbyte)(i % 2 == 0 ? 127 : -127) : (sbyte)fill;
                                var bias = biasKind switch
                                {
                                    0 => [],
                                    1 => Enumerable.Repeat(int.MaxValue - 1000, cout).ToArray(),
                                    _ => Enumerable.Repeat(int.MinValue + 1000, cout).ToArray(),
                                };
                                AssertEqualsReference(variant, c with { Bias = bias },
                                    $"cin {cin} zp {inZp}/{outZp} {act} bias kind {biasKind} fill {fill}");
                            }
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void Run_AllocatesNothing(string name)
    {
        var variant = Variant(name);
        var c = variant.Kind == ConvKind.Depthwise
            ? RandomDepthwise(new Random(3), 33, 2)
            : variant.Kind == ConvKind.GeneralConv
            ? RandomConv(new Random(3), 33, 19)
            : RandomPointwise(new Random(3), 33, 19, smallImage: false);
        var run = variant.Prepare(c);
        var output = new sbyte[c.OutShape.FlatSize];
        Allocations.AssertNoneAfterWarmUp(() => run(output));
    }

    /// <summary>
    /// MobileNetV2's stem (3 input channels, 3×3 stride 2, 32 outputs) on smaller images, SAME and VALID,
    /// 1 and 2 images, every clamp; and grouped convs with 2, 3 and 4 groups.
    /// </summary>
    [Theory]
    [MemberData(nameof(GeneralConvVariantNames))]
    public void StemAndGroupedShapes_EqualReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(224);
        foreach (var padding in new[] { Padding.Same, Padding.Valid })
            foreach (int batches in new[] { 1, 2 })
                foreach (var act in Activations)
                {
                    int size = rng.Next(9, 30);
                    var c = RandomConv(rng, 3, 32, kh: 3, kw: 3, stride: 2, dilation: 1, padding: padding, act: act,
                        image: new Shape4(batches, size, size + rng.Next(0, 3), 3), groups: 1);
                    AssertEqualsReference(variant, c, $"stem {padding} batch {batches} {act}");
                }
        // Filter rows of 8 to 32 bytes (kw·Cin), which im2col copies row by row for the windows inside the image's width:
        // both ends of each copy form (words up to 16 bytes, vectors above), every stride and padding.
        foreach (var (cin, k) in new[] { (4, 2), (3, 3), (5, 3), (3, 5), (8, 2), (17, 1), (6, 3), (4, 5), (32, 1), (11, 3), (3, 7) })
            foreach (int stride in new[] { 1, 2, 3 })
                foreach (var padding in new[] { Padding.Same, Padding.Valid })
                {
                    int size = rng.Next(k + 1, 16);
                    var c = RandomConv(rng, cin, RandomTensors.Pick(rng, 3, 8, 16, 24), kh: k, kw: k, stride: stride, dilation: 1, padding: padding,
                        act: RandomTensors.Pick(rng, Activations), image: new Shape4(1, size, size + rng.Next(0, 4), cin), groups: 1);
                    AssertEqualsReference(variant, c, $"filter row {k}x{cin} s{stride} {padding}");
                }
        foreach (int groups in new[] { 2, 3, 4 })
            foreach (int perGroupIn in new[] { 1, 3, 8, 17 })
                foreach (int perGroupOut in new[] { 1, 4, 5, 16 })
                {
                    var c = RandomConv(rng, groups * perGroupIn, groups * perGroupOut, groups: groups);
                    AssertEqualsReference(variant, c, $"groups {groups} {perGroupIn}->{perGroupOut} per group");
                }
    }

    [Fact]
    public void GeneralConv_IsApplicable_OnlyToSymmetricWeightsWithoutMinus128()
    {
        var c = RandomConv(new Random(4), 6, 4, groups: 2);
        bool Applies(ConvCase x) => ConvInt8Vector128.IsApplicable(x.Geometry, x.Q, x.InShape, x.Filter, x.FilterShape, x.OutShape);
        Assert.True(Applies(c));
        Assert.False(Applies(c with { FilterShape = c.FilterShape with { C = 4 }, Filter = new sbyte[c.OutShape.C * c.FilterShape.H * c.FilterShape.W * 4] }));  // 4 does not divide 6
        Assert.False(Applies(RandomConv(new Random(4), 6, 4, filterOffset: 1)));
        var withMinus128 = (sbyte[])c.Filter.Clone();
        withMinus128[1] = sbyte.MinValue;
        Assert.False(Applies(c with { Filter = withMinus128 }));
        Assert.Throws<ArgumentException>(() =>
            new ConvInt8Vector128(c.Geometry, c.Q, c.InShape, withMinus128, c.FilterShape, c.Bias, c.OutShape));
        var kernel = new ConvInt8Vector128(c.Geometry, c.Q, c.InShape, c.Filter, c.FilterShape, c.Bias, c.OutShape);
        Assert.Throws<ArgumentException>(() => kernel.Run(c.Input, c.InShape, new sbyte[c.OutShape.FlatSize], c.OutShape,
            new byte[ConvInt8Vector128.ScratchBytes(c.FilterShape, c.OutShape) - 1]));
    }

    [Fact]
    public void Pointwise_IsApplicable_OnlyTo1x1Stride1UnpaddedUngroupedSymmetricWeights()
    {
        var c = RandomPointwise(new Random(4), 8, 4, smallImage: true);
        bool Applies(ConvCase x) => PointwiseConvInt8Vector128.IsApplicable(x.Geometry, x.Q, x.InShape, x.Filter, x.FilterShape, x.OutShape);
        Assert.True(Applies(c));
        Assert.True(Applies(c with { Geometry = c.Geometry with { DilationH = 3, DilationW = 2 } }));
        Assert.False(Applies(c with { Geometry = c.Geometry with { StrideH = 2 } }));
        Assert.False(Applies(c with { Geometry = c.Geometry with { StrideW = 2 } }));
        Assert.False(Applies(c with { Geometry = c.Geometry with { PadTop = 1 } }));
        Assert.False(Applies(c with { FilterShape = new Shape4(4, 1, 1, 4), Filter = c.Filter[..16] }));  // grouped
        Assert.False(Applies(RandomPointwise(new Random(4), 8, 4, smallImage: true, filterOffset: 1)));
        var withMinus128 = (sbyte[])c.Filter.Clone();
        withMinus128[5] = sbyte.MinValue;
        Assert.False(Applies(c with { Filter = withMinus128 }));
        Assert.Throws<ArgumentException>(() => new PointwiseConvInt8Vector128(c.Q, withMinus128, c.FilterShape, c.Bias));

        var spatial = new Shape4(2, 3, 3, 8);
        var g = ConvGeometry.Create(Padding.Same, 1, 1, 1, 1, 3, 3, 3, 3, out _, out _);
        Assert.False(PointwiseConvInt8Vector128.IsApplicable(g, c.Q, spatial, new sbyte[4 * 9 * 8], new Shape4(4, 3, 3, 8), spatial with { C = 4 }));
    }

    [Fact]
    public void Depthwise_IsApplicable_OnlyToSymmetricWeightsWithoutMinus128()
    {
        var c = RandomDepthwise(new Random(4), 8, 2);
        bool Applies(ConvCase x) => DepthwiseConvInt8Vector128.IsApplicable(x.Geometry, x.DepthMultiplier, x.Q, x.InShape, x.Filter, x.FilterShape, x.OutShape);
        Assert.True(Applies(c));
        Assert.False(Applies(c with { DepthMultiplier = 1 }));   // 8 channels x1 is not the filter's 16
        Assert.False(Applies(RandomDepthwise(new Random(4), 8, 2, filterOffset: 1)));
        var withMinus128 = (sbyte[])c.Filter.Clone();
        withMinus128[3] = sbyte.MinValue;
        Assert.False(Applies(c with { Filter = withMinus128 }));
        Assert.Throws<ArgumentException>(() =>
            new DepthwiseConvInt8Vector128(c.Geometry, c.DepthMultiplier, c.Q, c.InShape, withMinus128, c.FilterShape, c.Bias, c.OutShape));
    }

    /// <summary>
    /// <see cref="DepthwiseConvInt8X86"/> takes weights of −128 too (its products are int8 × uint8, exact in
    /// int32): random problems with −128 weights, on each instruction set this CPU has, equal the reference.
    /// </summary>
    [Theory]
    [InlineData(DepthwiseConvInt8X86Isa.Avx2)]
    [InlineData(DepthwiseConvInt8X86Isa.AvxVnni)]
    public void DepthwiseX86_WeightsOfMinus128_EqualReference(DepthwiseConvInt8X86Isa isa)
    {
        var variant = Variant($"{nameof(DepthwiseConvInt8X86)}({isa})");
        var rng = new Random(128);
        foreach (int channels in new[] { 3, 24, 33, 40 })
        {
            var c = RandomDepthwise(rng, channels, RandomTensors.Pick(rng, DepthMultipliers), kh: 3, kw: 3);
            for (int i = 0; i < c.Filter.Length; i += 3)
                c.Filter[i] = sbyte.MinValue;
            AssertEqualsReference(variant, c, $"channels {channels} with -128 weights");
        }
    }

    /// <summary>
    /// The interpreter runs every depthwise conv of person_detect, MobileNetV2 and micro_speech on the x86
    /// kernel where AVX2 is supported, on the Vector128 one where else Vector128 is accelerated.
    /// </summary>
    [Theory]
    [InlineData("person_detect.tflite")]
    [InlineData("mobilenet_v2_quantized_1x3x224x224.tflite")]
    [InlineData("micro_speech_quantized.tflite")]
    public void Interpreter_ChoosesDepthwiseKernel(string file)
    {
        var model = Model.Load(SharedFiles.Require("models", file));
        var depthwise = model.Operations.Where(o => o.Op == "DEPTHWISE_CONV_2D").ToList();
        Assert.NotEmpty(depthwise);
        string expected = DepthwiseConvInt8X86.IsSupportedOnThisCpu ? $"{nameof(DepthwiseConvInt8X86)}({DepthwiseConvInt8X86.Best})" :
            Vector128.IsHardwareAccelerated ? nameof(DepthwiseConvInt8Vector128) : nameof(DepthwiseConv2DInt8Reference);
        Assert.All(depthwise, o => Assert.StartsWith(expected, o.Kernel, StringComparison.Ordinal));
        // The kernel's scratch (padded rows, zero-point row) is reserved at the end of every interpreter's arena.
        Assert.Equal(Vector128.IsHardwareAccelerated, model.ScratchBytes > 0);
        Assert.True(model.ArenaBytes >= model.ScratchBytes);
    }

    /// <summary>
    /// The interpreter runs the 1×1 convs of person_detect and MobileNetV2 on the pointwise kernel and the
    /// others (MobileNetV2's 3×3 stem) on the general one where Vector128 is accelerated, and all on the reference elsewhere.
    /// </summary>
    [Theory]
    [InlineData("person_detect.tflite")]
    [InlineData("mobilenet_v2_quantized_1x3x224x224.tflite")]
    public void Interpreter_ChoosesPointwiseKernel_For1x1Convs_AndGeneralKernel_ForOthers(string file)
    {
        var model = Model.Load(SharedFiles.Require("models", file));
        string expected = Vector128.IsHardwareAccelerated ? $"{nameof(PointwiseConvInt8)}({PointwiseConvInt8.Best})" : nameof(Conv2DInt8Reference);
        string general = Vector128.IsHardwareAccelerated ? nameof(ConvInt8Vector128) : nameof(Conv2DInt8Reference);
        var pointwise = model.Operations
            .Where(o => o.Op == "CONV_2D")
            .Where(o => model.Graph.Tensors[o.Inputs[1]].Shape is [_, 1, 1, _])
            .ToList();
        Assert.NotEmpty(pointwise);
        Assert.All(pointwise, o => Assert.Equal(expected, o.Kernel));
        var others = model.Operations.Where(o => o.Op == "CONV_2D").Except(pointwise).ToList();   // none in person_detect
        Assert.All(others, o => Assert.StartsWith(general, o.Kernel, StringComparison.Ordinal));
        Assert.Equal(Vector128.IsHardwareAccelerated, model.ScratchBytes > 0);
    }

    /// <summary>
    /// A random depthwise problem: filter 1×1 to 5×5 (mostly 3×3), stride, dilation 1–2, SAME or VALID,
    /// batch 1–2, an image at least as large as the window (a few pixels when the depth is large),
    /// weights in [-127, 127] with ±127 present, per-channel or per-tensor multipliers (some above 1),
    /// bias present or absent, any fused activation. Arguments given fix the corresponding choice.
    /// </summary>
    private static ConvCase RandomDepthwise(Random rng, int channels, int multiplier,
        int? inZp = null, int? outZp = null, FusedActivation? act = null, int filterOffset = 0,
        int? kh = null, int? kw = null, int? stride = null, int? dilation = null, Padding? padding = null, Shape4? image = null)
    {
        int fh = kh ?? RandomTensors.Pick(rng, 1, 2, 3, 3, 3, 3, 5);
        int fw = kw ?? (rng.Next(4) == 0 ? RandomTensors.Pick(rng, 1, 2, 3, 5) : fh);
        int sh = stride ?? rng.Next(1, 3), sw = stride ?? rng.Next(1, 3);
        int dh = dilation ?? rng.Next(1, 3), dw = dilation ?? rng.Next(1, 3);
        var pad = padding ?? RandomTensors.Pick(rng, Padding.Same, Padding.Valid);
        int depth = channels * multiplier;
        int effH = (fh - 1) * dh + 1, effW = (fw - 1) * dw + 1;
        int extra = depth >= 512 ? 1 : 4;
        var inShape = image ?? new Shape4(rng.Next(1, 3), effH + rng.Next(0, extra + 1), effW + rng.Next(0, extra + 1), channels);
        var g = ConvGeometry.Create(pad, sh, sw, dh, dw, inShape.H, inShape.W, fh, fw, out int outH, out int outW);
        var filterShape = new Shape4(1, fh, fw, depth);
        var (filter, q, bias) = RandomLayer(rng, filterShape.FlatSize, depth, 2e-3f, fh * fw, inZp, outZp, act, filterOffset);
        return new ConvCase(g, q, inShape, RandomTensors.Int8(rng, inShape.FlatSize), filterShape, filter, bias,
            new Shape4(inShape.N, outH, outW, depth), multiplier);
    }

    /// <summary>
    /// A random CONV_2D problem: filter 1×1 to 7×7 (mostly 3×3), stride, dilation 1–2, SAME or VALID, batch
    /// 1–2, an image at least as large as the window (with <paramref name="smallImage"/>: one image the size
    /// of an undilated window of at most 3×3), now and then 2 or
    /// 3 groups (when they divide both depths; <paramref name="groups"/> above 0 fixes the count), weights in
    /// [-127, 127] with ±127 present, per-channel or per-tensor multipliers (some above 1), bias present or
    /// absent, any fused activation. Arguments given fix the corresponding choice.
    /// </summary>
    private static ConvCase RandomConv(Random rng, int cin, int cout, bool smallImage = false,
        int? inZp = null, int? outZp = null, FusedActivation? act = null, int filterOffset = 0,
        int? kh = null, int? kw = null, int? stride = null, int? dilation = null, Padding? padding = null, Shape4? image = null,
        int groups = 0)
    {
        // A small image also keeps the window at most 3×3, undilated: a few outputs of a large depth.
        int fh = kh ?? (smallImage ? RandomTensors.Pick(rng, 1, 3) : RandomTensors.Pick(rng, 1, 2, 3, 3, 3, 3, 5, 7));
        int fw = kw ?? (rng.Next(4) == 0 ? RandomTensors.Pick(rng, 1, 3) : fh);
        int sh = stride ?? rng.Next(1, 3), sw = stride ?? rng.Next(1, 3);
        int dh = dilation ?? (smallImage ? 1 : rng.Next(1, 3)), dw = dilation ?? (smallImage ? 1 : rng.Next(1, 3));
        var pad = padding ?? RandomTensors.Pick(rng, Padding.Same, Padding.Valid);
        if (groups == 0)
        {
            int g = RandomTensors.Pick(rng, 2, 3);
            groups = rng.Next(4) == 0 && cin % g == 0 && cout % g == 0 ? g : 1;
        }
        int effH = (fh - 1) * dh + 1, effW = (fw - 1) * dw + 1;
        int extra = smallImage ? 0 : 4;
        var inShape = image ?? new Shape4(smallImage ? 1 : rng.Next(1, 3), effH + rng.Next(0, extra + 1), effW + rng.Next(0, extra + 1), cin);
        var g2 = ConvGeometry.Create(pad, sh, sw, dh, dw, inShape.H, inShape.W, fh, fw, out int outH, out int outW);
        var filterShape = new Shape4(cout, fh, fw, cin / groups);
        var (filter, q, bias) = RandomLayer(rng, filterShape.FlatSize, cout, 2e-4f, fh * fw * filterShape.C, inZp, outZp, act, filterOffset);
        return new ConvCase(g2, q, inShape, RandomTensors.Int8(rng, inShape.FlatSize), filterShape, filter, bias,
            new Shape4(inShape.N, outH, outW, cout));
    }

    private static void AssertEqualsReference(ConvKernelVariant variant, ConvCase c, string context)
    {
        Assert.True(variant.Applies(c), $"{variant.Name} does not apply to {context}: {c}");
        var expected = c.RunReference();
        var actual = new sbyte[expected.Length];
        variant.Prepare(c)(actual);
        int diff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{variant.Name} {context}: {c}: element {diff} is {(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }

    /// <summary>
    /// Random weights, requantization and bias of a conv-like layer with <paramref name="channels"/> output channels:
    /// weights in [-127, 127] with ±127 present; output scale = input scale, so each filter scale is the effective
    /// multiplier: mostly in [<paramref name="minScale"/>, 0.03]/√<paramref name="fanIn"/> (outputs inside int8, so
    /// the comparison is not of clamps), one in 8 above 1; per-channel or per-tensor; bias present or absent; any
    /// fused activation unless fixed.
    /// </summary>
    internal static (sbyte[] Filter, RequantParams Q, int[] Bias) RandomLayer(Random rng, int filterSize, int channels,
        float minScale, int fanIn, int? inZp, int? outZp, FusedActivation? act, int filterOffset)
    {
        var filter = RandomTensors.Int8(rng, filterSize, -127, 127);
        filter[rng.Next(filter.Length)] = 127;
        filter[rng.Next(filter.Length)] = -127;
        var fScales = new float[channels];
        for (int oc = 0; oc < channels; oc++)
            fScales[oc] = rng.Next(8) == 0 ? QuantTestHelpers.Scale(rng, 1f, 4f) : QuantTestHelpers.Scale(rng, minScale, 3e-2f) / MathF.Sqrt(fanIn);
        if (rng.Next(2) == 0)
            Array.Fill(fScales, fScales[0]);   // per-tensor
        float scale = QuantTestHelpers.Scale(rng, 0.01f, 0.2f);
        int zIn = inZp ?? QuantTestHelpers.ZeroPoint(rng), zOut = outZp ?? QuantTestHelpers.ZeroPoint(rng);
        var q = ConvReferenceToleranceTests.Requant(scale, zIn, fScales, scale, zOut, act ?? RandomTensors.Pick(rng, Activations), filterOffset);
        int[] bias = rng.Next(3) == 0 ? [] : RandomTensors.Int32(rng, channels, -60000, 60000);
        return (filter, q, bias);
    }

    /// <summary>
    /// A random 1×1 stride-1 problem: batch 1–2, H×W 1×1 to 7×9 (1×1 to 3×3 when
    /// <paramref name="smallImage"/>), weights in [-127, 127] with ±127 present, per-channel or
    /// per-tensor multipliers (some above 1), bias present or absent, any fused activation.
    /// </summary>
    private static ConvCase RandomPointwise(Random rng, int cin, int cout, bool smallImage,
        int? inZp = null, int? outZp = null, FusedActivation? act = null, int filterOffset = 0)
    {
        var inShape = smallImage
            ? new Shape4(1, rng.Next(1, 4), rng.Next(1, 4), cin)
            : new Shape4(rng.Next(1, 3), rng.Next(1, 8), rng.Next(1, 10), cin);
        var filterShape = new Shape4(cout, 1, 1, cin);
        var (filter, q, bias) = RandomLayer(rng, filterShape.FlatSize, cout, 2e-4f, cin, inZp, outZp, act, filterOffset);
        var g = new ConvGeometry(1, 1, rng.Next(1, 3), rng.Next(1, 3), 0, 0);
        return new ConvCase(g, q, inShape, RandomTensors.Int8(rng, inShape.FlatSize), filterShape, filter, bias, inShape with { C = cout });
    }
}
