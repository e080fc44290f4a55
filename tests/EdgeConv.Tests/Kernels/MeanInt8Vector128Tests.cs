using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="MeanInt8Vector128"/> against <see cref="MeanInt8Reference"/>, for exact equality, on all three of the
/// reference's paths (same quantization, integer multiplier, legacy float). Called directly, so the pass without SIMD
/// runs it on Vector128's software fallback.
/// </summary>
[Trait("Category", "Kernel")]
public class MeanInt8Vector128Tests
{
    public static TheoryData<int> Paths() => [0, 1, 2];

    /// <summary>Every channel count from 1 to 67, 128 and 1280 (MobileNetV2's), images 1×1 to 9×9, 1 or 2 of them.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryChannelCount_EqualsReference(int path)
    {
        var rng = new Random(80 + path);
        foreach (int c in Enumerable.Range(1, 67).Concat([128, 1280]))
        {
            var shape = new Shape4(rng.Next(1, 3), rng.Next(1, 10), rng.Next(1, 10), c);
            AssertEqualsReference(RandomParams(rng, path), shape, RandomTensors.Int8(rng, shape.FlatSize), $"channels {c}");
        }
    }

    /// <summary>
    /// Inputs all −128 or all 127 with zero points at −128 and 127; more than 256 pixels (several int16 groups); more than
    /// 2^16 pixels (the scalar division); scale ratios from 1/300 to 300 (folded shifts of either sign); an empty image.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void ExtremeValuesAndSizes_EqualReference(int path)
    {
        var rng = new Random(90 + path);
        foreach (var shape in new[] { new Shape4(1, 7, 7, 40), new Shape4(2, 17, 19, 21), new Shape4(1, 300, 300, 3), new Shape4(1, 1, 1, 33), new Shape4(2, 0, 5, 9) })
            foreach (sbyte fill in new sbyte[] { -128, 127, 0 })
                foreach (int zp in new[] { -128, 127 })
                    foreach (float ratio in new[] { 1f / 300, 0.7f, 1f, 3f, 300f })
                    {
                        float inScale = QuantTestHelpers.Scale(rng, 0.005f, 0.05f);
                        int outZp = path == 0 ? zp : RandomTensors.Pick(rng, -128, 127, 3);
                        var p = MeanInt8Reference.Prepare(inScale, zp, path == 0 ? inScale : inScale * ratio, outZp,
                            path == 2 ? MeanInt8Rescale.LegacyFloat : MeanInt8Rescale.IntegerMultiplier);
                        var input = fill == 0 ? RandomTensors.Int8(rng, shape.FlatSize) : Enumerable.Repeat(fill, shape.FlatSize).ToArray();
                        AssertEqualsReference(p, shape, input, $"{shape} fill {fill} zp {zp} ratio {ratio}");
                    }
    }

    [Fact]
    public void IsApplicable_ToEveryShapeAndPath()
    {
        var p = MeanInt8Reference.Prepare(0.1f, 0, 0.2f, 3);
        Assert.True(MeanInt8Vector128.IsApplicable(p, new Shape4(1, 7, 7, 1280)));
        Assert.True(MeanInt8Vector128.IsApplicable(p, new Shape4(1, 0, 7, 3)));
        Assert.False(MeanInt8Vector128.IsApplicable(p, new Shape4(1, -1, 7, 3)));
        Assert.Throws<ArgumentException>(() => new MeanInt8Vector128(p, new Shape4(1, -1, 7, 3)));
    }

    [Fact]
    public void Run_AllocatesNothing()
    {
        var shape = new Shape4(1, 7, 7, 45);
        var kernel = new MeanInt8Vector128(MeanInt8Reference.Prepare(0.1f, -128, 0.09f, -128), shape);
        var input = RandomTensors.Int8(new Random(1), shape.FlatSize);
        var output = new sbyte[45];
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(input, output));
    }

    /// <summary>The interpreter runs MobileNetV2's global average (MEAN) on the vector kernel where Vector128 is accelerated.</summary>
    [Fact]
    public void Interpreter_ChoosesKernel_ForMobileNetV2Mean()
    {
        var model = Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite"));
        var means = model.Operations.Where(o => o.Op == "MEAN").ToList();
        Assert.NotEmpty(means);
        Assert.All(means, o => Assert.Equal(Vector128.IsHardwareAccelerated ? nameof(MeanInt8Vector128) : nameof(MeanInt8Reference), o.Kernel));
    }

    /// <summary>Parameters of one path: 0 same quantization, 1 integer multiplier, 2 legacy float.</summary>
    private static MeanInt8Params RandomParams(Random rng, int path)
    {
        float inScale = QuantTestHelpers.Scale(rng, 0.005f, 0.05f);
        int zp = QuantTestHelpers.ZeroPoint(rng);
        return path == 0
            ? MeanInt8Reference.Prepare(inScale, zp, inScale, zp)
            : MeanInt8Reference.Prepare(inScale, zp, inScale * QuantTestHelpers.Scale(rng, 0.5f, 2f), QuantTestHelpers.ZeroPoint(rng),
                path == 2 ? MeanInt8Rescale.LegacyFloat : MeanInt8Rescale.IntegerMultiplier);
    }

    private static void AssertEqualsReference(MeanInt8Params p, Shape4 shape, sbyte[] input, string context)
    {
        Assert.True(MeanInt8Vector128.IsApplicable(p, shape), $"does not apply to {context}: {p}");
        var expected = new sbyte[shape.N * shape.C];
        var actual = new sbyte[expected.Length];
        new Random(expected.Length).NextBytes((byte[])(Array)actual);   // whatever was there before
        MeanInt8Reference.Run(p, shape, input, expected);
        new MeanInt8Vector128(p, shape).Run(input, actual);
        int diff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{context}: {p}: element {diff} is {(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }
}
