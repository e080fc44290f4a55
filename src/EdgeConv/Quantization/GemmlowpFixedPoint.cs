using System.Runtime.CompilerServices;

namespace EdgeConv.Quantization;

/// <summary>
/// The gemmlowp fixed-point math (<c>fixedpoint/fixedpoint.h</c>) that TFLite's int8 SOFTMAX and
/// LOGISTIC kernels use, written on raw <see cref="int"/> values. A gemmlowp
/// <c>FixedPoint&lt;int32_t, IntegerBits&gt;</c> is a raw int32 whose real value is
/// <c>raw / 2^(31 - IntegerBits)</c>; the integer-bit count is passed explicitly here where a
/// function depends on it. Additions and subtractions wrap like the C++ code (they never overflow
/// on the paths the kernels take); products use <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/>.
/// </summary>
public static class GemmlowpFixedPoint
{
    /// <summary>Raw value of 1.0 in Q0.31 (gemmlowp saturates it to INT32_MAX).</summary>
    public const int OneQ0 = int.MaxValue;

    /// <summary>Raw value of 0.5 in Q0.31.</summary>
    public const int OneHalfQ0 = 1 << 30;

    /// <summary>Fractional bits of a 32-bit fixed-point value with <paramref name="integerBits"/> integer bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FractionalBits(int integerBits) => 31 - integerBits;

    /// <summary>gemmlowp <c>FixedPoint::One()</c>: INT32_MAX for 0 integer bits, else <c>1 &lt;&lt; fractionalBits</c>.</summary>
    public static int One(int integerBits)
    {
        CheckIntegerBits(integerBits);
        return integerBits == 0 ? int.MaxValue : 1 << FractionalBits(integerBits);
    }

