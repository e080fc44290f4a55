using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>One int8 CONV_2D problem: everything <see cref="Conv2DInt8Reference.Run"/> takes.</summary>
internal sealed record ConvCase(ConvGeometry Geometry, RequantParams Q, Shape4 InShape, sbyte[] Input,
    Shape4 FilterShape, sbyte[] Filter, int[] Bias, Shape4 OutShape)
{
    public sbyte[] RunReference()
    {
        var output = new sbyte[OutShape.FlatSize];
        Conv2DInt8Reference.Run(Geometry, Q, Input, InShape, Filter, FilterShape, Bias, output, OutShape);
        return output;
    }

    public override string ToString() =>
        $"in {InShape} filter {FilterShape} out {OutShape} in_off {Q.InputOffset} out_off {Q.OutputOffset} " +
        $"clamp [{Q.ActivationMin},{Q.ActivationMax}] bias {(Bias.Length == 0 ? "none" : "yes")}";
}

/// <summary>
/// An optimized conv kernel: its name, whether this CPU accelerates it (the interpreter picks it only
/// then), which problems it computes, and how to prepare it for one (returning the run).
/// </summary>
internal sealed record ConvKernelVariant(string Name, Func<bool> CpuSupports, Func<ConvCase, bool> Applies,
    Func<ConvCase, Action<sbyte[]>> Prepare)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every optimized int8 conv kernel against <see cref="Conv2DInt8Reference"/>, for exact equality.
/// The kernels are called directly, so a pass without SIMD (DOTNET_EnableHWIntrinsic=0) still runs
/// their code on Vector128's software fallback; nothing here skips.
/// </summary>
[Trait("Category", "Kernel")]
public class OptimizedKernelEquivalenceTests
{
    /// <summary>The table of variants: adding a kernel is one line here, and every test below runs it.</summary>
    internal static readonly ConvKernelVariant[] Variants =
    [
        new(nameof(PointwiseConvInt8Vector128), () => Vector128.IsHardwareAccelerated,
            c => PointwiseConvInt8Vector128.IsApplicable(c.Geometry, c.Q, c.InShape, c.Filter, c.FilterShape, c.OutShape),
            c =>
            {
                var kernel = new PointwiseConvInt8Vector128(c.Q, c.Filter, c.FilterShape, c.Bias);
                return output => kernel.Run(c.Input, c.InShape, output, c.OutShape);
            }),
    ];

    /// <summary>Channel counts below, at and above the vector widths (8, 16) and their multiples, odd ones, and large ones.</summary>
    private static readonly int[] ChannelCounts =
        [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 49, 63, 64, 65, 67, 128, 256];

    private static readonly FusedActivation[] Activations =
        [FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6, FusedActivation.ReluN1To1];

    public static TheoryData<string> VariantNames() => [.. Variants.Select(v => v.Name)];

    public static TheoryData<string, int> VariantsAndSeeds() =>
        [.. Variants.SelectMany(v => Enumerable.Range(0, 40).Select(seed => (v.Name, seed)))];

    private static ConvKernelVariant Variant(string name) => Variants.Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void EveryPairOfChannelCounts_EqualsReference(string name)
    {
        var variant = Variant(name);
        var rng = new Random(17);
        foreach (int cin in ChannelCounts)
            foreach (int cout in ChannelCounts)
            {
                // Keep the big pairs to a few pixels so the ARM64 passes under qemu stay quick.
                var c = RandomPointwise(rng, cin, cout, smallImage: cin * cout >= 8192);
                AssertEqualsReference(variant, c, $"cin {cin} cout {cout}");
            }
    }

    [Theory]
    [MemberData(nameof(VariantsAndSeeds))]
    public void RandomProblems_EqualReference(string name, int seed)
    {
        var rng = new Random(5000 + seed);
        int cin = RandomTensors.Pick(rng, ChannelCounts), cout = RandomTensors.Pick(rng, ChannelCounts);
        var c = RandomPointwise(rng, cin, cout, smallImage: cin * cout >= 8192);
        AssertEqualsReference(Variant(name), c, $"seed {seed}");
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
                                int cout = 5;
                                var c = RandomPointwise(rng, cin, cout, smallImage: true, inZp: inZp, outZp: outZp, act: act);
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
        var c = RandomPointwise(new Random(3), 33, 19, smallImage: false);
        var run = Variant(name).Prepare(c);
        var output = new sbyte[c.OutShape.FlatSize];
        run(output); // JIT and type initialisation happen here.
        long before = GC.GetAllocatedBytesForCurrentThread();
        run(output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
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

    /// <summary>The interpreter runs person_detect's 1×1 convs on the optimized kernel where Vector128 is accelerated (and on the reference elsewhere).</summary>
    [Fact]
    public void Interpreter_ChoosesPointwiseKernel_ForPersonDetects1x1Convs()
    {
        var model = Model.Load(SharedFiles.Require("models", "person_detect.tflite"));
        string expected = Vector128.IsHardwareAccelerated ? nameof(PointwiseConvInt8Vector128) : nameof(Conv2DInt8Reference);
        var pointwise = model.Operations
            .Where(o => o.Op == "CONV_2D")
            .Where(o => model.Graph.Tensors[o.Inputs[1]].Shape is [_, 1, 1, _])
            .ToList();
        Assert.NotEmpty(pointwise);
        Assert.All(pointwise, o => Assert.Equal(expected, o.Kernel));
        Assert.All(model.Operations.Where(o => o.Op == "CONV_2D").Except(pointwise),
            o => Assert.StartsWith(nameof(Conv2DInt8Reference), o.Kernel, StringComparison.Ordinal));
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
        var filter = RandomTensors.Int8(rng, filterShape.FlatSize, -127, 127);
        filter[rng.Next(filter.Length)] = 127;
        filter[rng.Next(filter.Length)] = -127;
        // Output scale = input scale, so each filter scale is the effective multiplier: mostly ones that
        // keep outputs inside int8 (so the comparison is not of clamps), a few above 1.
        var fScales = new float[cout];
        for (int oc = 0; oc < cout; oc++)
            fScales[oc] = rng.Next(8) == 0 ? QuantTestHelpers.Scale(rng, 1f, 4f) : QuantTestHelpers.Scale(rng, 2e-4f, 3e-2f) / MathF.Sqrt(cin);
        if (rng.Next(2) == 0)
            Array.Fill(fScales, fScales[0]);   // per-tensor
        float scale = QuantTestHelpers.Scale(rng, 0.01f, 0.2f);
        int zIn = inZp ?? QuantTestHelpers.ZeroPoint(rng), zOut = outZp ?? QuantTestHelpers.ZeroPoint(rng);
        var q = ConvReferenceToleranceTests.Requant(scale, zIn, fScales, scale, zOut, act ?? RandomTensors.Pick(rng, Activations), filterOffset);
        int[] bias = rng.Next(3) == 0 ? [] : RandomTensors.Int32(rng, cout, -60000, 60000);
        var g = new ConvGeometry(1, 1, rng.Next(1, 3), rng.Next(1, 3), 0, 0);
        return new ConvCase(g, q, inShape, RandomTensors.Int8(rng, inShape.FlatSize), filterShape, filter, bias, inShape with { C = cout });
    }
}
