using EdgeConv.Quantizer.Calibration;

namespace EdgeConv.Quantizer.Quantization;

/// <summary>Choices for turning a float graph into an int8 one.</summary>
public sealed record QuantizationOptions
{
    /// <summary>How activation ranges are chosen from calibration.</summary>
    public RangeMethod Method { get; init; } = RangeMethod.MinMax;

    /// <summary>Percentile kept on each side by <see cref="RangeMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>One weight scale per tensor instead of per output channel.</summary>
    public bool PerTensorWeights { get; init; }

    /// <summary>Output tensor names of ops to keep in float, with QUANTIZE/DEQUANTIZE around them.</summary>
    public IReadOnlySet<string> ExcludedOutputs { get; init; } = new HashSet<string>();

    /// <summary>Keep the model inputs float (a QUANTIZE op follows them) instead of int8.</summary>
    public bool FloatInputs { get; init; }

    /// <summary>Make the model outputs float (a DEQUANTIZE op precedes them) instead of int8.</summary>
    public bool FloatOutputs { get; init; }

    /// <summary>
    /// Nagel et al. 2019 bias correction: subtract the expected output shift that weight
    /// quantization causes, (W_q − W)·E[x], from each conv/FC bias (needs per-channel input means).
    /// </summary>
    public bool BiasCorrection { get; init; }

    /// <summary>True when the method needs the histogram pass.</summary>
    public bool NeedsHistograms => Method is RangeMethod.Percentile or RangeMethod.Entropy or RangeMethod.Mse;
}
