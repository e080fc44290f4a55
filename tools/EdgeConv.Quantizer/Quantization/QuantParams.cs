namespace EdgeConv.Quantizer.Quantization;

/// <summary>The TFLite int8 quantization rules for activations, weights and biases.</summary>
public static class QuantParams
{
    /// <summary>
    /// Asymmetric int8 activation parameters for a real range: the range is widened to contain 0,
    /// scale = (max − min) / 255, and the zero point is rounded so real 0 is exactly representable.
    /// </summary>
    public static (float Scale, int ZeroPoint) Activation(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        if (max - min < 1e-6f)
            max = min + 1e-6f;
        double scale = ((double)max - min) / 255.0;
        double zeroFromMin = -128 - min / scale;
        int zp = (int)Math.Clamp(Math.Round(zeroFromMin, MidpointRounding.AwayFromZero), -128, 127);
        return ((float)scale, zp);
    }

    /// <summary>Symmetric int8 weight scale for values whose largest magnitude is <paramref name="maxAbs"/> ([-127, 127]).</summary>
    public static float WeightScale(float maxAbs) => maxAbs > 0 ? maxAbs / 127f : 1f;

    /// <summary>Quantizes a real value: round half away from zero, then clamp.</summary>
    public static int Quantize(double value, double scale, int zeroPoint, int min, int max) =>
        (int)Math.Clamp(Math.Round(value / scale, MidpointRounding.AwayFromZero) + zeroPoint, min, max);

    /// <summary>int32 bias at scale s_in × s_w[c].</summary>
    public static int Bias(float bias, float inputScale, float weightScale)
    {
        double q = Math.Round(bias / ((double)inputScale * weightScale), MidpointRounding.AwayFromZero);
        return (int)Math.Clamp(q, int.MinValue, int.MaxValue);
    }
}
