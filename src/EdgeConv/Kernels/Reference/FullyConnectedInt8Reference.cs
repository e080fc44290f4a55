using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// The specification of int8 FULLY_CONNECTED (TFLite reference_integer_ops::FullyConnected and its
/// per-channel variant): input [batches, depth], filter [outputs, depth], int32 bias.
/// </summary>
public static class FullyConnectedInt8Reference
{
    /// <summary>Runs the layer; a per-tensor layer passes one multiplier replicated per output.</summary>
    public static void Run(RequantParams q, int batches, int accumDepth, int outputDepth,
        ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<int> bias, Span<sbyte> output)
    {
        for (int b = 0; b < batches; b++)
        for (int o = 0; o < outputDepth; o++)
        {
            int acc = 0;
            int fBase = o * accumDepth, iBase = b * accumDepth;
            for (int d = 0; d < accumDepth; d++)
                acc += (filter[fBase + d] + q.FilterOffset) * (input[iBase + d] + q.InputOffset);
            if (!bias.IsEmpty)
                acc += bias[o];
            acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, q.Multipliers[o], q.Shifts[o]);
            acc += q.OutputOffset;
            output[b * outputDepth + o] = (sbyte)Math.Clamp(acc, q.ActivationMin, q.ActivationMax);
        }
    }
}
