namespace EdgeConv.Quantization;

/// <summary>A real multiplier as TFLite stores it: a Q31 mantissa and a power-of-two exponent.</summary>
public readonly record struct QuantizedMultiplier(int Multiplier, int Shift)
{
    /// <summary>
    /// TFLite QuantizeMultiplier: frexp, round the Q31 mantissa half away from zero, renormalize
    /// when it rounds up to 2^31, flush to zero below shift -31.
    /// </summary>
    public static QuantizedMultiplier FromDouble(double realMultiplier)
    {
        if (realMultiplier == 0.0)
            return new QuantizedMultiplier(0, 0);
        if (double.IsNaN(realMultiplier) || double.IsInfinity(realMultiplier))
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "Multiplier must be finite.");
        double q = Frexp(realMultiplier, out int shift);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (qFixed == (1L << 31))
        {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31)
        {
            shift = 0;
            qFixed = 0;
        }
        return new QuantizedMultiplier((int)qFixed, shift);
    }

    /// <summary>C's frexp: value = mantissa * 2^exponent with |mantissa| in [0.5, 1).</summary>
    public static double Frexp(double value, out int exponent)
    {
        if (value == 0.0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            exponent = 0;
            return value;
        }
        long bits = BitConverter.DoubleToInt64Bits(value);
        int rawExp = (int)((bits >> 52) & 0x7FF);
        if (rawExp == 0)
        {
            // Subnormal: scale into the normal range first.
            double scaled = value * Math.Pow(2, 64);
            double m = Frexp(scaled, out int e);
            exponent = e - 64;
            return m;
        }
        exponent = rawExp - 1022;
        long mantissaBits = (bits & ~(0x7FFL << 52)) | (1022L << 52);
        return BitConverter.Int64BitsToDouble(mantissaBits);
    }

    /// <summary>Applies the multiplier to an accumulator exactly as TFLite does.</summary>
    public int Apply(int x) => FixedPoint.MultiplyByQuantizedMultiplier(x, Multiplier, Shift);
}
