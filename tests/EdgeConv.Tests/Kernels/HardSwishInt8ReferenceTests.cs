using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class HardSwishInt8ReferenceTests
{
    [Fact]
    public void Prepare_ComputesTfliteParams()
    {
        // Input and output scale 1/16: hires = 1/2048.
        // output multiplier 1/128 = 0.5 * 2^-6 -> Q31 2^30 -> Q15 16384, exponent -6.
        // relu-ish multiplier (1/2048) / (3/32768) = 16/3, as the float 5.33333349 =
        // 0xAAAAAB * 2^-21 -> Q31 0xAAAAAB << 7 = 1431655808 -> Q15 (x + 2^15) >> 16 = 21845, exponent 3.
        var p = HardSwishInt8Reference.Prepare(1f / 16, 0, 1f / 16, 0);
        Assert.Equal(new HardSwishInt8Params(0, 0, 21845, 3, 16384, -6), p);
    }

    [Theory]
    [InlineData(1 << 30, 16384)]
    [InlineData(1431655808, 21845)]
    [InlineData(int.MaxValue, 32767)]
    [InlineData(int.MaxValue - 32768, 32767)]  // at the saturation threshold
    [InlineData(0, 0)]
    [InlineData(98304, 2)]                     // 1.5 * 2^16 + 2^15 = 2^17 -> 2
    public void DownScaleInt32ToInt16Multiplier(int m, short expected)
        => Assert.Equal(expected, HardSwishInt8Reference.DownScaleInt32ToInt16Multiplier(m));

    [Theory]
    [InlineData(0, 0)]      // hardswish(0) = 0
    [InlineData(48, 48)]    // hardswish(3) = 3: preshift 3072, relu-ish saturates to 32767, 3071 / 64 -> 48
    [InlineData(-48, 0)]    // hardswish(-3) = 0: relu-ish -32768 -> 0
    [InlineData(16, 11)]    // hardswish(1) = 2/3 -> 10.67: preshift 1024, relu-ish 21845, 682 / 64 -> 11
    [InlineData(-128, 0)]   // far below -3
    [InlineData(127, 127)]  // 7.94 -> 127
    public void KnownValues(int x, int expected)
    {
        var p = HardSwishInt8Reference.Prepare(1f / 16, 0, 1f / 16, 0);
        var output = new sbyte[1];
        HardSwishInt8Reference.Run(p, [(sbyte)x], output);
        Assert.Equal(expected, output[0]);
    }

    [Fact]
    public void OutputExponentZero_ShowsTheTruncatingFinalMultiply()
    {
        // Input scale 1, output scale 1/96: output multiplier 0.75 -> Q15 24576, exponent 0 (no
        // final rounding shift); relu-ish multiplier 256/3 -> Q15 21845, exponent 7.
        var p = HardSwishInt8Reference.Prepare(1f, 0, 1f / 96, 0);
        Assert.Equal(new HardSwishInt8Params(0, 0, 21845, 7, 24576, 0), p);
        var output = new sbyte[2];
        // x = 1: preshift output 96, relu-ish 21845 (2/3), SaturatingDoublingHighMul(21845, 96) =
        // 63.999 truncated to 63, while the exact value is 64 (2/3 * 96).
        HardSwishInt8Reference.Run(p, [0, 1], output);
        Assert.Equal(new sbyte[] { 0, 63 }, output);
    }

    [Fact]
    public void Int16Helpers_MatchTfliteSemantics()
    {
        Assert.Equal(3072, HardSwishInt8Reference.Srdhm16(6144, 16384));          // (a*b + 2^14) / 2^15 = 3072.5, truncated
        Assert.Equal(-3072, HardSwishInt8Reference.Srdhm16(-6144, 16384));
        Assert.Equal(short.MaxValue, HardSwishInt8Reference.Srdhm16(short.MinValue, short.MinValue));
        Assert.Equal(3071, HardSwishInt8Reference.SaturatingDoublingHighMul16(32767, 3072)); // 3071.9 truncated
        Assert.Equal(-3071, HardSwishInt8Reference.SaturatingDoublingHighMul16(-32767, 3072));
        Assert.Equal(short.MaxValue, HardSwishInt8Reference.SaturatingLeftShift16(16384, 1));
        Assert.Equal(short.MinValue, HardSwishInt8Reference.SaturatingLeftShift16(-16384, 2));
        Assert.Equal(48, HardSwishInt8Reference.RoundingDivideByPot16(3071, 6));
        Assert.Equal(-3, HardSwishInt8Reference.RoundingDivideByPot16(-5, 1));
    }

    // Tolerance: 1 output LSB. With output/input scale ratios in [0.5, 2] the output exponent is
    // <= -5, so the int16 steps (Q15 multipliers, SRDHM / truncating SDHM, relu-ish in Q15) add at most
    // ~3 pre-shift units = 3/32 LSB to the final 0.5 LSB rounding.
    [Fact]
    public void MatchesFloatHardSwish_WithinOneLsb()
    {
        var rng = new Random(4242);
        for (int channels = 1; channels <= 67; channels++)
        {
            float inputScale = QuantTestHelpers.Scale(rng, 0.01f, 0.2f);
            float outputScale = inputScale * QuantTestHelpers.Scale(rng, 0.5f, 2f);
            int inZp = QuantTestHelpers.ZeroPoint(rng);
            int outZp = QuantTestHelpers.ZeroPoint(rng);
            var p = HardSwishInt8Reference.Prepare(inputScale, inZp, outputScale, outZp);
            sbyte[] input = RandomTensors.Int8(rng, channels * 4);
            var output = new sbyte[input.Length];
            HardSwishInt8Reference.Run(p, input, output);
            var expected = new float[input.Length];
            HardSwishFloat.Run(QuantTestHelpers.Dequantize(input, inputScale, inZp), expected);
            QuantTestHelpers.AssertClose(output, expected, outputScale, outZp, 1.0, $"in {inputScale}/{inZp} out {outputScale}/{outZp}");
        }
    }
}
