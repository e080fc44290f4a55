using EdgeConv.Quantization;

namespace EdgeConv.Tests.Kernels;

// Simple rows are worked by hand. The longer exp / reciprocal chains were stepped through with a
// big-integer calculator following gemmlowp's fixedpoint.h operation by operation (not by running
// this code); each is also checked against the real function to the accuracy gemmlowp documents.
public class GemmlowpFixedPointTests
{
    private const double Q31 = 2147483648.0;

    [Theory]
    [InlineData(1, 2, 2)]       // 1.5 -> 2
    [InlineData(-1, -2, -2)]    // -1.5 -> -2
    [InlineData(1, 0, 1)]       // 0.5 -> 1
    [InlineData(-1, 0, -1)]     // -0.5 -> -1
    [InlineData(0, 0, 0)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue)]
    [InlineData(0, int.MaxValue, 1 << 30)]
    public void RoundingHalfSum(int a, int b, int expected)
        => Assert.Equal(expected, GemmlowpFixedPoint.RoundingHalfSum(a, b));

    [Theory]
    [InlineData(1 << 29, 1, 1 << 30)]
    [InlineData(1 << 30, 1, int.MaxValue)]          // above 2^30 - 1 saturates high
    [InlineData(-(1 << 30), 1, int.MinValue)]       // below -(2^30 - 1) saturates low
    [InlineData(-(1 << 29), 1, -(1 << 30))]
    [InlineData(5, -1, 3)]
    [InlineData(-5, -1, -3)]
    [InlineData(7, 0, 7)]
    [InlineData(3, 5, 96)]
    public void SaturatingRoundingMultiplyByPot(int x, int exponent, int expected)
        => Assert.Equal(expected, GemmlowpFixedPoint.SaturatingRoundingMultiplyByPot(x, exponent));

    [Fact]
    public void Rescale_ToMoreIntegerBits_IsRoundingRightShift()
    {
        Assert.Equal(524288, GemmlowpFixedPoint.Rescale(int.MaxValue, 0, 12)); // (2^31 - 1) / 2^12 -> 2^19
        Assert.Equal(1 << 29, GemmlowpFixedPoint.Rescale(-(1 << 24) * -1, 5, 0)); // 2^24 * 2^5
    }

    [Fact]
    public void OneAndConstantPot()
    {
        Assert.Equal(int.MaxValue, GemmlowpFixedPoint.One(0));
        Assert.Equal(1 << 29, GemmlowpFixedPoint.One(2));
        Assert.Equal(1 << 26, GemmlowpFixedPoint.One(5));
        Assert.Equal(1 << 24, GemmlowpFixedPoint.ConstantPot(5, -2));
        Assert.Equal(1 << 28, GemmlowpFixedPoint.ConstantPot(0, -3));
    }

    [Fact]
    public void ExpOnInterval_AtMinusOneEighth_IsTheConstantTerm()
    {
        // a = -1/8: x = a + 1/8 = 0 so every power is 0 and the result is exp(-1/8) = 1895147668.
        Assert.Equal(1895147668, GemmlowpFixedPoint.ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(-(1 << 28)));
    }

    [Fact]
    public void ExpOnInterval_AtMinusOneQuarter()
    {
        // x = -1/8: x2 = 2^25, x3 = -2^22, x4 = 2^19, x4/4 = 2^17, ...
        Assert.Equal(1672462419, GemmlowpFixedPoint.ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(-(1 << 29)));
    }

    [Theory]
    [InlineData(0, 5, int.MaxValue)]                 // exp(0) = One
    [InlineData(-(1 << 24), 5, 1672462419)]          // -1/4 in Q5.26: only the polynomial
    [InlineData(-(1 << 26), 5, 790015308)]           // -1: polynomial * exp(-1/4) * exp(-1/2)
    [InlineData(-5 * (1 << 26), 5, 14469635)]        // -5
    [InlineData(int.MinValue, 5, 0)]                 // -32
    public void ExpOnNegativeValues_Q5(int a, int integerBits, int expected)
        => Assert.Equal(expected, GemmlowpFixedPoint.ExpOnNegativeValues(a, integerBits));

    [Fact]
    public void ExpOnNegativeValues_IsAccurateOverTheRange()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            int raw = -rng.Next(0, 20 << 26); // [-20, 0] in Q5.26
            double x = raw / (double)(1 << 26);
            double got = GemmlowpFixedPoint.ExpOnNegativeValues(raw, 5) / Q31;
            Assert.True(Math.Abs(got - Math.Exp(x)) < 2e-6, $"exp({x}) = {got}, expected {Math.Exp(x)}");
        }
    }

    [Fact]
    public void OneOverOnePlusX()
    {
        Assert.Equal(int.MaxValue, GemmlowpFixedPoint.OneOverOnePlusXForXIn01(0));
        Assert.Equal(1431655762, GemmlowpFixedPoint.OneOverOnePlusXForXIn01(1 << 30)); // 1/1.5
        var rng = new Random(99);
        for (int i = 0; i < 1000; i++)
        {
            int a = rng.Next(0, int.MaxValue);
            double got = GemmlowpFixedPoint.OneOverOnePlusXForXIn01(a) / Q31;
            Assert.True(Math.Abs(got - 1.0 / (1.0 + a / Q31)) < 1e-8, $"1/(1+{a / Q31}) = {got}");
        }
    }

    [Fact]
    public void Logistic_ExactValuesAndSymmetry()
    {
        Assert.Equal(1 << 30, GemmlowpFixedPoint.Logistic(0, 4));               // exactly 1/2
        Assert.Equal(1569936226, GemmlowpFixedPoint.Logistic(1 << 27, 4));      // logistic(1) in Q4.27
        Assert.Equal(577547421, GemmlowpFixedPoint.Logistic(-(1 << 27), 4));
        var rng = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            int a = rng.Next(1, 1 << 30);
            // result_if_negative is defined as One - result_if_positive.
            Assert.Equal(int.MaxValue, GemmlowpFixedPoint.Logistic(a, 4) + GemmlowpFixedPoint.Logistic(-a, 4));
            double x = a / (double)(1 << 27);
            Assert.True(Math.Abs(GemmlowpFixedPoint.Logistic(a, 4) / Q31 - 1 / (1 + Math.Exp(-x))) < 2e-6);
        }
    }

    [Fact]
    public void Tanh_IsOddAndAccurate()
    {
        Assert.Equal(0, GemmlowpFixedPoint.Tanh(0, 4));
        var rng = new Random(8);
        for (int i = 0; i < 1000; i++)
        {
            int a = rng.Next(1, 1 << 30);
            Assert.Equal(-GemmlowpFixedPoint.Tanh(a, 4), GemmlowpFixedPoint.Tanh(-a, 4));
            double x = a / (double)(1 << 27);
            Assert.True(Math.Abs(GemmlowpFixedPoint.Tanh(a, 4) / Q31 - Math.Tanh(x)) < 4e-6, $"tanh({x})");
        }
    }
}