    /// <summary>gemmlowp <c>ConstantPOT&lt;exponent&gt;()</c>: the raw value of 2^exponent.</summary>
    public static int ConstantPot(int integerBits, int exponent)
    {
        CheckIntegerBits(integerBits);
        int offset = FractionalBits(integerBits) + exponent;
        if (offset < 0 || offset >= 31)
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "2^exponent is not representable with these integer bits.");
        return 1 << offset;
    }

    /// <summary>gemmlowp <c>RoundingHalfSum</c> for int32: (a + b) / 2 rounded to nearest, ties away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingHalfSum(int a, int b)
    {
        long sum = (long)a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int)((sum + sign) / 2);
    }

    /// <summary>
    /// gemmlowp <c>SaturatingRoundingMultiplyByPOT</c>: x * 2^exponent. A positive exponent is a
    /// left shift that saturates to INT32_MIN / INT32_MAX; a negative one is a rounding right shift
    /// (<see cref="FixedPoint.RoundingDivideByPOT"/>); zero is the identity.
    /// </summary>
    public static int SaturatingRoundingMultiplyByPot(int x, int exponent)
    {
        if (exponent == 0)
            return x;
        if (exponent < 0)
            return FixedPoint.RoundingDivideByPOT(x, -exponent);
        if (exponent > 31)
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "Left shift must be at most 31.");
        // Above +threshold saturates high, below -threshold saturates low (gemmlowp compares
        // strictly, so -threshold - 1 and below go to INT32_MIN).
        int threshold = (int)((1L << (31 - exponent)) - 1);
        if (x > threshold)
            return int.MaxValue;
        if (x < -threshold)
            return int.MinValue;
        return unchecked(x * (1 << exponent));
    }

    /// <summary>
    /// gemmlowp <c>Rescale&lt;dst&gt;</c>: changes the integer-bit count of a value, i.e. multiplies the
    /// raw value by 2^(srcIntegerBits - dstIntegerBits) with saturation / rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rescale(int raw, int srcIntegerBits, int dstIntegerBits)
        => SaturatingRoundingMultiplyByPot(raw, srcIntegerBits - dstIntegerBits);

    /// <summary>
    /// gemmlowp <c>exp_on_interval_between_negative_one_quarter_and_0_excl</c>: exp(a) for a Q0.31
    /// value a in [-1/4, 0), by a 4th-order Taylor expansion around -1/8. Result is Q0.31.
    /// </summary>
    public static int ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a)
    {
        const int constantTerm = 1895147668;    // exp(-1/8) in Q0.31
        const int constantOneThird = 715827883; // 1/3 in Q0.31
        // Change of variable x = a + 1/8 (1/8 is 1 << 28 in Q0.31).
        int x = unchecked(a + (1 << 28));
        int x2 = FixedPoint.SaturatingRoundingDoublingHighMul(x, x);
        int x3 = FixedPoint.SaturatingRoundingDoublingHighMul(x2, x);
        int x4 = FixedPoint.SaturatingRoundingDoublingHighMul(x2, x2);
        int x4Over4 = SaturatingRoundingMultiplyByPot(x4, -2);
        int polynomial = SaturatingRoundingMultiplyByPot(
            unchecked(FixedPoint.SaturatingRoundingDoublingHighMul(unchecked(x4Over4 + x3), constantOneThird) + x2),
            -1);
        // For int32 gemmlowp's AddSaturatingIf16Bit is a plain add.
        return unchecked(constantTerm + FixedPoint.SaturatingRoundingDoublingHighMul(constantTerm, unchecked(x + polynomial)));
    }

    /// <summary>
    /// gemmlowp <c>exp_on_negative_values</c>: exp(a) for a &lt;= 0 given as a raw value with
    /// <paramref name="integerBits"/> integer bits. Result is Q0.31 (exp(0) = INT32_MAX).
    /// </summary>
    public static int ExpOnNegativeValues(int a, int integerBits)
    {
        CheckIntegerBits(integerBits);
        int fractionalBits = FractionalBits(integerBits);
        int oneQuarter = ConstantPot(integerBits, -2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale(aModQuarterMinusOneQuarter, integerBits, 0));
        int remainder = unchecked(aModQuarterMinusOneQuarter - a);

        // Barrel shifter: for every power of two 2^e in -a beyond the first quarter, multiply by
        // exp(-2^e). Only the bits that exist with this many integer bits take part.
        result = BarrelStep(result, remainder, integerBits, fractionalBits, -2, 1672461947);
        result = BarrelStep(result, remainder, integerBits, fractionalBits, -1, 1302514674);
        result = BarrelStep(result, remainder, integerBits, fractionalBits, 0, 790015084);
        result = BarrelStep(result, remainder, integerBits, fractionalBits, 1, 290630308);
        result = BarrelStep(result, remainder, integerBits, fractionalBits, 2, 39332535);
        result = BarrelStep(result, remainder, integerBits, fractionalBits, 3, 720401);
        result = BarrelStep(result, remainder, integerBits, fractionalBits, 4, 242);

        if (integerBits > 5)
        {
            // exp(x) for x < -32 is flushed to zero.
            int clamp = -(1 << (36 - integerBits));
            if (a < clamp)
                result = 0;
        }

        return a == 0 ? OneQ0 : result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BarrelStep(int result, int remainder, int integerBits, int fractionalBits, int exponent, int multiplier)
    {
        if (integerBits <= exponent)
            return result;
        int shiftAmount = fractionalBits + exponent;
        return (remainder & (1 << shiftAmount)) != 0
            ? FixedPoint.SaturatingRoundingDoublingHighMul(result, multiplier)
            : result;
    }

    /// <summary>
    /// gemmlowp <c>one_over_one_plus_x_for_x_in_0_1</c>: 1 / (1 + a) for a Q0.31 value a in [0, 1),
    /// by three Newton-Raphson steps in Q2.29. Result is Q0.31.
    /// </summary>
    public static int OneOverOnePlusXForXIn01(int a)
    {
        int halfDenominator = RoundingHalfSum(a, OneQ0);         // Q0.31
        int x = unchecked(Constant48Over17 + FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, ConstantNeg32Over17)); // Q2.29
        x = NewtonRaphsonReciprocal(halfDenominator, x);
        // ExactMulByPot<-1> reinterprets Q2.29 as Q1.30; Rescale<0> from 1 integer bit.
        return Rescale(x, 1, 0);
    }

    /// <summary>
    /// gemmlowp <c>one_minus_x_over_one_plus_x_for_x_in_0_1</c>: (1 - a) / (1 + a) for a Q0.31 value
    /// a in [0, 1). Result is Q0.31.
    /// </summary>
    public static int OneMinusXOverOnePlusXForXIn01(int a)
    {
        int halfDenominator = RoundingHalfSum(a, OneQ0);
        int x = unchecked(Constant48Over17 + FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, ConstantNeg32Over17));
        x = NewtonRaphsonReciprocal(halfDenominator, x);
        return Rescale(unchecked(x - OneQ2), 2, 0);
    }

    private const int Constant48Over17 = 1515870810;     // 48/17 in Q2.29
    private const int ConstantNeg32Over17 = -1010580540; // -32/17 in Q2.29
    private const int OneQ2 = 1 << 29;                   // 1.0 in Q2.29

    private static int NewtonRaphsonReciprocal(int halfDenominator, int x)
    {
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesX = FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, x); // Q2.29
            int oneMinus = unchecked(OneQ2 - halfDenominatorTimesX);                                   // Q2.29
            int product = FixedPoint.SaturatingRoundingDoublingHighMul(x, oneMinus);                   // Q4.27
            x = unchecked(x + Rescale(product, 4, 2));
        }
        return x;
    }

    /// <summary>
    /// gemmlowp <c>logistic</c>: 1 / (1 + exp(-a)) for a raw value a with
    /// <paramref name="integerBits"/> integer bits. Result is Q0.31; logistic(0) is exactly 1/2.
    /// </summary>
    public static int Logistic(int a, int integerBits)
    {
        if (a == 0)
            return OneHalfQ0;
        bool positive = a > 0;
        int absInput = positive ? a : unchecked(-a);
        // logistic_on_positive_values(|a|) = 1 / (1 + exp(-|a|)).
        int resultIfPositive = OneOverOnePlusXForXIn01(ExpOnNegativeValues(unchecked(-absInput), integerBits));
        return positive ? resultIfPositive : unchecked(OneQ0 - resultIfPositive);
    }

    /// <summary>
    /// gemmlowp <c>tanh</c>: tanh(a) for a raw value a with <paramref name="integerBits"/> integer
    /// bits. Result is Q0.31.
    /// </summary>
    public static int Tanh(int a, int integerBits)
    {
        if (a == 0)
            return 0;
        bool negative = a < 0;
        int n = negative ? a : unchecked(-a); // n <= 0
        // neg_tanh_on_negative_values(n): (1 - exp(2n)) / (1 + exp(2n)); ExactMulByPot<1> adds an integer bit.
        int t = OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(n, integerBits + 1));
        return negative ? unchecked(-t) : t;
    }

    private static void CheckIntegerBits(int integerBits)
    {
        if (integerBits is < 0 or > 30)
            throw new ArgumentOutOfRangeException(nameof(integerBits), integerBits, "Integer bits must be in [0, 30].");
    }
}
