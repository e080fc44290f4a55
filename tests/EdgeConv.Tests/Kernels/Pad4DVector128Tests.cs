using System.Runtime.Intrinsics;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="Pad4DVector128"/> against <see cref="PadReference"/>, for exact equality of every output byte (both
/// outputs start as different garbage, so a byte the kernel forgets shows). Called directly, so the pass without SIMD
/// runs it on Vector128's software fallback.
/// </summary>
[Trait("Category", "Kernel")]
public class Pad4DVector128Tests
{
    /// <summary>NHWC int8: every channel count from 1 to 67 and 128, each with a channel pad, a spatial pad, and both.</summary>
    [Fact]
    public void EveryChannelCount_EqualsReference()
    {
        var rng = new Random(21);
        foreach (int c in Enumerable.Range(1, 67).Append(128))
        {
            int[] dims = [rng.Next(1, 3), rng.Next(1, 6), rng.Next(1, 6), c];
            AssertEqualsReference(rng, dims, [0, 0, 0, 0], [0, 0, 0, rng.Next(1, 9)], 1, $"channels {c}, channel pad after");
            AssertEqualsReference(rng, dims, [0, 1, 1, 0], [0, rng.Next(0, 2), rng.Next(0, 2), 0], 1, $"channels {c}, spatial pad");
            AssertEqualsReference(rng, dims, [0, rng.Next(0, 3), rng.Next(0, 3), rng.Next(0, 5)], [0, rng.Next(0, 3), rng.Next(0, 3), rng.Next(0, 5)], 1,
                $"channels {c}, spatial and channel pad");
        }
    }

    /// <summary>Random ranks 1 to 4, dimensions 0 to 6 (empty tensors too), pads 0 to 3 on every side of every dimension, elements of 1, 2, 4 and 8 bytes.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void RandomShapesAndPads_EqualReference(int elementSize)
    {
        var rng = new Random(30 + elementSize);
        for (int i = 0; i < 300; i++)
        {
            int rank = rng.Next(1, 5);
            var dims = Enumerable.Range(0, rank).Select(_ => rng.Next(0, 7)).ToArray();
            var before = Enumerable.Range(0, rank).Select(_ => rng.Next(0, 4)).ToArray();
            var after = Enumerable.Range(0, rank).Select(_ => rng.Next(0, 4)).ToArray();
            AssertEqualsReference(rng, dims, before, after, elementSize, $"problem {i}");
        }
    }

    /// <summary>The shapes of BlazeFace (24 → 28 channels), MobileNet (a 1-pixel spatial pad, 3 and 96 channels) and float32 pads.</summary>
    [Fact]
    public void ModelShapes_EqualReference()
    {
        var rng = new Random(7);
        AssertEqualsReference(rng, [1, 64, 64, 24], [0, 0, 0, 0], [0, 0, 0, 4], 1, "BlazeFace");
        AssertEqualsReference(rng, [1, 224, 224, 3], [0, 1, 1, 0], [0, 0, 0, 0], 1, "MobileNet stem");
        AssertEqualsReference(rng, [1, 112, 112, 96], [0, 1, 1, 0], [0, 1, 1, 0], 1, "MobileNetV2");
        AssertEqualsReference(rng, [1, 14, 14, 576], [0, 1, 1, 0], [0, 1, 1, 0], 4, "float32");
    }

    [Fact]
    public void IsApplicable_OnlyToRank1To4AndPowerOfTwoElements()
    {
        Assert.True(Pad4DVector128.IsApplicable([1, 2, 3, 4], [0, 1, 0, 1], [1, 4, 3, 6], 1));
        Assert.False(Pad4DVector128.IsApplicable([1, 1, 2, 3, 4], [0, 0, 1, 0, 1], [1, 1, 4, 3, 6], 1));
        Assert.False(Pad4DVector128.IsApplicable([], [], [], 1));
        Assert.False(Pad4DVector128.IsApplicable([1, 2], [0, 1], [1, 4], 3));
        Assert.False(Pad4DVector128.IsApplicable([1, 2], [0, -1], [1, 4], 1));
        Assert.False(Pad4DVector128.IsApplicable([1, 2], [0, 1], [1, 2], 1));
        Assert.Throws<ArgumentException>(() => new Pad4DVector128([1, 2], [0, 1], [1, 4], new byte[3]));
    }

    [Fact]
    public void Run_AllocatesNothing()
    {
        var kernel = new Pad4DVector128([1, 5, 5, 24], [0, 1, 1, 2], [1, 7, 7, 28], [0x80]);
        var input = new byte[5 * 5 * 24];
        var output = new byte[7 * 7 * 28];
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(input, output));
    }

    /// <summary>The interpreter runs MobileNetV2's pads on the vector kernel where Vector128 is accelerated.</summary>
    [Fact]
    public void Interpreter_ChoosesKernel_ForMobileNetV2Pads()
    {
        var model = Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite"));
        var pads = model.Operations.Where(o => o.Op == "PAD").ToList();
        Assert.NotEmpty(pads);
        Assert.All(pads, o => Assert.Equal(Vector128.IsHardwareAccelerated ? nameof(Pad4DVector128) : nameof(PadReference), o.Kernel));
    }

    private static void AssertEqualsReference(Random rng, int[] dims, int[] before, int[] after, int elementSize, string context)
    {
        var outDims = dims.Select((d, i) => d + before[i] + after[i]).ToArray();
        var input = new byte[dims.Aggregate(1, (a, d) => a * d) * elementSize];
        rng.NextBytes(input);
        var value = new byte[elementSize];
        rng.NextBytes(value);
        int outBytes = outDims.Aggregate(1, (a, d) => a * d) * elementSize;
        var expected = new byte[outBytes];
        var actual = new byte[outBytes];
        rng.NextBytes(expected);
        rng.NextBytes(actual);
        PadReference.Run(input, dims, before, outDims, value, expected);
        Assert.True(Pad4DVector128.IsApplicable(dims, before, outDims, elementSize), context);
        new Pad4DVector128(dims, before, outDims, value).Run(input, actual);
        int diff = Enumerable.Range(0, outBytes).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{context}: [{string.Join(',', dims)}] before [{string.Join(',', before)}] after [{string.Join(',', after)}] " +
            $"{elementSize}-byte: byte {diff} is {(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }
}
