using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="AddInt8Vector128"/> and <see cref="AddInt8X86"/> (AVX2 and AVX-512) against <see cref="AddInt8Reference"/> and
/// <see cref="SubInt8Reference"/> on same-shape inputs, for exact equality: every pair of int8 values under extreme
/// zero points, scales and raw multipliers and shifts; and <see cref="AddInt8InputRescale"/>'s formula against the
/// reference's rescale on every int8 value. The kernels are called directly, so the pass without SIMD still runs the
/// Vector128 one on the software fallback; the AVX2 and AVX-512 ones skip, saying so, where the CPU lacks them.
/// </summary>
[Trait("Category", "Kernel")]
public class AddInt8OptimizedTests
{
    /// <summary>(s1, s2, so): equal scales, one input 500× the other either way, an output much finer or coarser, MobileNetV2-like.</summary>
    private static readonly (float S1, float S2, float So)[] Scales =
    [
        (0.1f, 0.1f, 0.1f), (0.5f, 0.001f, 0.3f), (0.001f, 0.5f, 1.7f), (0.02f, 0.03f, 0.0004f),
        (0.37f, 0.29f, 9.5f), (0.0235f, 0.0312f, 0.0411f), (1e-5f, 2e-3f, 3e-3f),
    ];

    private static readonly FusedActivation[] Activations = OptimizedKernelEquivalenceTests.Activations;

    public static TheoryData<string> Variants() => ["Vector128", "Avx2", "Avx512"];

    public static TheoryData<string, bool> VariantsAndOps() => new()
    {
        { "Vector128", false }, { "Vector128", true }, { "Avx2", false }, { "Avx2", true }, { "Avx512", false }, { "Avx512", true },
    };

    /// <summary>The kernel called <paramref name="variant"/>, prepared; skips the test where the CPU lacks its instructions.</summary>
    private static Action<sbyte[], sbyte[], sbyte[]> Prepare(string variant, AddInt8Params p, bool subtract)
    {
        if (variant == "Vector128")
        {
            var kernel = new AddInt8Vector128(p, subtract);
            return (a, b, o) => kernel.Run(a, b, o);
        }
        var isa = Enum.Parse<AddInt8X86Isa>(variant);
        if (!AddInt8X86.IsSupported(isa))
            Assert.Skip($"AddInt8X86({isa}) needs instructions this CPU (as the runtime reports it) lacks.");
        var x86 = new AddInt8X86(p, isa, subtract);
        return (a, b, o) => x86.Run(a, b, o);
    }

