using System.Runtime.Intrinsics;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="FullyConnectedInt8Vector128"/> against <see cref="FullyConnectedInt8Reference"/>, for exact equality.
/// The kernel is called directly, so the pass without SIMD still runs it on Vector128's software fallback.
/// </summary>
[Trait("Category", "Kernel")]
public class FullyConnectedInt8Vector128Tests
{
    /// <summary>Depths around the 8- and 16-wide steps and the scalar tail, and MobileNet's 1280.</summary>
    private static readonly int[] Depths = [1, 2, 3, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 64, 100, 257, 1280];

    /// <summary>Units below, at and above the 4-wide tile and its multiples.</summary>
    private static readonly int[] Units = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 1000];

    private static readonly FusedActivation[] Activations = OptimizedKernelEquivalenceTests.Activations;

    private sealed record FcCase(RequantParams Q, int Batches, int Depth, int Units, sbyte[] Input, sbyte[] Filter, int[] Bias)
    {
        public override string ToString() =>
            $"{Batches}x{Depth} -> {Units} in_off {Q.InputOffset} out_off {Q.OutputOffset} clamp [{Q.ActivationMin},{Q.ActivationMax}] bias {(Bias.Length == 0 ? "none" : "yes")}";
    }

    /// <summary>
    /// The GEMM paths: <c>Vector128</c> (portable), and each <see cref="GemmInt8Tile4x16Isa"/> micro-kernel by name,
    /// every one the CPU has rather than only the one <see cref="GemmInt8Tile4x16.Best"/> picks (skipped, saying why, elsewhere).
    /// </summary>
    public static TheoryData<string> Paths() => ["Vector128", .. Enum.GetNames<GemmInt8Tile4x16Isa>()];

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryDepthAndUnitCount_EqualsReference(string gemm)
    {
        var tile = Tile(gemm);
        var rng = new Random(31);
        foreach (int depth in Depths)
            foreach (int units in Units)
                if ((long)depth * units <= 300_000)
                    AssertEqualsReference(RandomCase(rng, rng.Next(1, 6), depth, units), $"depth {depth} units {units}", tile);
    }

    /// <summary>
    /// Many batch rows: <see cref="GemmInt8Tile4x16"/> takes rows in panels (about 16 KB of activations, at
    /// most 64 rows) and 4-row tiles, so counts around those edges, with depths that leave 1–7 channels
    /// after the last full step (4, 8 or 16 bytes), cross panel and tile boundaries.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void ManyRows_AcrossPanelsAndTiles_EqualReference(string gemm)
    {
        var tile = Tile(gemm);
        var rng = new Random(64);
        foreach (var (batches, depth, units) in new[] { (63, 31, 20), (64, 32, 16), (65, 33, 17), (130, 257, 33), (53, 300, 9), (27, 1030, 40), (13, 4097, 18) })
            AssertEqualsReference(RandomCase(rng, batches, depth, units), $"{batches} rows depth {depth} units {units}", tile);
    }

    /// <summary>
    /// <see cref="GemmInt8Tile4x16"/> takes depths up to <see cref="GemmInt8Tile4x16.MaxDepth"/> (its panels live on
    /// the stack); one more and the kernel runs the portable GEMM instead. Both equal the reference.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void DepthsAroundTheGemmLimit_EqualReference(string gemm)
    {
        var tile = Tile(gemm);
        var rng = new Random(65);
        foreach (int depth in new[] { GemmInt8Tile4x16.MaxDepth, GemmInt8Tile4x16.MaxDepth + 1 })
        {
            var c = RandomCase(rng, 5, depth, 3);
            AssertEqualsReference(c, $"depth {depth}", tile);
            string path = new FullyConnectedInt8Vector128(c.Q, c.Filter, c.Units, c.Depth, c.Bias, tile).Path;
            Assert.Equal(tile is { } isa && depth <= GemmInt8Tile4x16.MaxDepth ? isa.ToString() : "Vector128", path);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void RowRanges_EqualReference(string gemm)
    {
        var tile = Tile(gemm);
        var c = RandomCase(new Random(8), 5, 37, 11);
        var expected = RunReference(c);
        var kernel = new FullyConnectedInt8Vector128(c.Q, c.Filter, c.Units, c.Depth, c.Bias, tile);
        var actual = new sbyte[expected.Length];
        kernel.Run(c.Input, actual, 3, 5);
        kernel.Run(c.Input, actual, 0, 3);
        Assert.Equal(expected, actual);
    }

    /// <summary>Zero points -128 and 127, inputs and weights at the extremes, biases near the int32 limits (wrapping accumulators).</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void ExtremeValues_AndWrappingAccumulators_EqualReference(string gemm)
    {
        var tile = Tile(gemm);
        var rng = new Random(77);
        foreach (int depth in new[] { 1, 17, 1280 })
            foreach (int inZp in new[] { -128, 127 })
                foreach (int outZp in new[] { -128, 127 })
                    foreach (var act in Activations)
                        foreach (int biasKind in new[] { 0, 1, 2 })
                            foreach (int fill in new[] { -127, 127, 0 })
                            {
                                var c = RandomCase(rng, 2, depth, 5, inZp, outZp, act);
                                Array.Fill(c.Input, fill == 0 ? (sbyte)-128 : (sbyte)127);
                                for (int i = 0; i < c.Filter.Length; i++)
                                    c.Filter[i] = fill == 0 ? (sbyte)(i % 2 == 0 ? 127 : -127) : (sbyte)fill;
                                int[] bias = biasKind switch
                                {
                                    0 => [],
                                    1 => Enumerable.Repeat(int.MaxValue - 1000, c.Units).ToArray(),
                                    _ => Enumerable.Repeat(int.MinValue + 1000, c.Units).ToArray(),
                                };
                                AssertEqualsReference(c with { Bias = bias }, $"depth {depth} zp {inZp}/{outZp} {act} bias {biasKind} fill {fill}", tile);
                            }
    }

    [Fact]
    public void IsApplicable_OnlyToSymmetricWeightsWithoutMinus128()
    {
        var c = RandomCase(new Random(2), 1, 8, 3);
        Assert.True(FullyConnectedInt8Vector128.IsApplicable(c.Q, c.Filter, c.Units, c.Depth));
        Assert.False(FullyConnectedInt8Vector128.IsApplicable(c.Q, c.Filter, c.Units, c.Depth + 1));
        Assert.False(FullyConnectedInt8Vector128.IsApplicable(RandomCase(new Random(2), 1, 8, 3, filterOffset: 1).Q, c.Filter, c.Units, c.Depth));
        var withMinus128 = (sbyte[])c.Filter.Clone();
        withMinus128[2] = sbyte.MinValue;
        Assert.False(FullyConnectedInt8Vector128.IsApplicable(c.Q, withMinus128, c.Units, c.Depth));
        Assert.Throws<ArgumentException>(() => new FullyConnectedInt8Vector128(c.Q, withMinus128, c.Units, c.Depth, c.Bias));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Run_AllocatesNothing(string gemm)
    {
        var tile = Tile(gemm);
        var c = RandomCase(new Random(3), 2, 100, 17);
        var kernel = new FullyConnectedInt8Vector128(c.Q, c.Filter, c.Units, c.Depth, c.Bias, tile);
        var output = new sbyte[c.Batches * c.Units];
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(c.Input, output, c.Batches));
    }

    /// <summary>The interpreter runs MobileNetV2's classifier on the optimized kernel where Vector128 is accelerated.</summary>
    [Fact]
    public void Interpreter_ChoosesKernel_ForMobileNetV2()
    {
        var model = Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite"));
        var fc = model.Operations.Where(o => o.Op == "FULLY_CONNECTED").ToList();
        Assert.NotEmpty(fc);
        Assert.All(fc, o => Assert.Equal(
            !Vector128.IsHardwareAccelerated ? nameof(FullyConnectedInt8Reference) :
            $"{nameof(FullyConnectedInt8Vector128)}({(GemmInt8Tile4x16.Best?.ToString() ?? "Vector128")})", o.Kernel));
    }

    private static sbyte[] RunReference(FcCase c)
    {
        var output = new sbyte[c.Batches * c.Units];
        FullyConnectedInt8Reference.Run(c.Q, c.Batches, c.Depth, c.Units, c.Input, c.Filter, c.Bias, output);
        return output;
    }

    /// <summary>The micro-kernel of <paramref name="path"/> (null: the portable GEMM); skips the test when this CPU lacks it.</summary>
    private static GemmInt8Tile4x16Isa? Tile(string path)
    {
        if (path == "Vector128")
            return null;
        var isa = Enum.Parse<GemmInt8Tile4x16Isa>(path);
        if (!GemmInt8Tile4x16.IsSupported(isa))
            Assert.Skip($"{nameof(GemmInt8Tile4x16)}({isa}) needs {OptimizedKernelEquivalenceTests.Needs(path)}, which this CPU (as the runtime reports it) lacks.");
        return isa;
    }

    private static void AssertEqualsReference(FcCase c, string context, GemmInt8Tile4x16Isa? tile)
    {
        Assert.True(FullyConnectedInt8Vector128.IsApplicable(c.Q, c.Filter, c.Units, c.Depth), $"does not apply to {context}: {c}");
        var expected = RunReference(c);
        var actual = new sbyte[expected.Length];
        new FullyConnectedInt8Vector128(c.Q, c.Filter, c.Units, c.Depth, c.Bias, tile).Run(c.Input, actual, c.Batches);
        int diff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{context}: {c}: element {diff} is {(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }

    /// <summary>
    /// A random layer (<see cref="OptimizedKernelEquivalenceTests.RandomLayer"/>) and input.
    /// </summary>
    private static FcCase RandomCase(Random rng, int batches, int depth, int units,
        int? inZp = null, int? outZp = null, FusedActivation? act = null, int filterOffset = 0)
    {
        var (filter, q, bias) = OptimizedKernelEquivalenceTests.RandomLayer(rng, depth * units, units, 2e-4f, depth, inZp, outZp, act, filterOffset);
        return new FcCase(q, batches, depth, units, RandomTensors.Int8(rng, batches * depth), filter, bias);
    }
}
