using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="Pool2DInt8Vector"/> against <see cref="Pool2DInt8Reference"/>, for exact equality, max and average,
/// at both widths. The kernel is called directly, so the Vector256 path runs (on the software fallback) even where
/// it is not accelerated, and the Vector128 path runs on a CPU with AVX2 too.
/// </summary>
[Trait("Category", "Kernel")]
public class Pool2DInt8VectorTests
{
    /// <summary>One pooling problem: everything the reference takes.</summary>
    private sealed record PoolCase(bool IsMax, ConvGeometry G, int Fh, int Fw, int Min, int Max, Shape4 InShape, sbyte[] Input, Shape4 OutShape)
    {
        public override string ToString() =>
            $"{(IsMax ? "max" : "avg")} {Fh}x{Fw} {G} in {InShape} out {OutShape} clamp [{Min},{Max}]";
    }

    public static TheoryData<VectorWidth, bool> WidthsAndOps() => new()
    {
        { VectorWidth.Vector128, true }, { VectorWidth.Vector128, false },
        { VectorWidth.Vector256, true }, { VectorWidth.Vector256, false },
    };

    /// <summary>Every channel count from 1 to 67 (below, at and above 8, 16, 32 and their multiples) and 128, random windows.</summary>
    [Theory]
    [MemberData(nameof(WidthsAndOps))]
    public void EveryChannelCount_EqualsReference(VectorWidth width, bool isMax)
    {
        var rng = new Random(isMax ? 31 : 32);
        foreach (int channels in Enumerable.Range(1, 67).Append(128))
            AssertEqualsReference(width, RandomCase(rng, isMax, channels), $"channels {channels}");
    }

    /// <summary>Every filter from 1×1 to 4×4 and 7×7 (and 2×5, 5×2), strides 1 to 3 in either direction, SAME and VALID, 1 and 2 images.</summary>
    [Theory]
    [MemberData(nameof(WidthsAndOps))]
    public void EveryWindow_EqualsReference(VectorWidth width, bool isMax)
    {
        var rng = new Random(isMax ? 41 : 42);
        var sizes = new (int H, int W)[] { (1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (1, 3), (3, 1), (4, 4), (2, 5), (5, 2), (7, 7) };
        foreach (var (fh, fw) in sizes)
            foreach (int sh in new[] { 1, 2, 3 })
                foreach (int sw in new[] { 1, 2, 3 })
                    foreach (var padding in new[] { Padding.Same, Padding.Valid })
                    {
                        var c = RandomCase(rng, isMax, RandomTensors.Pick(rng, 1, 5, 8, 13, 16, 28, 32, 42, 67),
                            fh: fh, fw: fw, sh: sh, sw: sw, padding: padding);
                        AssertEqualsReference(width, c, $"{fh}x{fw} s{sh}x{sw} {padding}");
                    }
    }

    /// <summary>Every fused activation with the zero point at −128, 127 and in between.</summary>
    [Theory]
    [MemberData(nameof(WidthsAndOps))]
    public void EveryClampAndZeroPoint_EqualsReference(VectorWidth width, bool isMax)
    {
        var rng = new Random(isMax ? 51 : 52);
        foreach (var act in OptimizedKernelEquivalenceTests.Activations)
            foreach (int zp in new[] { -128, 127, -3, 40 })
                foreach (int channels in new[] { 3, 16, 33 })
                    AssertEqualsReference(width, RandomCase(rng, isMax, channels, act: act, zp: zp), $"{act} zp {zp} channels {channels}");
    }

    /// <summary>
    /// Inputs all −128 or all 127 (the int16 sums at their limits), windows of 256 taps (16×16: one int16 group) and
    /// more (17×17, 3×300: several groups, and rows of more than 256 taps cannot be pooled), odd tap counts at
    /// the borders (exact halves), and random extremes.
    /// </summary>
    [Theory]
    [MemberData(nameof(WidthsAndOps))]
    public void ExtremeValues_AndLargeWindows_EqualReference(VectorWidth width, bool isMax)
    {
        var rng = new Random(isMax ? 61 : 62);
        foreach (var (fh, fw) in new[] { (16, 16), (17, 17), (2, 256), (30, 9) })
            foreach (sbyte fill in new sbyte[] { -128, 127, 0 })
                foreach (var padding in new[] { Padding.Same, Padding.Valid })
                {
                    int channels = RandomTensors.Pick(rng, 7, 24, 40);
                    var c = RandomCase(rng, isMax, channels, fh: fh, fw: fw, sh: rng.Next(1, 4), sw: rng.Next(1, 4), padding: padding,
                        image: new Shape4(1, fh + rng.Next(0, 3), fw + rng.Next(0, 3), channels));
                    if (fill != 0)
                        Array.Fill(c.Input, fill);
                    else
                        for (int i = 0; i < c.Input.Length; i++)
                            c.Input[i] = rng.Next(2) == 0 ? sbyte.MinValue : sbyte.MaxValue;
                    AssertEqualsReference(width, c, $"{fh}x{fw} {padding} fill {fill}");
                }
    }

    [Theory]
    [MemberData(nameof(WidthsAndOps))]
    public void RandomProblems_EqualReference(VectorWidth width, bool isMax)
    {
        var rng = new Random(isMax ? 71 : 72);
        for (int i = 0; i < 60; i++)
            AssertEqualsReference(width, RandomCase(rng, isMax, rng.Next(1, 100)), $"problem {i}");
    }

    [Fact]
    public void IsApplicable_OnlyToWindowsWithinLimits()
    {
        var s = new Shape4(1, 4, 4, 8);
        Assert.True(Pool2DInt8Vector.IsApplicable(false, 256, 256, -128, 127, s, s));
        Assert.False(Pool2DInt8Vector.IsApplicable(false, 257, 256, -128, 127, s, s));   // more than 2^16 taps
        Assert.False(Pool2DInt8Vector.IsApplicable(false, 1, 257, -128, 127, s, s));     // a row of more than 256 taps
        Assert.True(Pool2DInt8Vector.IsApplicable(true, 1, 1000, -128, 127, s, s));      // max has no sum
        Assert.False(Pool2DInt8Vector.IsApplicable(true, 2, 2, -129, 127, s, s));
        Assert.False(Pool2DInt8Vector.IsApplicable(true, 2, 2, 5, 4, s, s));
        Assert.False(Pool2DInt8Vector.IsApplicable(true, 2, 2, -128, 127, s, s with { C = 9 }));
        Assert.Throws<ArgumentException>(() => new Pool2DInt8Vector(true, default, 0, 2, -128, 127, s, s, VectorWidth.Vector128));
    }

    [Theory]
    [MemberData(nameof(WidthsAndOps))]
    public void Run_AllocatesNothing(VectorWidth width, bool isMax)
    {
        var c = RandomCase(new Random(8), isMax, 45);
        var kernel = new Pool2DInt8Vector(c.IsMax, c.G, c.Fh, c.Fw, c.Min, c.Max, c.InShape, c.OutShape, width);
        var output = new sbyte[c.OutShape.FlatSize];
        int rows = c.OutShape.N * c.OutShape.H;
        Assert.True(kernel.Run(c.Input, output, 0, rows));
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(c.Input, output, 0, rows));
    }

