namespace EdgeConv.Kernels.Reference;

/// <summary>Parameters of an int8 to float32 DEQUANTIZE.</summary>
/// <param name="InputScale">Input scale (float32 as stored).</param>
/// <param name="InputZeroPoint">Input zero point.</param>
public readonly record struct DequantizeParams(float InputScale, int InputZeroPoint);

/// <summary>
/// TFLite Micro DEQUANTIZE (<c>micro/kernels/dequantize_common.cc</c>,
/// <c>reference_ops::Dequantize</c> in <c>reference/dequantize.h</c>). The scale is stored as a
/// double but cast back to float before use, so the arithmetic is float:
/// <c>scale_f32 * (float)(x - zero_point)</c>, one float rounding.
/// </summary>
public static class DequantizeReference
{
    /// <summary>Parameters from the model's float32 scale and zero point.</summary>
    public static DequantizeParams Prepare(float inputScale, int inputZeroPoint)
    {
        AddInt8Reference.CheckScale(inputScale, nameof(inputScale));
        AddInt8Reference.CheckZeroPoint(inputZeroPoint, nameof(inputZeroPoint));
        return new DequantizeParams(inputScale, inputZeroPoint);
    }

    /// <summary>Dequantizes element-wise; spans have equal length.</summary>
    public static void Run(in DequantizeParams p, ReadOnlySpan<sbyte> input, Span<float> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"Output length {output.Length} differs from input length {input.Length}.", nameof(output));
        for (int i = 0; i < input.Length; i++)
            output[i] = Dequantize(input[i], p.InputScale, p.InputZeroPoint);
    }

    /// <summary>One int8 value to float32, as TFLite computes it.</summary>
    public static float Dequantize(sbyte value, float scale, int zeroPoint) => scale * (value - zeroPoint);
}
