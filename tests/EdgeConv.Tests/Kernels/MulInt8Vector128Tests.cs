using EdgeConv.Graph;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="MulInt8Vector128"/> against <see cref="MulInt8Reference"/> on same-shape inputs, for exact equality: every
/// pair of int8 values under extreme zero points and scales (shifts of both signs), raw multipliers and shifts at the
/// kernel's limits, every length to 100, in place. The kernel is called directly, so the pass without SIMD runs it on
/// the software fallback.
/// </summary>
[Trait("Category", "Kernel")]
public class MulInt8Vector128Tests
{
    /// <summary>(s1, s2, so): products far below and far above the output scale (shifts from about −20 to +12).</summary>
    private static readonly (float S1, float S2, float So)[] Scales =
    [
        (0.1f, 0.1f, 0.1f), (0.5f, 0.001f, 0.3f), (0.02f, 0.03f, 0.0004f), (1e-5f, 2e-3f, 3e-1f),
        (0.37f, 0.29f, 1e-4f), (0.0235f, 0.0312f, 0.0411f), (2f, 3f, 0.01f),
    ];

    [Fact]
    public void EveryPairOfValues_EqualsReference()
    {
        var (a, b) = AllPairs();
        var rng = new Random(3);
        int compared = 0;
        foreach (var (s1, s2, so) in Scales)
            foreach (var act in OptimizedKernelEquivalenceTests.Activations)
            {
                int z1 = RandomTensors.Pick(rng, -128, 0, 127), z2 = RandomTensors.Pick(rng, -128, 0, 127);
                int zo = RandomTensors.Pick(rng, -128, 0, 127, -5);
                var p = MulInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act);
                if (!MulInt8Vector128.IsApplicable(p))
                    continue;
                AssertEqualsReference(p, a, b, $"scales {s1}/{s2}/{so} zp {z1}/{z2}/{zo} {act}");
                compared++;
            }
        Assert.True(compared >= Scales.Length * 3, $"only {compared} parameter sets were within the kernel's limits");
    }

    /// <summary>Raw multipliers from 0 to 2^31 − 1 and every shift from −31 to the limit 15, offsets −127 and 128.</summary>
    [Fact]
    public void ExtremeMultipliersAndShifts_EqualReference()
    {
        var (a, b) = AllPairs();
        var rng = new Random(8);
        int[] multipliers = [0, 1, 1 << 30, int.MaxValue, 0x5555_5555, rng.Next(1 << 30, int.MaxValue)];
        for (int shift = -31; shift <= 15; shift++)
        {
            var p = new MulInt8Params(RandomTensors.Pick(rng, -127, 128, 0), RandomTensors.Pick(rng, -127, 128, 3), rng.Next(-128, 128),
                RandomTensors.Pick(rng, multipliers), shift, -128, 127);
            Assert.True(MulInt8Vector128.IsApplicable(p));
            AssertEqualsReference(p, a, b, $"shift {shift} {p}");
        }
    }

    /// <summary>Lengths 0 to 100 (the 16-wide steps and the scalar tail), random values and parameters.</summary>
    [Fact]
    public void EveryLength_EqualsReference()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 100; n++)
        {
            var (s1, s2, so) = RandomTensors.Pick(rng, Scales);
            var p = MulInt8Reference.Prepare(s1, QuantTestHelpers.ZeroPoint(rng), s2, QuantTestHelpers.ZeroPoint(rng), so,
                QuantTestHelpers.ZeroPoint(rng), RandomTensors.Pick(rng, OptimizedKernelEquivalenceTests.Activations));
            if (MulInt8Vector128.IsApplicable(p))
                AssertEqualsReference(p, RandomTensors.Int8(rng, n), RandomTensors.Int8(rng, n), $"length {n}");
        }
    }

    [Fact]
    public void InPlace_EqualsReference()
    {
        var rng = new Random(9);
        var p = MulInt8Reference.Prepare(0.02f, 3, 0.05f, -7, 0.004f, 1, FusedActivation.None);
        var a = RandomTensors.Int8(rng, 77);
        var b = RandomTensors.Int8(rng, 77);
        var shape = new Shape4(1, 1, 1, a.Length);
        var expected = new sbyte[a.Length];
        MulInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        new MulInt8Vector128(p).Run(a, b, a);
        Assert.Equal(expected, a);
    }

    [Fact]
    public void IsApplicable_OnlyToParametersInRange()
    {
        var p = MulInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.3f, 2, FusedActivation.None);
        Assert.True(MulInt8Vector128.IsApplicable(p));
        Assert.False(MulInt8Vector128.IsApplicable(p with { OutputShift = 16 }));
        Assert.False(MulInt8Vector128.IsApplicable(p with { OutputShift = -32 }));
        Assert.False(MulInt8Vector128.IsApplicable(p with { Input1Offset = 129 }));
        Assert.False(MulInt8Vector128.IsApplicable(p with { Input2Offset = -128 }));
        Assert.False(MulInt8Vector128.IsApplicable(p with { ActivationMax = 128 }));
        Assert.Throws<ArgumentException>(() => new MulInt8Vector128(p with { OutputShift = 16 }));
    }

    [Fact]
    public void Run_AllocatesNothing()
    {
        var kernel = new MulInt8Vector128(MulInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.3f, 2, FusedActivation.Relu));
        var a = RandomTensors.Int8(new Random(1), 1000);
        var o = new sbyte[1000];
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(a, a, o));
    }

    /// <summary>Every pair of int8 values: a[i] = i / 256, b[i] = i mod 256.</summary>
    private static (sbyte[] A, sbyte[] B) AllPairs()
    {
        var a = new sbyte[65536];
        var b = new sbyte[65536];
        for (int i = 0; i < a.Length; i++)
            (a[i], b[i]) = ((sbyte)(i >> 8), (sbyte)i);
        return (a, b);
    }

    private static void AssertEqualsReference(MulInt8Params p, sbyte[] a, sbyte[] b, string context)
    {
        var shape = new Shape4(1, 1, 1, a.Length);
        var expected = new sbyte[a.Length];
        MulInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        var actual = new sbyte[a.Length];
        new MulInt8Vector128(p).Run(a, b, actual);
        for (int i = 0; i < a.Length; i++)
            Assert.True(expected[i] == actual[i], $"{context}: element {i} ({a[i]}, {b[i]}): reference {expected[i]}, vector {actual[i]}");
    }
}