    /// <summary>The interpreter runs person_detect's average pool on the vector kernel where Vector128 is accelerated.</summary>
    [Fact]
    public void Interpreter_ChoosesKernel_ForPersonDetectAveragePool()
    {
        var model = Model.Load(SharedFiles.Require("models", "person_detect.tflite"));
        var pools = model.Operations.Where(o => o.Op == "AVERAGE_POOL_2D").ToList();
        Assert.NotEmpty(pools);
        string expected = Vector128.IsHardwareAccelerated ? $"AveragePoolInt8Vector{(int)Pool2DInt8Vector.Best}" : "Pool2DInt8Reference.Average";
        Assert.All(pools, o => Assert.Equal(expected, o.Kernel));
    }

    /// <summary>
    /// A random problem: filter 1×1 to 3×3 (mostly 2×2 and 3×3), strides 1–2, SAME or VALID, 1–2 images, an image
    /// at least as large as the window, any clamp and zero point. Arguments given fix the corresponding choice.
    /// </summary>
    private static PoolCase RandomCase(Random rng, bool isMax, int channels, int? fh = null, int? fw = null, int? sh = null, int? sw = null,
        Padding? padding = null, FusedActivation? act = null, int? zp = null, Shape4? image = null)
    {
        int h = fh ?? RandomTensors.Pick(rng, 1, 2, 2, 3, 3), w = fw ?? (rng.Next(4) == 0 ? RandomTensors.Pick(rng, 1, 2, 3) : h);
        int strideH = sh ?? rng.Next(1, 3), strideW = sw ?? (rng.Next(4) == 0 ? rng.Next(1, 3) : strideH);
        var pad = padding ?? RandomTensors.Pick(rng, Padding.Same, Padding.Valid);
        var inShape = image ?? new Shape4(rng.Next(1, 3), h + rng.Next(0, 6), w + rng.Next(0, 6), channels);
        var g = ConvGeometry.Create(pad, strideH, strideW, 1, 1, inShape.H, inShape.W, h, w, out int oh, out int ow);
        var (min, max) = ActivationRange.Int8(act ?? RandomTensors.Pick(rng, OptimizedKernelEquivalenceTests.Activations),
            QuantTestHelpers.Scale(rng, 0.005f, 0.1f), zp ?? QuantTestHelpers.ZeroPoint(rng));
        return new PoolCase(isMax, g, h, w, min, max, inShape, RandomTensors.Int8(rng, inShape.FlatSize), new Shape4(inShape.N, oh, ow, inShape.C));
    }

    /// <summary>Runs the reference and the kernel (as two row ranges, the way two threads would) and compares every byte.</summary>
    private static void AssertEqualsReference(VectorWidth width, PoolCase c, string context)
    {
        Assert.True(Pool2DInt8Vector.IsApplicable(c.IsMax, c.Fh, c.Fw, c.Min, c.Max, c.InShape, c.OutShape), $"does not apply to {context}: {c}");
        var expected = new sbyte[c.OutShape.FlatSize];
        if (c.IsMax)
            Pool2DInt8Reference.Max(c.G, c.Fh, c.Fw, c.Min, c.Max, c.Input, c.InShape, expected, c.OutShape);
        else
            Assert.True(Pool2DInt8Reference.Average(c.G, c.Fh, c.Fw, c.Min, c.Max, c.Input, c.InShape, expected, c.OutShape));
        var kernel = new Pool2DInt8Vector(c.IsMax, c.G, c.Fh, c.Fw, c.Min, c.Max, c.InShape, c.OutShape, width);
        var actual = new sbyte[expected.Length];
        int rows = c.OutShape.N * c.OutShape.H, split = rows / 3;
        Assert.True(kernel.Run(c.Input, actual, split, rows));
        Assert.True(kernel.Run(c.Input, actual, 0, split));
        int diff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{kernel.Name} {context}: {c}: element {diff} is {(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }
}
