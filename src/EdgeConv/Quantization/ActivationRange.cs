namespace EdgeConv.Quantization;

/// <summary>The fused activation functions TFLite ops carry.</summary>
public enum FusedActivation : byte
{
    /// <summary>No clamp beyond the type's range.</summary>
    None = 0,
    /// <summary>max(x, 0).</summary>
    Relu = 1,
    /// <summary>clamp(x, -1, 1).</summary>
    ReluN1To1 = 2,
    /// <summary>clamp(x, 0, 6).</summary>
    Relu6 = 3,
    /// <summary>tanh (not supported as a fused activation by int8 kernels).</summary>
    Tanh = 4,
    /// <summary>Sign bit (unsupported).</summary>
    SignBit = 5,
}

/// <summary>TFLite CalculateActivationRangeQuantized for int8 outputs.</summary>
public static class ActivationRange
{
    /// <summary>The clamp bounds, in the output's quantized domain, of a fused activation.</summary>
    public static (int Min, int Max) Int8(FusedActivation activation, float outputScale, int outputZeroPoint)
    {
        const int qmin = sbyte.MinValue, qmax = sbyte.MaxValue;
        // TFLite divides in float and rounds the float half away from zero.
        int Quantize(float f) => outputZeroPoint + (int)MathF.Round(f / outputScale, MidpointRounding.AwayFromZero);
        return activation switch
        {
            FusedActivation.None => (qmin, qmax),
            FusedActivation.Relu => (Math.Max(qmin, Quantize(0f)), qmax),
            FusedActivation.Relu6 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            FusedActivation.ReluN1To1 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            _ => throw new NotSupportedException($"Fused activation {activation} is not supported on int8 outputs."),
        };
    }

    /// <summary>The float clamp bounds of a fused activation.</summary>
    public static (float Min, float Max) Float(FusedActivation activation) => activation switch
    {
        FusedActivation.None => (float.NegativeInfinity, float.PositiveInfinity),
        FusedActivation.Relu => (0f, float.PositiveInfinity),
        FusedActivation.Relu6 => (0f, 6f),
        FusedActivation.ReluN1To1 => (-1f, 1f),
        _ => throw new NotSupportedException($"Fused activation {activation} is not supported."),
    };
}
