using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class MeanInt8ReferenceTests
{
    private static sbyte[] Mean(MeanInt8Params p, Shape4 shape, sbyte[] input)
    {
        var o = new sbyte[shape.N * shape.C];
        MeanInt8Reference.Run(p, shape, input, o);
        return o;
    }

    [Fact]
    public void SameQuantization_TruncatesRawSumTowardZero()
    {
        var p = MeanInt8Reference.Prepare(0.1f, 5, 0.1f, 5);
        Assert.True(p.SameQuantization);
        // [-1, -2, -3, -5]: sum -11 / 4 = -2.75 -> -2 (C integer division, zero point not subtracted).
        Assert.Equal(new sbyte[] { -2 }, Mean(p, new Shape4(1, 2, 2, 1), [-1, -2, -3, -5]));
        // Two channels interleaved: c0 = [1, 2, 2, 2] -> 7/4 -> 1; c1 = [127, 127, 127, 126] -> 507/4 = 126.75 -> 126.
        Assert.Equal(new sbyte[] { 1, 126 }, Mean(p, new Shape4(1, 2, 2, 2), [1, 127, 2, 127, 2, 127, 2, 126]));
        // zp 127: [127, 126] -> 126.5 -> 126.
        var p127 = MeanInt8Reference.Prepare(0.02f, 127, 0.02f, 127);
        Assert.Equal(new sbyte[] { 126 }, Mean(p127, new Shape4(1, 1, 2, 1), [127, 126]));
    }

    [Fact]
    public void DifferentQuantization_FoldsCountIntoTheMultiplier()
    {
        // in scale 1 -> out scale 2: 0.5 = (2^30, 0); count 4: s = 2, multiplier (2^30 << 2) / 4 = 2^30, shift -2.
        var p = MeanInt8Reference.Prepare(1f, 0, 2f, 0);
        Assert.False(p.SameQuantization);
        Assert.Equal((1 << 30, -2), MeanInt8Reference.FoldCount(p.Multiplier, p.Shift, 4));
        var s = new Shape4(1, 2, 2, 1);
        Assert.Equal(new sbyte[] { 1 }, Mean(p, s, [1, 2, 2, 0]));    // sum 5: SRDHM 2.5 -> 3, 3 / 4 -> 1 (0.625)
        Assert.Equal(new sbyte[] { 1 }, Mean(p, s, [1, 1, 1, 0]));    // sum 3: SRDHM 1.5 -> 2, 2 / 4 = 0.5 -> 1 (double rounding; exact 0.375)
        Assert.Equal(new sbyte[] { 1 }, Mean(p, s, [4, 0, 0, 0]));    // 0.5 -> 1
        Assert.Equal(new sbyte[] { -1 }, Mean(p, s, [-4, 0, 0, 0]));  // SRDHM -2 exact, -0.5 -> -1
        // in zp -128 scale 0.5 -> out zp 10 scale 1: same folded multiplier; sum - (-128 * 4).
        var q = MeanInt8Reference.Prepare(0.5f, -128, 1f, 10);
        Assert.Equal(new sbyte[] { 10 }, Mean(q, s, [-128, -128, -128, -128]));  // 0 -> 10
        Assert.Equal(new sbyte[] { 11 }, Mean(q, s, [-128, -127, -127, -127]));  // shifted 3 -> 1 (as above) -> 11
        Assert.Equal(new sbyte[] { 127 }, Mean(q, s, [127, 127, 127, 127]));     // 1020: 510, 127.5 -> 128 -> 138, clamped
        // Same scale, different zero point: 1.0 = (2^30, 1); count 2: s = 1, (2^31) / 2 = 2^30, shift 0.
        var z = MeanInt8Reference.Prepare(1f, -3, 1f, 0);
        Assert.False(z.SameQuantization);
        Assert.Equal(new sbyte[] { 4 }, Mean(z, new Shape4(1, 1, 2, 1), [0, 1]));  // 1 + 6 = 7: SRDHM 3.5 -> 4
    }

    [Fact]
    public void FoldCount_TruncatesAndLimitsTheShift()
    {
        // count 3: s = 1, 2^31 / 3 = 715827882.67 -> 715827882.
        Assert.Equal((715827882, 0), MeanInt8Reference.FoldCount(1 << 30, 1, 3));
        // count 49 (7x7): s = 5, (2^30 << 5) / 49 = 701219150.37 -> 701219150, shift -5.
        Assert.Equal((701219150, -5), MeanInt8Reference.FoldCount(1 << 30, 0, 49));
        // s is limited so that the final shift stays >= -31.
        Assert.Equal(((1 << 30) / 64 * 2, -31), MeanInt8Reference.FoldCount(1 << 30, -30, 64));
        Assert.Equal((1 << 30, 0), MeanInt8Reference.FoldCount(1 << 30, 0, 1));
    }

    [Fact]
    public void NonPowerOfTwoCount()
    {
        // in (1, 0) -> out (1, 1): count 3 uses 715827882 with shift 0.
        var p = MeanInt8Reference.Prepare(1f, 0, 1f, 1);
        var s = new Shape4(1, 1, 3, 1);
        Assert.Equal(new sbyte[] { 2 }, Mean(p, s, [1, 1, 2]));  // 4 * 715827882 / 2^31 = 1.33 -> 1, + 1
        Assert.Equal(new sbyte[] { 3 }, Mean(p, s, [1, 2, 2]));  // 1.67 -> 2, + 1
    }

    [Fact]
    public void LegacyFloatRescale_RoundsInFloat()
    {
        var p = MeanInt8Reference.Prepare(1f, 0, 2f, 0, MeanInt8Rescale.LegacyFloat);
        var s = new Shape4(1, 2, 2, 1);
        Assert.Equal(new sbyte[] { 1 }, Mean(p, s, [1, 2, 2, 0]));    // 1.25 * 0.5 = 0.625 -> 1
        Assert.Equal(new sbyte[] { 0 }, Mean(p, s, [1, 1, 1, 0]));    // 0.375 -> 0
        Assert.Equal(new sbyte[] { 1 }, Mean(p, s, [4, 0, 0, 0]));    // exactly 0.5 -> 1 (half away from zero)
        Assert.Equal(new sbyte[] { -1 }, Mean(p, s, [-4, 0, 0, 0]));  // -0.5 -> -1
        var q = MeanInt8Reference.Prepare(0.5f, -128, 1f, 10, MeanInt8Rescale.LegacyFloat);
        Assert.Equal(new sbyte[] { 10 }, Mean(q, s, [-128, -127, -127, -127]));  // -63.625 + 64 = 0.375 -> 0 -> 10
        Assert.Equal(new sbyte[] { 127 }, Mean(q, s, [127, 127, 127, 127]));     // 63.5 + 64 = 127.5 -> 128 + 10, clamped
        // The same-quantization path does not depend on the rescale choice.
        var same = MeanInt8Reference.Prepare(0.1f, 5, 0.1f, 5, MeanInt8Rescale.LegacyFloat);
        Assert.Equal(new sbyte[] { -2 }, Mean(same, s, [-1, -2, -3, -5]));
    }

    [Fact]
    public void BatchesAreIndependent()
    {
        var p = MeanInt8Reference.Prepare(1f, 0, 1f, 0);
        Assert.Equal(new sbyte[] { 2, 20, -2, -20 }, Mean(p, new Shape4(2, 1, 2, 2), [1, 10, 3, 30, -1, -10, -3, -30]));
    }

    // Tolerance: 1 output LSB. Same quantization: the truncating integer division loses less than
    // 1 LSB. Integer rescale: SRDHM rounds to 2^shift units, then the rounding shift adds 0.5 LSB,
    // and the truncated folded multiplier is off by < 2^-30 relative: under 1 LSB in total. Legacy
    // float rescale: one float rounding (0.5 LSB) plus ~1e-7 relative error in the mean.
    // Shapes have 1..67 channels and up to 8x8 spatial extents.
    [Fact]
    public void MatchesFloatMean_WithinOneLsb()
    {
        var rng = new Random(8080);
        for (int channels = 1; channels <= 67; channels++)
        {
            var shape = new Shape4(rng.Next(1, 3), rng.Next(1, 9), rng.Next(1, 9), channels);
            float inScale = QuantTestHelpers.Scale(rng, 0.005f, 0.2f);
            int inZp = QuantTestHelpers.ZeroPoint(rng);
            bool same = rng.Next(3) == 0;
            float outScale = same ? inScale : inScale * QuantTestHelpers.Scale(rng, 0.3f, 1.5f);
            int outZp = same ? inZp : QuantTestHelpers.ZeroPoint(rng);
            var rescale = rng.Next(2) == 0 ? MeanInt8Rescale.IntegerMultiplier : MeanInt8Rescale.LegacyFloat;
            var p = MeanInt8Reference.Prepare(inScale, inZp, outScale, outZp, rescale);
            Assert.Equal(same, p.SameQuantization);

            sbyte[] input = RandomTensors.Int8(rng, shape.FlatSize);
            var got = new sbyte[shape.N * channels];
            MeanInt8Reference.Run(p, shape, input, got);
            var want = new float[got.Length];
            MeanFloat.Run(shape, QuantTestHelpers.Dequantize(input, inScale, inZp), want);
            QuantTestHelpers.AssertClose(got, want, outScale, outZp, 1.0, $"{shape} same={same} zp {inZp}->{outZp}");
        }
    }
}
