namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>The comparisons the float checks use.</summary>
internal static class FloatCompare
{
    /// <summary>numpy.testing.assert_allclose: |a - e| &lt;= atol + rtol |e| everywhere; returns the first violation or null.</summary>
    public static string? AllClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double rtol, double atol)
    {
        if (actual.Length != expected.Length)
            return $"length {actual.Length} != expected {expected.Length}";
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (double.IsInfinity(e) && a == e) continue;
            if (!(Math.Abs(a - e) <= atol + rtol * Math.Abs(e)))
                return $"element {i}: {a} vs expected {e}";
        }
        return null;
    }

    /// <summary>||a - e||2 / ||e||2.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = actual[i] - (double)expected[i];
            num += d * d;
            den += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(num) / Math.Max(Math.Sqrt(den), 1e-30);
    }
}
