namespace EdgeConv.Quantizer.Calibration;

/// <summary>Turns a tensor's statistics into a real range [min, max] by one of the <see cref="RangeMethod"/>s.</summary>
public static class RangeSelector
{
    /// <summary>The chosen range; always contains 0, as int8 activations must represent real zero exactly.</summary>
    public static (float Min, float Max) Select(TensorStatistics s, RangeMethod method, double percentile = 99.99)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Samples == 0)
            throw new InvalidOperationException("The tensor was never observed during calibration.");
        (float lo, float hi) = method switch
        {
            RangeMethod.MinMax => (s.Min, s.Max),
            RangeMethod.MovingAverageMinMax => (s.AverageMin, s.AverageMax),
            RangeMethod.Percentile => Percentile(s, percentile),
            RangeMethod.Entropy => Entropy(s),
            RangeMethod.Mse => Mse(s),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        return (Math.Min(lo, 0f), Math.Max(hi, 0f));
    }

    private static long[] RequireHistogram(TensorStatistics s) =>
        s.Histogram ?? throw new InvalidOperationException("This range method needs the histogram pass.");

    private static double BinWidth(TensorStatistics s) => (s.HistogramMax - (double)s.HistogramMin) / TensorStatistics.Bins;

    private static (float, float) Percentile(TensorStatistics s, double percentile)
    {
        var h = RequireHistogram(s);
        long total = h.Sum();
        double tail = total * (100.0 - percentile) / 100.0;
        int loBin = 0, hiBin = h.Length - 1;
        long acc = 0;
        while (loBin < h.Length - 1 && acc + h[loBin] <= tail) acc += h[loBin++];
        acc = 0;
        while (hiBin > loBin && acc + h[hiBin] <= tail) acc += h[hiBin--];
        double w = BinWidth(s);
        return ((float)(s.HistogramMin + loBin * w), (float)(s.HistogramMin + (hiBin + 1) * w));
    }

    /// <summary>
    /// Candidate ranges shrink [min, max] toward zero by a common factor; for each, the expected
    /// squared error is the clipping error of values outside plus step²/12 for values inside.
    /// </summary>
    private static (float, float) Mse(TensorStatistics s)
    {
        var h = RequireHistogram(s);
        double w = BinWidth(s);
        double best = double.PositiveInfinity;
        (float, float) bestRange = (s.Min, s.Max);
        for (int k = 0; k < 100; k++)
        {
            double f = 1.0 - k * 0.0095;
            double lo = Math.Min(s.Min, 0) * f, hi = Math.Max(s.Max, 0) * f;
            double step = (hi - lo) / 255.0;
            if (step <= 0) continue;
            double err = 0;
            for (int b = 0; b < h.Length; b++)
            {
                if (h[b] == 0) continue;
                double x = s.HistogramMin + (b + 0.5) * w;
                double d = x < lo ? lo - x : x > hi ? x - hi : 0;
                err += h[b] * (d * d + step * step / 12.0);
            }
            if (err < best)
            {
                best = err;
                bestRange = ((float)lo, (float)hi);
            }
        }
        return bestRange;
    }

    /// <summary>
    /// TensorRT-style KL calibration on the distribution of |x|: for each candidate threshold T
    /// (from one quantization level per bin up to the whole range) the values beyond T are folded
    /// into the last kept bin, the kept bins are merged into the int8 levels of that side and
    /// expanded back, and the T whose quantized distribution diverges least from the clipped
    /// reference wins. The range is [−T, T] cut to the observed [min, max]. Tensors with fewer
    /// than 8 values per bin keep min/max.
    /// </summary>
    private static (float, float) Entropy(TensorStatistics s)
    {
        var h = RequireHistogram(s);
        // A few hundred values (logits, pooled vectors) make a ragged histogram whose KL minimum
        // clips real signal; such tensors keep their observed range.
        if (h.Sum() < 8L * h.Length)
            return (s.Min, s.Max);
        double w = BinWidth(s);
        double maxAbs = Math.Max(Math.Abs((double)s.HistogramMin), Math.Abs((double)s.HistogramMax));
        if (maxAbs <= 0)
            return (s.Min, s.Max);
        int bins = h.Length;
        var abs = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            double center = Math.Abs(s.HistogramMin + (b + 0.5) * w);
            abs[Math.Min((int)(center / maxAbs * bins), bins - 1)] += h[b];
        }
        // The bin at zero holds every value a ReLU clamped; it is exact after quantization whatever
        // T is, and its spike would otherwise dominate the divergence and favour tiny thresholds.
        abs[0] = 0;
        bool twoSided = s.HistogramMin < 0 && s.HistogramMax > 0;
        int levels = twoSided ? 128 : 256;
        double bestKl = double.PositiveInfinity;
        int bestBins = bins;
        for (int i = levels; i <= bins; i += 4)
        {
            // The reference keeps the clipped mass in its last bin; the candidate is quantized from
            // the unclipped bins only, so clipping real mass costs divergence.
            var candidate = new double[i];
            Array.Copy(abs, candidate, i);
            var reference = (double[])candidate.Clone();
            for (int k = i; k < bins; k++)
                reference[i - 1] += abs[k];
            double kl = KlAfterQuantizing(reference, candidate, levels);
            if (kl < bestKl)
            {
                bestKl = kl;
                bestBins = i;
            }
        }
        double t = bestBins * maxAbs / bins;
        return ((float)Math.Max(s.Min, -t), (float)Math.Min(s.Max, t));
    }

    private static double KlAfterQuantizing(double[] reference, double[] p, int levels)
    {
        int n = p.Length;
        var q = new double[n];
        for (int level = 0; level < levels; level++)
        {
            int a = (int)((long)level * n / levels), b = (int)((long)(level + 1) * n / levels);
            double sum = 0;
            int nonZero = 0;
            for (int i = a; i < b; i++)
            {
                sum += p[i];
                if (p[i] > 0) nonZero++;
            }
            for (int i = a; i < b; i++)
                q[i] = p[i] > 0 ? sum / nonZero : 0;
        }
        double pSum = reference.Sum(), qSum = q.Sum();
        if (pSum <= 0 || qSum <= 0) return double.PositiveInfinity;
        double kl = 0;
        for (int i = 0; i < n; i++)
        {
            if (reference[i] <= 0) continue;
            double pi = reference[i] / pSum, qi = q[i] / qSum;
            kl += pi * Math.Log(pi / Math.Max(qi, 1e-10)); // smoothed: mass the candidate lacks costs, but not infinitely
        }
        return kl;
    }
}
