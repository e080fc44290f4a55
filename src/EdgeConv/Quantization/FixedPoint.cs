using System.Runtime.CompilerServices;

namespace EdgeConv.Quantization;

/// <summary>
/// TFLite's integer requantization primitives (gemmlowp semantics, default build: no
/// TFLITE_SINGLE_ROUNDING, so a multiply rounds twice). Every int8 kernel calls these.
/// </summary>
public static class FixedPoint
{
    /// <summary>gemmlowp SaturatingRoundingDoublingHighMul: (a*b*2) / 2^32 rounded to nearest; the nudge-then-truncate rounds ties up (toward +inf), like SQRDMULH.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue)
            return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        // C++ integer division truncates toward zero; so does C#'s.
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>
    /// TFLite MultiplyByQuantizedMultiplier: a positive shift is a left shift applied before the
    /// multiply (wrapping like the C++ code), a negative one a rounding right shift after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(
            SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier),
            rightShift);
    }

    /// <summary>TFLite MultiplyByQuantizedMultiplierSmallerThanOneExp (shift &lt;= 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplierSmallerThanOneExp(int x, int quantizedMultiplier, int leftShift)
        => RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, quantizedMultiplier), -leftShift);

    /// <summary>TFLite MultiplyByQuantizedMultiplierGreaterThanOne (shift &gt;= 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplierGreaterThanOne(int x, int quantizedMultiplier, int leftShift)
        => SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier);
}
