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
/// <see cref="AddInt8Vector128"/> against <see cref="AddInt8Reference"/> and <see cref="SubInt8Reference"/> on
/// same-shape inputs, for exact equality: every pair of int8 values under extreme zero points and scales. The
/// kernel is called directly, so the pass without SIMD still runs it on Vector128's software fallback.
/// </summary>
[Trait("Category", "Kernel")]
public class AddInt8Vector128Tests
{
    /// <summary>(s1, s2, so): equal scales, one input 500× the other either way, an output much finer or coarser, MobileNetV2-like.</summary>
    private static readonly (float S1, float S2, float So)[] Scales =
    [
        (0.1f, 0.1f, 0.1f), (0.5f, 0.001f, 0.3f), (0.001f, 0.5f, 1.7f), (0.02f, 0.03f, 0.0004f),
        (0.37f, 0.29f, 9.5f), (0.0235f, 0.0312f, 0.0411f), (1e-5f, 2e-3f, 3e-3f),
    ];

    private static readonly FusedActivation[] Activations = OptimizedKernelEquivalenceTests.Activations;

    /// <summary>Both operators, every scale set, zero points at -128, 0 and 127, every activation, over all 65,536 pairs.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryPairOfValues_EqualsReference(bool subtract)
    {
        var a = new sbyte[65536];
        var b = new sbyte[65536];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (sbyte)(i >> 8);
            b[i] = (sbyte)i;
        }
        var rng = new Random(subtract ? 2 : 1);
        foreach (var (s1, s2, so) in Scales)
            foreach (var act in Activations)
            {
                int z1 = RandomTensors.Pick(rng, -128, 0, 127), z2 = RandomTensors.Pick(rng, -128, 0, 127);
                int zo = RandomTensors.Pick(rng, -128, 0, 127, -5);
                var p = subtract
                    ? SubInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act)
                    : AddInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act);
                AssertEqualsReference(p, subtract, a, b, $"scales {s1}/{s2}/{so} zp {z1}/{z2}/{zo} {act}");
            }
    }

    /// <summary>Lengths 0 to 50 (the 16-wide steps and the scalar tail), random values and parameters.</summary>
    [Fact]
    public void EveryLength_EqualsReference()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 50; n++)
        {
            var (s1, s2, so) = RandomTensors.Pick(rng, Scales);
            var p = AddInt8Reference.Prepare(s1, QuantTestHelpers.ZeroPoint(rng), s2, QuantTestHelpers.ZeroPoint(rng), so,
                QuantTestHelpers.ZeroPoint(rng), RandomTensors.Pick(rng, Activations));
            AssertEqualsReference(p, false, RandomTensors.Int8(rng, n), RandomTensors.Int8(rng, n), $"length {n}");
        }
    }

    [Fact]
    public void IsApplicable_OnlyToShiftsInRange()
    {
        var p = AddInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.3f, 2, FusedActivation.None);
        Assert.True(AddInt8Vector128.IsApplicable(p));
        Assert.False(AddInt8Vector128.IsApplicable(p with { Input1Shift = -32 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { OutputShift = 1 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { LeftShift = 24 }));
        Assert.Throws<ArgumentException>(() => new AddInt8Vector128(p with { Input2Shift = -40 }));
    }

    [Fact]
    public void Run_AllocatesNothing()
    {
        var rng = new Random(6);
        var kernel = new AddInt8Vector128(AddInt8Reference.Prepare(0.1f, 3, 0.2f, -1, 0.25f, 2, FusedActivation.Relu));
        sbyte[] a = RandomTensors.Int8(rng, 100), b = RandomTensors.Int8(rng, 100);
        var o = new sbyte[100];
        kernel.Run(a, b, o);
        long before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Run(a, b, o);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The interpreter runs MobileNetV2's residual ADDs on the vector kernel where Vector128 is accelerated.</summary>
    [Fact]
    public void Interpreter_ChoosesKernel_ForMobileNetV2Residuals()
    {
        var model = Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite"));
        var adds = model.Operations.Where(o => o.Op == "ADD").ToList();
        Assert.NotEmpty(adds);
        Assert.All(adds, o => Assert.Equal(Vector128.IsHardwareAccelerated ? "AddInt8Vector128" : "AddInt8Reference", o.Kernel));
    }

    private static void AssertEqualsReference(AddInt8Params p, bool subtract, sbyte[] a, sbyte[] b, string context)
    {
        Assert.True(AddInt8Vector128.IsApplicable(p), $"does not apply to {context}: {p}");
        var shape = new Shape4(1, 1, 1, a.Length);
        var expected = new sbyte[a.Length];
        if (subtract)
            SubInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        else
            AddInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        var actual = new sbyte[a.Length];
        new AddInt8Vector128(p, subtract).Run(a, b, actual);
        int diff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{context}: element {diff} ({(diff < 0 ? 0 : a[diff])}, {(diff < 0 ? 0 : b[diff])}) is " +
            $"{(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }
}
