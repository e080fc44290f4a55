using EdgeConv.Quantization;

namespace EdgeConv.Tests.Kernels;

// Expected values are worked out by hand from gemmlowp / TFLite semantics:
// SRDHM(a, b) = trunc((a*b + nudge) / 2^31), nudge = 2^30 for a*b >= 0 else 1 - 2^30, which is
// round-to-nearest with ties toward +infinity (like ARM SQRDMULH); RoundingDivideByPOT rounds ties
// away from zero.
public class FixedPointTests
{
    [Theory]
    [InlineData(1 << 30, 1 << 30, 1 << 29)]        // 0.5 * 0.5 = 0.25, exact
    [InlineData(32768, 32768, 1)]                  // a*b = 2^30: +0.5 rounds up to 1
    [InlineData(-32768, 32768, 0)]                 // a*b = -2^30: -0.5 rounds toward +inf to 0
    [InlineData(3 * 32768, 32768, 2)]              // +1.5 -> 2
    [InlineData(-3 * 32768, 32768, -1)]            // -1.5 -> -1
    [InlineData(-32769, 32768, -1)]                // just below -0.5 -> -1
    [InlineData(100, 1 << 30, 50)]
    [InlineData(-100, 1 << 30, -50)]
    [InlineData(int.MinValue, int.MinValue, int.MaxValue)] // the only saturating case
    [InlineData(int.MinValue, int.MaxValue, -2147483647)]  // -1 * (1 - 2^-31)
    [InlineData(int.MaxValue, int.MaxValue, 2147483646)]
    public void SaturatingRoundingDoublingHighMul_MatchesGemmlowp(int a, int b, int expected)
        => Assert.Equal(expected, FixedPoint.SaturatingRoundingDoublingHighMul(a, b));

    [Theory]
    [InlineData(5, 1, 3)]      // 2.5 -> 3
    [InlineData(-5, 1, -3)]    // -2.5 -> -3
    [InlineData(-3, 1, -2)]    // -1.5 -> -2
    [InlineData(-1, 1, -1)]    // -0.5 -> -1
    [InlineData(1, 1, 1)]      // 0.5 -> 1
    [InlineData(6, 2, 2)]      // 1.5 -> 2
    [InlineData(-6, 2, -2)]    // -1.5 -> -2
    [InlineData(-7, 2, -2)]    // -1.75 -> -2
    [InlineData(-5, 2, -1)]    // -1.25 -> -1
    [InlineData(5, 2, 1)]      // 1.25 -> 1
    [InlineData(123, 0, 123)]
    [InlineData(int.MinValue, 31, -1)]
    [InlineData(1 << 30, 31, 1)]      // 0.5 -> 1
    [InlineData(-(1 << 30), 31, -1)]  // -0.5 -> -1
    [InlineData((1 << 30) - 1, 31, 0)]
    public void RoundingDivideByPOT_RoundsHalfAwayFromZero(int x, int exponent, int expected)
        => Assert.Equal(expected, FixedPoint.RoundingDivideByPOT(x, exponent));

    [Theory]
    [InlineData(100, 1 << 30, 0, 50)]
    [InlineData(100, 1 << 30, -1, 25)]
    [InlineData(100, 1 << 30, -2, 13)]    // 12.5 -> 13
    [InlineData(-100, 1 << 30, -2, -13)]  // -12.5 -> -13
    [InlineData(3, 1 << 30, 2, 6)]        // left shift before the multiply: (3 << 2) * 0.5
    [InlineData(1, 1610612736, -1, 1)]    // double rounding: round(0.75) = 1, then 1/2 -> 1 (single rounding would give 0)
    [InlineData(-3, 1 << 30, 0, -1)]      // -1.5 from SRDHM rounds toward +inf
    [InlineData(5, 1 << 30, -1, 2)]       // SRDHM 2.5 -> 3, then 1.5 -> 2
    public void MultiplyByQuantizedMultiplier_LeftAndRightShifts(int x, int multiplier, int shift, int expected)
        => Assert.Equal(expected, FixedPoint.MultiplyByQuantizedMultiplier(x, multiplier, shift));

    [Fact]
    public void MultiplyByQuantizedMultiplier_SmallerAndGreaterVariantsAgreeWithGeneral()
    {
        Assert.Equal(13, FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(100, 1 << 30, -2));
        Assert.Equal(6, FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(3, 1 << 30, 2));
    }

    [Theory]
    [InlineData(0.5, 1 << 30, 0)]
    [InlineData(1.0, 1 << 30, 1)]
    [InlineData(0.75, 1610612736, 0)]
    [InlineData(0.1, 1717986918, -3)]          // 0.8 * 2^31 = 1717986918.4
    [InlineData(-0.75, -1610612736, 0)]
    [InlineData(4.656612873077393e-10, 1 << 30, -30)] // 2^-31 = 0.5 * 2^-30
    public void QuantizedMultiplier_FromDouble_Basic(double real, int multiplier, int shift)
        => Assert.Equal(new QuantizedMultiplier(multiplier, shift), QuantizedMultiplier.FromDouble(real));

    [Fact]
    public void QuantizedMultiplier_FromDouble_RoundsMantissaHalfAwayFromZero()
    {
        // q = 0.5 + 2^-32: q * 2^31 = 2^30 + 0.5 exactly -> 2^30 + 1.
        Assert.Equal(new QuantizedMultiplier((1 << 30) + 1, 0), QuantizedMultiplier.FromDouble(0.5 + Math.Pow(2, -32)));
    }

    [Fact]
    public void QuantizedMultiplier_FromDouble_RenormalizesWhenMantissaRoundsTo2Pow31()
    {
        // 1 - 2^-33: q * 2^31 = 2^31 - 0.25 rounds to 2^31, which is halved with the shift bumped.
        Assert.Equal(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.FromDouble(1 - Math.Pow(2, -33)));
    }

    [Fact]
    public void QuantizedMultiplier_FromDouble_FlushesBelowShiftMinus31()
    {
        Assert.Equal(new QuantizedMultiplier(1 << 30, -31), QuantizedMultiplier.FromDouble(Math.Pow(2, -32))); // 0.5 * 2^-31: kept
        Assert.Equal(new QuantizedMultiplier(0, 0), QuantizedMultiplier.FromDouble(Math.Pow(2, -33)));        // shift -32: flushed
        Assert.Equal(new QuantizedMultiplier(0, 0), QuantizedMultiplier.FromDouble(1e-12));
        Assert.Equal(new QuantizedMultiplier(0, 0), QuantizedMultiplier.FromDouble(0.0));
    }
}
