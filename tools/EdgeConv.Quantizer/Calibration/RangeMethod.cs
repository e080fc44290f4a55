namespace EdgeConv.Quantizer.Calibration;

/// <summary>How an activation's quantization range is chosen from its calibration statistics.</summary>
public enum RangeMethod
{
    /// <summary>The extreme values seen over all samples.</summary>
    MinMax,
    /// <summary>Exponential moving average of per-sample extremes (ONNX Runtime's moving-average MinMax).</summary>
    MovingAverageMinMax,
    /// <summary>Clip the tails beyond a percentile (default 99.99%) on each side.</summary>
    Percentile,
    /// <summary>The clip range minimizing KL divergence between the float and the quantized distribution.</summary>
    Entropy,
    /// <summary>The clip range minimizing expected squared quantization error (clipping plus rounding).</summary>
    Mse,
}
