using EdgeConv.Graph;

namespace EdgeConv.Tests.Kernels;

/// <summary>Helpers for comparing int8 kernels with their float references.</summary>
internal static class QuantTestHelpers
{
    public static float Dequantize(sbyte q, float scale, int zeroPoint) => scale * (q - zeroPoint);

    public static float[] Dequantize(ReadOnlySpan<sbyte> q, float scale, int zeroPoint)
    {
        var r = new float[q.Length];
        for (int i = 0; i < q.Length; i++)
            r[i] = Dequantize(q[i], scale, zeroPoint);
        return r;
    }

    /// <summary>A random scale, log-uniform in [lo, hi].</summary>
    public static float Scale(Random rng, float lo, float hi)
        => (float)Math.Exp(Math.Log(lo) + rng.NextDouble() * (Math.Log(hi) - Math.Log(lo)));

    /// <summary>A zero point: often the extremes -128 / 127, otherwise uniform.</summary>
    public static int ZeroPoint(Random rng) => rng.Next(4) switch
    {
        0 => -128,
        1 => 127,
        _ => rng.Next(-128, 128),
    };

    public static Shape4 RandomShape(Random rng, int channels)
        => new(rng.Next(1, 3), rng.Next(1, 5), rng.Next(1, 5), channels);

    /// <summary>
    /// Asserts |dequantized(actual) - expected| &lt;= tolerance for every element, with the expected
    /// value first clamped to the range the output can represent.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<sbyte> actual, ReadOnlySpan<float> expected, float scale, int zeroPoint,
        double toleranceInLsb, string context, int qmin = sbyte.MinValue, int qmax = sbyte.MaxValue)
    {
        Assert.Equal(expected.Length, actual.Length);
        double lo = Dequantize((sbyte)qmin, scale, zeroPoint), hi = Dequantize((sbyte)qmax, scale, zeroPoint);
        for (int i = 0; i < actual.Length; i++)
        {
            double want = Math.Clamp(expected[i], lo, hi);
            double got = Dequantize(actual[i], scale, zeroPoint);
            double errLsb = Math.Abs(got - want) / scale;
            Assert.True(errLsb <= toleranceInLsb + 1e-9,
                $"{context}: element {i}: got q={actual[i]} ({got}), float reference {expected[i]} (clamped {want}); error {errLsb:F3} LSB > {toleranceInLsb} LSB");
        }
    }
}