    /// <summary>Both operators, every scale set, zero points at -128, 0 and 127, every activation, over all 65,536 pairs.</summary>
    [Theory]
    [MemberData(nameof(VariantsAndOps))]
    public void EveryPairOfValues_EqualsReference(string variant, bool subtract)
    {
        var (a, b) = AllPairs();
        var rng = new Random(subtract ? 2 : 1);
        foreach (var (s1, s2, so) in Scales)
            foreach (var act in Activations)
            {
                int z1 = RandomTensors.Pick(rng, -128, 0, 127), z2 = RandomTensors.Pick(rng, -128, 0, 127);
                int zo = RandomTensors.Pick(rng, -128, 0, 127, -5);
                var p = subtract
                    ? SubInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act)
                    : AddInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act);
                AssertEqualsReference(variant, p, subtract, a, b, $"scales {s1}/{s2}/{so} zp {z1}/{z2}/{zo} {act}");
            }
    }

    /// <summary>
    /// Parameters no model yields but the limits allow, over all 65,536 pairs: multipliers from 0 to 2^31 − 1 (powers of
    /// two, all ones, random), every shift from 0 to −31 for the inputs and the output, offsets −127 and 128.
    /// </summary>
    [Theory]
    [MemberData(nameof(VariantsAndOps))]
    public void ExtremeMultipliersAndShifts_EqualReference(string variant, bool subtract)
    {
        var (a, b) = AllPairs();
        var rng = new Random(subtract ? 12 : 11);
        int[] multipliers = [0, 1, 1 << 11, (1 << 16) - 1, 1 << 30, int.MaxValue, 0x5555_5555];
        for (int i = 0; i < 24; i++)
        {
            int Multiplier() => rng.Next(3) == 0 ? RandomTensors.Pick(rng, multipliers) : rng.Next(1 << 30, int.MaxValue);
            var p = new AddInt8Params(
                RandomTensors.Pick(rng, -127, 128, rng.Next(-127, 129)), RandomTensors.Pick(rng, -127, 128, rng.Next(-127, 129)),
                RandomTensors.Pick(rng, -128, 127, 0), AddInt8Reference.Int8LeftShift,
                Multiplier(), -rng.Next(0, 32), Multiplier(), -rng.Next(0, 32),
                Multiplier(), -(i < 8 ? i : rng.Next(0, 32)),
                RandomTensors.Pick(rng, -128, -100, 0), RandomTensors.Pick(rng, 127, 100, 6));
            AssertEqualsReference(variant, p, subtract, a, b, $"parameters {p}");
        }
    }

    /// <summary>Lengths 0 to 100 (the 32-, 16- and 8-wide steps and the scalar tail), random values and parameters.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryLength_EqualsReference(string variant)
    {
        var rng = new Random(5);
        for (int n = 0; n <= 100; n++)
        {
            var (s1, s2, so) = RandomTensors.Pick(rng, Scales);
            var p = AddInt8Reference.Prepare(s1, QuantTestHelpers.ZeroPoint(rng), s2, QuantTestHelpers.ZeroPoint(rng), so,
                QuantTestHelpers.ZeroPoint(rng), RandomTensors.Pick(rng, Activations));
            AssertEqualsReference(variant, p, n % 2 == 1, RandomTensors.Int8(rng, n), RandomTensors.Int8(rng, n), $"length {n}");
        }
    }

    /// <summary>The output may be the first input (the kernels read each step before writing it).</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void InPlace_EqualsReference(string variant)
    {
        var rng = new Random(9);
        var p = AddInt8Reference.Prepare(0.02f, 3, 0.05f, -7, 0.04f, 1, FusedActivation.None);
        var a = RandomTensors.Int8(rng, 77);
        var b = RandomTensors.Int8(rng, 77);
        var shape = new Shape4(1, 1, 1, a.Length);
        var expected = new sbyte[a.Length];
        AddInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        Prepare(variant, p, false)(a, b, a);
        Assert.Equal(expected, a);
    }

    /// <summary>
    /// <see cref="AddInt8InputRescale"/> (scalar, and its vector forms at both widths) against the reference rescale on
    /// every int8 value, for offsets −127 to 128, every shift 0 to −31 and multipliers from 0 to 2^31 − 1. The shift form
    /// (<see cref="AddInt8InputRescale.IsShift"/>) is checked wherever it holds, the general one everywhere.
    /// </summary>
    [Fact]
    public void InputRescale_EqualsReference_OnEveryValue()
    {
        var rng = new Random(13);
        int shiftForms = 0;
        for (int offset = -127; offset <= 128; offset++)
            for (int shift = 0; shift >= -31; shift--)
                foreach (int m in new[] { 0, 1, 1 << 30, 1 << 20, int.MaxValue, (1 << 15) + 1, rng.Next(1 << 30, int.MaxValue), rng.Next() })
                {
                    var r = new AddInt8InputRescale(offset, m, shift, AddInt8Reference.Int8LeftShift);
                    AssertForm(new AddInt8GeneralRescale(r), r, offset, m, shift);
                    if (r.IsShift)
                    {
                        AssertForm(new AddInt8ShiftRescale(r), r, offset, m, shift);
                        shiftForms++;
                    }
                }
        Assert.True(shiftForms >= 2 * 256, $"only {shiftForms} parameter sets took the shift form");
    }

    /// <summary>Every int8 value through <paramref name="form"/> (eight and four lanes) and the scalar formula, against the reference.</summary>
    private static void AssertForm<T>(T form, AddInt8InputRescale r, int offset, int m, int shift) where T : struct, IAddInt8Rescale
    {
        for (int v0 = -128; v0 < 128; v0 += 8)
        {
            var v8 = Vector256.Create(v0, v0 + 1, v0 + 2, v0 + 3, v0 + 4, v0 + 5, v0 + 6, v0 + 7);
            var wide = form.Apply(v8);
            var narrow = Vector256.Create(form.Apply(v8.GetLower()), form.Apply(v8.GetUpper()));
            for (int j = 0; j < 8; j++)
            {
                int v = v0 + j;
                int expected = AddInt8InputRescale.Reference(v, offset, m, shift, AddInt8Reference.Int8LeftShift);
                Assert.True(expected == r.Apply(v) && expected == wide[j] && expected == narrow[j],
                    $"{typeof(T).Name}: v {v} offset {offset} multiplier {m} shift {shift}: reference {expected}, " +
                    $"scalar {r.Apply(v)}, 8 lanes {wide[j]}, 4 lanes {narrow[j]}");
            }
        }
    }

    [Fact]
    public void IsApplicable_OnlyToParametersInRange()
    {
        var p = AddInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.3f, 2, FusedActivation.None);
        Assert.True(AddInt8Vector128.IsApplicable(p));
        Assert.True(AddInt8X86.IsApplicable(p));
        Assert.False(AddInt8Vector128.IsApplicable(p with { Input1Shift = -32 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { OutputShift = 1 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { LeftShift = 19 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { Input2Multiplier = -5 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { OutputMultiplier = -5 }));
        Assert.False(AddInt8Vector128.IsApplicable(p with { Input1Offset = 129 }));
        Assert.False(AddInt8X86.IsApplicable(p with { Input2Offset = -128 }));
        Assert.Throws<ArgumentException>(() => new AddInt8Vector128(p with { Input2Shift = -40 }));
        foreach (var isa in Enum.GetValues<AddInt8X86Isa>())
            Assert.Throws<ArgumentException>(() => new AddInt8X86(p with { Input2Shift = -40 }, isa));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Run_AllocatesNothing(string variant)
    {
        var rng = new Random(6);
        var run = Prepare(variant, AddInt8Reference.Prepare(0.1f, 3, 0.2f, -1, 0.25f, 2, FusedActivation.Relu), false);
        sbyte[] a = RandomTensors.Int8(rng, 100), b = RandomTensors.Int8(rng, 100);
        var o = new sbyte[100];
        Allocations.AssertNoneAfterWarmUp(() => run(a, b, o));
    }

    /// <summary>The interpreter runs MobileNetV2's residual ADDs on the AVX-512 kernel, else the AVX2 one, else the Vector128 one where Vector128 is accelerated.</summary>
    [Fact]
    public void Interpreter_ChoosesKernel_ForMobileNetV2Residuals()
    {
        var model = Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite"));
        var adds = model.Operations.Where(o => o.Op == "ADD").ToList();
        Assert.NotEmpty(adds);
        string expected = AddInt8X86.Best is { } isa ? $"AddInt8X86({isa})" : Vector128.IsHardwareAccelerated ? "AddInt8Vector128" : "AddInt8Reference";
        Assert.All(adds, o => Assert.Equal(expected, o.Kernel));
    }

    /// <summary>Every pair of int8 values: a[i] = i / 256, b[i] = i mod 256.</summary>
    private static (sbyte[] A, sbyte[] B) AllPairs()
    {
        var a = new sbyte[65536];
        var b = new sbyte[65536];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (sbyte)(i >> 8);
            b[i] = (sbyte)i;
        }
        return (a, b);
    }

    private static void AssertEqualsReference(string variant, AddInt8Params p, bool subtract, sbyte[] a, sbyte[] b, string context)
    {
        Assert.True(AddInt8Vector128.IsApplicable(p), $"does not apply to {context}: {p}");
        var shape = new Shape4(1, 1, 1, a.Length);
        var expected = new sbyte[a.Length];
        if (subtract)
            SubInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        else
            AddInt8Reference.Run(p, shape, a, shape, b, shape, expected);
        var actual = new sbyte[a.Length];
        Prepare(variant, p, subtract)(a, b, actual);
        int diff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(diff < 0, $"{variant} {context}: element {diff} ({(diff < 0 ? 0 : a[diff])}, {(diff < 0 ? 0 : b[diff])}) is " +
            $"{(diff < 0 ? 0 : actual[diff])}, reference {(diff < 0 ? 0 : expected[diff])}");
    }
}
