using System.Runtime.Intrinsics;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;
using Isa = EdgeConv.Kernels.Optimized.RequantizeInt8Vector128.Isa;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="RequantizeInt8Vector128"/> against <see cref="FixedPoint.MultiplyByQuantizedMultiplier"/>:
/// each implementation this CPU has (the portable one always, so the DOTNET_EnableHWIntrinsic=0 pass runs
/// it on the software fallback), every shift in [-31, 30], edge and random multipliers, and inputs at the
/// int32 limits, at exact ties of both roundings, and at random.
/// </summary>
[Trait("Category", "Kernel")]
public class RequantizeInt8Vector128Tests
{
    public static TheoryData<string> Implementations() => [.. Enum.GetNames<Isa>()];

    internal static readonly int[] EdgeMultipliers =
        [0, 1, 2, 1 << 30, (1 << 30) + 1, int.MaxValue, int.MaxValue - 1, 1518500250, int.MinValue, -1, -(1 << 30), int.MinValue + 1];

    /// <summary>Inputs that hit the limits and the ties of the high multiply (with multiplier 2^30) and of the rounding shift.</summary>
    internal static List<int> EdgeInputs(int shift)
    {
        var xs = new List<int> { int.MinValue, int.MinValue + 1, int.MinValue + 2, -2, -1, 0, 1, 2, int.MaxValue - 1, int.MaxValue,
            1 << 30, -(1 << 30), (1 << 30) - 1, -(1 << 30) + 1, 32768, -32768, 3 * 32768, -3 * 32768 };
        int right = Math.Max(-shift, 0);
        if (right > 0)
        {
            // SRDHM(2r, 2^30) = r, so x = 2r with r = k·2^e ± 2^(e-1) (+-1) lands on and next to the ties of the shift.
            foreach (long k in new long[] { 0, 1, 2, 3, -1, -2, -3, 1000 })
                foreach (long d in new long[] { -1, 0, 1 })
                    foreach (int sign in new[] { 1, -1 })
                    {
                        long r = sign * (k * (1L << right) + (1L << (right - 1))) + d;
                        long x = 2 * r;
                        if (x >= int.MinValue && x <= int.MaxValue)
                            xs.Add((int)x);
                    }
        }
        return xs;
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void EveryShift_EdgeAndRandomInputs_EqualFixedPoint(string implementation)
    {
        var isa = Supported(implementation);
        var rng = new Random(31);
        for (int shift = -31; shift <= 30; shift++)
        {
            var multipliers = new List<int>(EdgeMultipliers);
            for (int i = 0; i < 6; i++)
                multipliers.Add(rng.Next(1 << 30, int.MaxValue));
            var inputs = EdgeInputs(shift);
            for (int i = 0; i < 64; i++)
                inputs.Add(rng.Next(int.MinValue, int.MaxValue));
            for (int i = 0; i < 16; i++)
                inputs.Add(rng.Next(-70000, 70000));
            foreach (int m in multipliers)
                for (int i = 0; i < inputs.Count; i += 4)
                {
                    var x = Vector128.Create(inputs[i], inputs[(i + 1) % inputs.Count], inputs[(i + 2) % inputs.Count], inputs[(i + 3) % inputs.Count]);
                    var actual = RequantizeInt8Vector128.MultiplyByQuantizedMultiplier(x, Vector128.Create(m), Vector128.Create(shift), isa);
                    for (int lane = 0; lane < 4; lane++)
                    {
                        int expected = FixedPoint.MultiplyByQuantizedMultiplier(x[lane], m, shift);
                        if (actual[lane] != expected)
                            Assert.Fail($"{isa}: MBQM({x[lane]}, {m}, {shift}) = {actual[lane]}, FixedPoint {expected}");
                    }
                }
        }
    }

    /// <summary>Lanes with different multipliers and shifts (per-channel quantization) in one vector.</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public void MixedLanes_EqualFixedPoint(string implementation)
    {
        var isa = Supported(implementation);
        var rng = new Random(37);
        for (int i = 0; i < 20000; i++)
        {
            var x = Vector128.Create(rng.Next(int.MinValue, int.MaxValue), rng.Next(-1 << 20, 1 << 20), rng.Next(int.MinValue, int.MaxValue), rng.Next(-300, 300));
            var m = Vector128.Create(rng.Next(1 << 30, int.MaxValue), rng.Next(int.MinValue, int.MaxValue), rng.Next(1 << 30, int.MaxValue), 1 << 30);
            var s = Vector128.Create(rng.Next(-31, 31), rng.Next(-31, 31), rng.Next(-31, 1), rng.Next(-31, 31));
            var actual = RequantizeInt8Vector128.MultiplyByQuantizedMultiplier(x, m, s, isa);
            for (int lane = 0; lane < 4; lane++)
            {
                int expected = FixedPoint.MultiplyByQuantizedMultiplier(x[lane], m[lane], s[lane]);
                if (actual[lane] != expected)
                    Assert.Fail($"{isa}: MBQM({x[lane]}, {m[lane]}, {s[lane]}) = {actual[lane]}, FixedPoint {expected}");
            }
        }
    }

    /// <summary>The whole epilogue (multiply, output offset with wrap-around, clamp) for 16, 8, 4 and 1 channels, and 4 channels × 2 pixels (AVX2), against the reference's.</summary>
    [Fact]
    public void Requantize16_8_4_1_EqualReferenceEpilogue()
    {
        var rng = new Random(41);
        for (int trial = 0; trial < 200; trial++)
        {
            const int channels = 37;
            var mult = new int[channels];
            var shifts = new int[channels];
            for (int c = 0; c < channels; c++)
            {
                mult[c] = rng.Next(6) == 0 ? RandomTensors.Pick(rng, EdgeMultipliers) : rng.Next(1 << 30, int.MaxValue);
                shifts[c] = rng.Next(-31, 31);
            }
            int outZp = RandomTensors.Pick(rng, -128, 127, 0, rng.Next(-128, 128));
            int min = rng.Next(-128, 128), max = rng.Next(min, 128);
            var q = new RequantParams { InputOffset = 0, OutputOffset = outZp, ActivationMin = min, ActivationMax = max, Multipliers = mult, Shifts = shifts };
            var requant = new RequantizeInt8Vector128(q, channels);
            var acc = new int[channels];
            for (int c = 0; c < channels; c++)
                acc[c] = rng.Next(4) switch { 0 => rng.Next(int.MinValue, int.MaxValue), 1 => RandomTensors.Pick(rng, int.MinValue, int.MaxValue), _ => rng.Next(-100000, 100000) };
            int Expected(int c) => Math.Clamp(unchecked(FixedPoint.MultiplyByQuantizedMultiplier(acc[c], mult[c], shifts[c]) + outZp), min, max);

            var v16 = requant.Requantize16(V(acc, 0), V(acc, 4), V(acc, 8), V(acc, 12), 0);
            var v8 = requant.Requantize8(V(acc, 16), V(acc, 20), 16);
            var v4 = requant.Requantize4(V(acc, 24), 24);
            for (int c = 0; c < 16; c++)
                Assert.Equal(Expected(c), v16[c]);
            for (int c = 0; c < 8; c++)
                Assert.Equal(Expected(16 + c), v8[c]);
            for (int c = 0; c < 4; c++)
                Assert.Equal(Expected(24 + c), v4[c]);
            for (int c = 28; c < channels; c++)
                Assert.Equal(Expected(c), requant.Requantize1(acc[c], c));
            if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported)
                continue;
            // Two pixels of channels 24..27: the second pixel's accumulators are acc[28..31].
            var v4x2 = requant.Requantize4x2(Vector256.Create(V(acc, 24), V(acc, 28)), 24);
            for (int c = 0; c < 4; c++)
            {
                Assert.Equal(Expected(24 + c), v4x2[c]);
                Assert.Equal(Math.Clamp(unchecked(FixedPoint.MultiplyByQuantizedMultiplier(acc[28 + c], mult[24 + c], shifts[24 + c]) + outZp), min, max), v4x2[16 + c]);
            }
        }
    }

