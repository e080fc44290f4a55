using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="RequantizeInt8X86"/>'s general and compact forms against the reference epilogue
/// (<see cref="FixedPoint.MultiplyByQuantizedMultiplier"/>, output offset, clamp): every shift, edge and random
/// multipliers, inputs at the limits and at the ties; the compact form up to the largest accumulator bound it
/// accepts; and the byte order of the packs. Runs where AVX2 is supported.
/// </summary>
[Trait("Category", "Kernel")]
public class RequantizeInt8X86Tests
{
    private static readonly int[] Multipliers = [.. RequantizeInt8Vector128Tests.EdgeMultipliers, 1518500249, 1073741825];

    private static void RequireAvx2()
    {
        if (!Avx2.IsSupported)
            Assert.Skip("RequantizeInt8X86 needs AVX2.");
    }

    private static RequantParams Params(int[] multipliers, int[] shifts, int outZp, int min = -128, int max = 127) => new()
    {
        InputOffset = 0, OutputOffset = outZp, ActivationMin = min, ActivationMax = max, Multipliers = multipliers, Shifts = shifts,
    };

    private static sbyte Expected(int acc, int multiplier, int shift, RequantParams q) =>
        (sbyte)Math.Clamp(unchecked(FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift) + q.OutputOffset), q.ActivationMin, q.ActivationMax);

    /// <summary>
    /// Requantizes <paramref name="inputs"/> (8 channels with one multiplier and shift) in the form the
    /// requantizer chose, one vector at a time and as a pair, and compares each byte with the reference.
    /// </summary>
    private static void AssertEqualsReference(RequantizeInt8X86 requant, RequantParams q, List<int> inputs, string context)
    {
        int[] channels = [0, 1, 2, 3, 4, 5, 6, 7];
        for (int i = 0; i < inputs.Count; i += 8)
        {
            var acc = new int[8];
            for (int j = 0; j < 8; j++)
                acc[j] = inputs[(i + j) % inputs.Count];
            var v = Vector256.Create(acc);
            var w = Vector256.Create(acc.Reverse().ToArray());
            Vector256<int> single;
            var (a, b) = (v, w);
            if (requant.IsCompact)
            {
                single = RequantizeInt8X86.ApplyCompact(v, ref requant.Operands);
                RequantizeInt8X86.ApplyCompact(ref a, ref b, ref requant.Operands);
            }
            else
            {
                single = requant.ApplyGeneral(v, ref requant.Operands);
                requant.ApplyGeneral(ref a, ref b, ref requant.Operands);
            }
            var bytes = requant.Pack8(single);
            var pairA = requant.Pack8(a);
            var pairB = requant.Pack8(b);
            foreach (int c in channels)
            {
                sbyte expected = Expected(acc[c], q.Multipliers[c], q.Shifts[c], q);
                Assert.True(expected == bytes[c] && expected == pairA[c], $"{context}: acc {acc[c]}: {bytes[c]}/{pairA[c]}, reference {expected}");
                Assert.Equal(Expected(acc[7 - c], q.Multipliers[c], q.Shifts[c], q), pairB[c]);
            }
        }
    }

    [Fact]
    public void GeneralForm_EveryShift_EdgeAndRandomInputs_EqualReference()
    {
        RequireAvx2();
        var rng = new Random(37);
        for (int shift = -31; shift <= 30; shift++)
            foreach (int multiplier in Multipliers.Concat([rng.Next(1 << 30, int.MaxValue)]))
            {
                int outZp = RandomTensors.Pick(rng, -128, 127, 0, rng.Next(-128, 128));
                var q = Params(Enumerable.Repeat(multiplier, 8).ToArray(), Enumerable.Repeat(shift, 8).ToArray(), outZp);
                var requant = new RequantizeInt8X86(q, [0, 1, 2, 3, 4, 5, 6, 7], Enumerable.Repeat(long.MaxValue, 8).ToArray());
                Assert.False(requant.IsCompact);
                var inputs = RequantizeInt8Vector128Tests.EdgeInputs(shift);
                for (int i = 0; i < 24; i++)
                    inputs.Add(rng.Next(int.MinValue, int.MaxValue));
                AssertEqualsReference(requant, q, inputs, $"shift {shift} multiplier {multiplier} zp {outZp}");
            }
    }

    /// <summary>
    /// The compact form for every right shift, with accumulators up to the largest bound it takes
    /// (2·bound + 2 + |C| &lt; 2^31, C = 2^(e−1) + o·2^e): at ±bound, at the ties, at random; one more
    /// than that bound, or any left shift, turns it off.
    /// </summary>
    [Fact]
    public void CompactForm_EveryRightShift_UpToItsBound_EqualsReference()
    {
        RequireAvx2();
        var rng = new Random(41);
        for (int shift = -31; shift <= 0; shift++)
            foreach (int multiplier in Multipliers.Concat([rng.Next(1 << 30, int.MaxValue)]))
                foreach (int outZp in new[] { -128, 127, rng.Next(-128, 128) })
                {
                    int right = -shift;
                    long c = (right == 0 ? 0 : 1L << (right - 1)) + (long)outZp * (1L << right);
                    long largest = ((1L << 31) - 3 - Math.Abs(c)) / 2;
                    if (largest < 0)
                        continue;
                    var q = Params(Enumerable.Repeat(multiplier, 8).ToArray(), Enumerable.Repeat(shift, 8).ToArray(), outZp);
                    foreach (long bound in new[] { 0, 1, 1000, largest / 3, largest })
                    {
                        var requant = new RequantizeInt8X86(q, [0, 1, 2, 3, 4, 5, 6, 7], Enumerable.Repeat(bound, 8).ToArray());
                        Assert.True(requant.IsCompact, $"shift {shift} zp {outZp} bound {bound}");
                        var inputs = RequantizeInt8Vector128Tests.EdgeInputs(shift).Where(x => Math.Abs((long)x) <= bound).ToList();
                        inputs.AddRange([(int)bound, (int)-bound, (int)Math.Max(bound - 1, 0), (int)-Math.Max(bound - 1, 0), 0]);
                        for (int i = 0; i < 24; i++)
                            inputs.Add((int)rng.NextInt64(-bound, bound + 1));
                        AssertEqualsReference(requant, q, inputs, $"compact shift {shift} multiplier {multiplier} zp {outZp} bound {bound}");
                    }
                    Assert.False(new RequantizeInt8X86(q, [0, 1, 2, 3, 4, 5, 6, 7], Enumerable.Repeat(largest + 1, 8).ToArray()).IsCompact);
                }
        var left = Params(Enumerable.Repeat(1 << 30, 8).ToArray(), [0, 0, 0, 1, 0, 0, 0, 0], 0);
        Assert.False(new RequantizeInt8X86(left, [0, 1, 2, 3, 4, 5, 6, 7], Enumerable.Repeat(1L, 8).ToArray()).IsCompact);
    }

    /// <summary>
    /// Per-channel operands follow the positions: 32 positions holding channels in a shuffled order, each
    /// with its own multiplier and shift, requantized and packed, equal the reference channel by channel;
    /// and the packs' byte orders are the documented ones.
    /// </summary>
    [Fact]
    public void Positions_FollowTheirChannels_AndPacksKeepTheDocumentedOrder()
    {
        RequireAvx2();
        var rng = new Random(43);
        var order = Enumerable.Range(0, 32).OrderBy(_ => rng.Next()).ToArray();
        var multipliers = Enumerable.Range(0, 32).Select(_ => rng.Next(1 << 30, int.MaxValue)).ToArray();
        var shifts = Enumerable.Range(0, 32).Select(_ => -rng.Next(0, 12)).ToArray();
        var q = Params(multipliers, shifts, 3, -100, 120);
        var acc = Enumerable.Range(0, 32).Select(_ => rng.Next(-300000, 300000)).ToArray();   // position p holds channel order[p]'s accumulator
        foreach (long bound in new[] { 300000L, long.MaxValue })
        {
            var requant = new RequantizeInt8X86(q, order, Enumerable.Repeat(bound, 32).ToArray());
            Assert.Equal(bound != long.MaxValue, requant.IsCompact);
            var r = new Vector256<int>[4];
            for (int k = 0; k < 4; k++)
            {
                var v = Vector256.Create(acc.AsSpan(8 * k, 8));
                ref int operands = ref System.Runtime.CompilerServices.Unsafe.Add(ref requant.Operands, RequantizeInt8X86.OperandsAt(8 * k));
                r[k] = requant.IsCompact ? RequantizeInt8X86.ApplyCompact(v, ref operands) : requant.ApplyGeneral(v, ref operands);
            }
            sbyte At(int p) => Expected(acc[p], multipliers[order[p]], shifts[order[p]], q);
            var p32 = requant.Pack32(r[0], r[1], r[2], r[3]);
            var p16 = requant.Pack16(r[0], r[1]);
            var p8 = requant.Pack8(r[2]);
            for (int j = 0; j < 32; j++)
                Assert.Equal(At(8 * (j / 4 % 4) + 4 * (j / 16) + j % 4), p32[j]);   // r0.lane0, r1.lane0, r2.lane0, r3.lane0, r0.lane1, ...
            for (int j = 0; j < 16; j++)
                Assert.Equal(At(8 * (j / 4 % 2) + 4 * (j / 8) + j % 4), p16[j]);   // r0.lane0, r1.lane0, r0.lane1, r1.lane1
            for (int j = 0; j < 8; j++)
                Assert.Equal(At(16 + j), p8[j]);
        }
    }

    /// <summary>
    /// 16-wide groups with a bias per position (the GEMM's layout): the 512-bit forms and the 256-bit forms reading
    /// one half at a time with stride 16 both equal the reference on acc + bias, compact (bias folded into the
    /// 64-bit constants) and general (bias added; multipliers of int.MinValue saturating as gemmlowp does).
    /// </summary>
    [Fact]
    public void SixteenWideGroups_WithBias_BothWidths_EqualReference()
    {
        RequireAvx2();
        var rng = new Random(47);
        for (int trial = 0; trial < 400; trial++)
        {
            bool general = trial % 2 == 1;
            var multipliers = Enumerable.Range(0, 32).Select(_ => general && rng.Next(4) == 0 ? RandomTensors.Pick(rng, Multipliers) : rng.Next(1 << 30, int.MaxValue)).ToArray();
            var shifts = Enumerable.Range(0, 32).Select(_ => general ? rng.Next(-31, 31) : -rng.Next(0, 20)).ToArray();
            var q = Params(multipliers, shifts, rng.Next(-128, 128), -rng.Next(0, 129), rng.Next(0, 128));
            int accBound = RandomTensors.Pick(rng, 100, 70000, 1 << 22);
            var bias = Enumerable.Range(0, 32).Select(_ => general && rng.Next(3) == 0 ? rng.Next(int.MinValue, int.MaxValue) : rng.Next(-accBound, accBound)).ToArray();
            var acc = Enumerable.Range(0, 32).Select(p => p < 3 ? RandomTensors.Pick(rng, accBound, -accBound, 0) : rng.Next(-accBound, accBound + 1)).ToArray();
            var bounds = Enumerable.Range(0, 32).Select(c => general ? long.MaxValue : (long)accBound + Math.Abs((long)bias[c])).ToArray();
            var requant = new RequantizeInt8X86(q, Enumerable.Range(0, 32).ToArray(), bounds, 16, bias);
            Assert.Equal(!general, requant.IsCompact);
            for (int g = 0; g < 2; g++)
            {
                ref int operands = ref System.Runtime.CompilerServices.Unsafe.Add(ref requant.Operands, RequantizeInt8X86.OperandsAt(16 * g, 16));
                var lo = Vector256.Create(acc.AsSpan(16 * g, 8));
                var hi = Vector256.Create(acc.AsSpan(16 * g + 8, 8));
                ref int upper = ref System.Runtime.CompilerServices.Unsafe.Add(ref operands, 8);
                var r256 = requant.IsCompact
                    ? (RequantizeInt8X86.ApplyCompact(lo, ref operands, 16), RequantizeInt8X86.ApplyCompact(hi, ref upper, 16))
                    : (requant.ApplyGeneral(lo, ref operands, 16), requant.ApplyGeneral(hi, ref upper, 16));
                var (bytesLo, bytesHi) = (requant.Pack8(r256.Item1), requant.Pack8(r256.Item2));
                var bytes512 = Avx512F.IsSupported
                    ? requant.Pack16(requant.IsCompact ? RequantizeInt8X86.ApplyCompact(Vector512.Create(lo, hi), ref operands) : requant.ApplyGeneral(Vector512.Create(lo, hi), ref operands))
                    : default;
                for (int j = 0; j < 16; j++)
                {
                    int c = 16 * g + j;
                    sbyte expected = Expected(unchecked(acc[c] + bias[c]), multipliers[c], shifts[c], q);
                    sbyte got = j < 8 ? bytesLo[j] : bytesHi[j - 8];
                    Assert.True(expected == got, $"trial {trial} channel {c}: acc {acc[c]} bias {bias[c]} m {multipliers[c]} shift {shifts[c]}: 256-bit {got}, reference {expected}");
                    if (Avx512F.IsSupported)
                        Assert.True(expected == bytes512[j], $"trial {trial} channel {c}: acc {acc[c]} bias {bias[c]}: 512-bit {bytes512[j]}, reference {expected}");
                }
            }
        }
    }
}
