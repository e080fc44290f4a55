using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class LogisticInt8ReferenceTests
{
    [Fact]
    public void Prepare_ComputesTfliteParams()
    {
        // 1/16 * 2^27 = 2^23 = 0.5 * 2^24 -> multiplier 2^30, left shift 24;
        // radius = floor(15 * 2^27 / 2^24) = 120.
        Assert.Equal(new LogisticInt8Params(3, 120, 1 << 30, 24), LogisticInt8Reference.Prepare(1f / 16, 3, 1f / 256, -128));
        // 0.1f is 13421773 * 2^-27, so 0.1f * 2^27 = 13421773 = (13421773 / 2^24) * 2^24:
        // multiplier 13421773 * 2^7 = 1717986944, left shift 24, radius 120.
        Assert.Equal(new LogisticInt8Params(0, 120, 1717986944, 24), LogisticInt8Reference.Prepare(0.1f, 0, 1f / 256, -128));
    }

    [Theory]
    [InlineData(0, 0)]        // logistic(0) = 0.5 -> 128 - 128
    [InlineData(16, 59)]      // logistic(1) = 0.7311 -> 187.15 -> 187 - 128
    [InlineData(-16, -59)]    // logistic(-1) = 0.2689 -> 68.85 -> 69 - 128
    [InlineData(119, 127)]    // 0.99941 -> 255.85 -> 256, clamped
    [InlineData(120, 127)]    // at the radius: saturated without computing
    [InlineData(-120, -128)]
    [InlineData(-119, -128)]  // 0.00059 -> 0.15 -> 0
    public void KnownValues(int x, int expected)
    {
        var p = LogisticInt8Reference.Prepare(1f / 16, 0, 1f / 256, -128);
        var output = new sbyte[1];
        LogisticInt8Reference.Run(p, [(sbyte)x], output);
        Assert.Equal(expected, output[0]);
    }

    [Fact]
    public void ZeroPointIsSubtracted()
    {
        var p = LogisticInt8Reference.Prepare(1f / 16, -128, 1f / 256, -128);
        var output = new sbyte[2];
        LogisticInt8Reference.Run(p, [-128, -112], output);
        Assert.Equal(new sbyte[] { 0, 59 }, output);
    }

    [Fact]
    public void Prepare_RejectsWrongOutputQuantization()
    {
        Assert.Throws<ArgumentException>(() => LogisticInt8Reference.Prepare(0.1f, 0, 1f / 256, -127));
        Assert.Throws<ArgumentException>(() => LogisticInt8Reference.Prepare(0.1f, 0, 1f / 128, -128));
        Assert.Throws<ArgumentException>(() => LogisticInt8Reference.Prepare(0f, 0, 1f / 256, -128));
    }

    // Tolerance: 1 output LSB (1/256). One rounding to the 1/256 grid (0.5 LSB) plus the gemmlowp
    // logistic's ~2e-6 absolute error; inputs at or beyond the radius (>= 7.5 real) saturate to
    // 127 / -128, which is within 0.15 LSB of the float value there.
    [Fact]
    public void MatchesFloatLogistic_WithinOneLsb()
    {
        var rng = new Random(77);
        for (int channels = 1; channels <= 67; channels++)
        {
            float inputScale = QuantTestHelpers.Scale(rng, 0.005f, 0.25f);
            int zp = QuantTestHelpers.ZeroPoint(rng);
            var p = LogisticInt8Reference.Prepare(inputScale, zp, 1f / 256, -128);
            sbyte[] input = RandomTensors.Int8(rng, channels * 5);
            var output = new sbyte[input.Length];
            LogisticInt8Reference.Run(p, input, output);
            var expected = new float[input.Length];
            LogisticFloat.Run(QuantTestHelpers.Dequantize(input, inputScale, zp), expected);
            QuantTestHelpers.AssertClose(output, expected, 1f / 256, -128, 1.0, $"scale {inputScale} zp {zp}");
        }
    }
}