    [Fact]
    public void IsApplicable_RejectsShiftsOutsideTfLitesRangeAndClampsOutsideInt8()
    {
        RequantParams Q(int shift, int min = -128, int max = 127) => new()
        {
            InputOffset = 0, OutputOffset = 0, ActivationMin = min, ActivationMax = max, Multipliers = [1 << 30], Shifts = [shift],
        };
        Assert.True(RequantizeInt8Vector128.IsApplicable(Q(-31), 1));
        Assert.True(RequantizeInt8Vector128.IsApplicable(Q(30), 1));
        Assert.False(RequantizeInt8Vector128.IsApplicable(Q(-32), 1));
        Assert.False(RequantizeInt8Vector128.IsApplicable(Q(31), 1));
        Assert.False(RequantizeInt8Vector128.IsApplicable(Q(0, -129), 1));
        Assert.False(RequantizeInt8Vector128.IsApplicable(Q(0), 2));
        Assert.Throws<ArgumentException>(() => new RequantizeInt8Vector128(Q(31), 1));
    }

    /// <summary>The implementation named, or a skip when this CPU lacks it (the portable one never skips).</summary>
    private static Isa Supported(string implementation)
    {
        var isa = Enum.Parse<Isa>(implementation);
        if (!RequantizeInt8Vector128.IsSupported(isa))
            Assert.Skip($"{isa} is not supported on this CPU.");
        return isa;
    }

    private static Vector128<int> V(int[] a, int at) => Vector128.Create(a.AsSpan(at, 4));

}
