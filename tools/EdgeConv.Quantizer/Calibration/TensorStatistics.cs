namespace EdgeConv.Quantizer.Calibration;

/// <summary>
/// What calibration learns about one float tensor: its running min/max (and their moving
/// averages over samples), and a histogram over the final [min, max] for the range methods that
/// need a distribution (percentile, entropy, MSE). The histogram is filled in a second pass, once
/// the first pass has fixed its bounds.
/// </summary>
public sealed class TensorStatistics
{
    /// <summary>Bins of the histogram.</summary>
    public const int Bins = 2048;

    /// <summary>Smallest value seen.</summary>
    public float Min { get; private set; } = float.PositiveInfinity;

    /// <summary>Largest value seen.</summary>
    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>Exponential moving average (constant 0.01, as ONNX Runtime's MinMax calibrator) of per-sample minima.</summary>
    public float AverageMin { get; private set; }

    /// <summary>Exponential moving average of per-sample maxima.</summary>
    public float AverageMax { get; private set; }

    /// <summary>Samples observed in the min/max pass.</summary>
    public int Samples { get; private set; }

    /// <summary>Histogram counts over [<see cref="HistogramMin"/>, <see cref="HistogramMax"/>], or null before the second pass.</summary>
    public long[]? Histogram { get; private set; }

    /// <summary>Lower edge of the histogram.</summary>
    public float HistogramMin { get; private set; }

    /// <summary>Upper edge of the histogram.</summary>
    public float HistogramMax { get; private set; }

    /// <summary>Mean of each channel (last dimension) over all samples, for bias correction; null until observed.</summary>
    public double[]? ChannelMeans => _channelSums is null || _channelCount == 0 ? null : Array.ConvertAll(_channelSums, x => x / _channelCount);

    private double[]? _channelSums;
    private long _channelCount;

    /// <summary>First pass: accumulate per-channel sums (values are laid out with the channel innermost).</summary>
    public void ObserveChannels(ReadOnlySpan<float> values, int channels)
    {
        if (channels <= 0 || values.Length % channels != 0)
            return;
        _channelSums ??= new double[channels];
        if (_channelSums.Length != channels)
            return;
        for (int i = 0; i < values.Length; i++)
            _channelSums[i % channels] += values[i];
        _channelCount += values.Length / channels;
    }

    /// <summary>First pass: fold one sample's values into min/max.</summary>
    public void ObserveRange(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
            return;
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
                continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        if (lo > hi)
            return;
        Min = Math.Min(Min, lo);
        Max = Math.Max(Max, hi);
        const float momentum = 0.01f;
        AverageMin = Samples == 0 ? lo : AverageMin + momentum * (lo - AverageMin);
        AverageMax = Samples == 0 ? hi : AverageMax + momentum * (hi - AverageMax);
        Samples++;
    }

    /// <summary>Second pass: count values into the histogram over the first pass's range.</summary>
    public void ObserveHistogram(ReadOnlySpan<float> values)
    {
        if (Samples == 0)
            return;
        if (Histogram is null)
        {
            Histogram = new long[Bins];
            HistogramMin = Min;
            HistogramMax = Max > Min ? Max : Min + 1e-6f;
        }
        double width = (HistogramMax - (double)HistogramMin) / Bins;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
                continue;
            int bin = (int)((v - (double)HistogramMin) / width);
            Histogram[Math.Clamp(bin, 0, Bins - 1)]++;
        }
    }
}
