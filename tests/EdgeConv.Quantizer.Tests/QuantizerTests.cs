using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Tests;

public class QuantizerTests
{
    private static float[] RunFloat(Model model, float[] input)
    {
        var it = new Interpreter(model);
        input.CopyTo(it.Input<float>(0));
        it.Invoke();
        return it.Output<float>(0).ToArray();
    }

    private static float[] RunInt8(Model model, float[] input)
    {
        var it = new Interpreter(model);
        var d = it.InputDetails(0);
        var q = it.Input<sbyte>(0);
        for (int i = 0; i < input.Length; i++)
            q[i] = (sbyte)QuantParams.Quantize(input[i], d.Scale, d.ZeroPoint, -128, 127);
        it.Invoke();
        var o = it.OutputDetails(0);
        return it.Output<sbyte>(0).ToArray().Select(v => o.Dequantize(v)).ToArray();
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * (double)b[i]; na += a[i] * (double)a[i]; nb += b[i] * (double)b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    [Theory]
    [InlineData(RangeMethod.MinMax, false)]
    [InlineData(RangeMethod.MovingAverageMinMax, false)]
    [InlineData(RangeMethod.Percentile, false)]
    [InlineData(RangeMethod.Entropy, false)]
    [InlineData(RangeMethod.Mse, false)]
    [InlineData(RangeMethod.MinMax, true)]
    public void QuantizedClassifier_TracksFloat_AndRoundTripsThroughTfLite(RangeMethod method, bool biasCorrection)
    {
        var graph = FloatNetworks.Classifier(seed: 11);
        var floatModel = Model.FromGraph(graph);
        var calibration = FloatNetworks.Samples(1, 100, 16 * 16 * 3).Select(s => new[] { s }).ToList();
        var options = new QuantizationOptions { Method = method, BiasCorrection = biasCorrection };
        var stats = Calibrator.Run(floatModel, calibration, options.NeedsHistograms);
        var int8Graph = GraphQuantizer.Quantize(graph, stats, options);
        byte[] tflite = TfLiteModelWriter.Write(int8Graph);
        var int8Model = Model.Load(tflite, "quantized");
        Assert.Equal(ElementType.Int8, int8Model.Inputs[0].Type);
        Assert.All(int8Model.Operations, op => Assert.DoesNotContain("Float", op.Kernel));

        var test = FloatNetworks.Samples(2, 50, 16 * 16 * 3);
        int agree = 0;
        double worstCos = 1;
        foreach (var x in test)
        {
            var f = RunFloat(floatModel, x);
            var q = RunInt8(int8Model, x);
            worstCos = Math.Min(worstCos, Cosine(f, q));
            if (Array.IndexOf(f, f.Max()) == Array.IndexOf(q, q.Max())) agree++;
        }
        // Stated tolerance: this int8 net keeps its logits within cosine 0.98 of float (0.95 for
        // entropy, which clips this small net's few-sample distributions hardest) and top-1 mostly.
        double floor = method == RangeMethod.Entropy ? 0.95 : 0.98;
        Assert.True(worstCos > floor, $"{method}: worst logit cosine {worstCos:F4}");
        Assert.True(agree >= 45, $"{method}: top-1 agreement {agree}/50");
    }

    [Fact]
    public void ExcludedOp_StaysFloat_WithQuantizeAndDequantizeAround()
    {
        var graph = FloatNetworks.Classifier(seed: 3);
        var floatModel = Model.FromGraph(graph);
        var calibration = FloatNetworks.Samples(5, 20, 16 * 16 * 3).Select(s => new[] { s }).ToList();
        var stats = Calibrator.Run(floatModel, calibration, withHistograms: false);
        var options = new QuantizationOptions { ExcludedOutputs = new HashSet<string> { "dw" }, FloatInputs = true, FloatOutputs = true };
        var model = Model.FromGraph(GraphQuantizer.Quantize(graph, stats, options));
        var kernels = model.Operations.Select(o => (o.Op, o.Kernel)).ToList();
        Assert.Contains(("DEPTHWISE_CONV_2D", "ConvFloat.Depthwise"), kernels);
        Assert.Contains(kernels, k => k.Op == "DEQUANTIZE");
        Assert.Contains(kernels, k => k.Op == "QUANTIZE");
        Assert.Equal(ElementType.Float32, model.Inputs[0].Type);
        Assert.Equal(ElementType.Float32, model.Outputs[0].Type);
        var x = calibration[0][0];
        var f = RunFloat(floatModel, x);
        var q = RunFloat(model, x);
        Assert.True(Cosine(f, q) > 0.98);
    }

    [Theory]
    [InlineData(-1f, 1f)]
    [InlineData(0f, 6f)]
    [InlineData(-3.7f, 0.2f)]
    [InlineData(0.5f, 2f)]
    [InlineData(-2f, -0.5f)]
    public void ActivationParams_RepresentZeroExactly_AndCoverTheRange(float min, float max)
    {
        var (scale, zp) = QuantParams.Activation(min, max);
        Assert.InRange(zp, -128, 127);
        // Real zero quantizes to the zero point exactly and dequantizes back to 0.
        Assert.Equal(zp, QuantParams.Quantize(0, scale, zp, -128, 127));
        float lo = Math.Min(min, 0), hi = Math.Max(max, 0);
        Assert.True(scale * (-128 - zp) <= lo + scale / 2, "range start is representable within half a step");
        Assert.True(scale * (127 - zp) >= hi - scale / 2, "range end is representable within half a step");
    }

    [Fact]
    public void WeightsAndBias_FollowTheTfLiteRules()
    {
        Assert.Equal(2f / 127f, QuantParams.WeightScale(2f));
        Assert.Equal(127, QuantParams.Quantize(2.0, 2f / 127f, 0, -127, 127));
        Assert.Equal(-127, QuantParams.Quantize(-5.0, 2f / 127f, 0, -127, 127));
        // bias int32 at s_in * s_w: 0.3 / (0.01 * 0.02) = 1500.
        Assert.Equal(1500, QuantParams.Bias(0.3f, 0.01f, 0.02f));
        Assert.Equal(-1500, QuantParams.Bias(-0.3f, 0.01f, 0.02f));
    }

    [Fact]
    public void QuantizeDequantize_RoundTripsWithinHalfAStep()
    {
        var rng = new Random(8);
        var (scale, zp) = QuantParams.Activation(-2.5f, 4f);
        for (int i = 0; i < 1000; i++)
        {
            float v = (float)(rng.NextDouble() * 6.5 - 2.5);
            int q = QuantParams.Quantize(v, scale, zp, -128, 127);
            Assert.True(Math.Abs((q - zp) * scale - v) <= scale / 2 + 1e-6);
        }
    }

    [Fact]
    public void PercentileAndEntropy_ClipALoneOutlier_ButMinMaxDoesNot()
    {
        var s = new TensorStatistics();
        var rng = new Random(1);
        var values = Enumerable.Range(0, 100_000).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        values[0] = 50f;
        s.ObserveRange(values);
        s.ObserveHistogram(values);
        Assert.Equal(50f, RangeSelector.Select(s, RangeMethod.MinMax).Max);
        foreach (var m in new[] { RangeMethod.Percentile, RangeMethod.Entropy })
        {
            var (lo, hi) = RangeSelector.Select(s, m);
            Assert.True(hi < 10f, $"{m} kept the outlier: [{lo}, {hi}]");
            Assert.True(hi > 0.5f && lo < -0.5f, $"{m} clipped the bulk: [{lo}, {hi}]");
        }
    }

    [Fact]
    public void Mse_ClipsAHeavyTail_WhereClippingCostsLessThanCoarserSteps()
    {
        // Laplace(0, 1): the extremes of 100k samples sit near ±11, but the optimal int8 clip is far inside.
        var rng = new Random(2);
        var values = Enumerable.Range(0, 100_000).Select(_ =>
        {
            double u = rng.NextDouble() - 0.5;
            return (float)(-Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u)));
        }).ToArray();
        var s = new TensorStatistics();
        s.ObserveRange(values);
        s.ObserveHistogram(values);
        var (lo, hi) = RangeSelector.Select(s, RangeMethod.Mse);
        Assert.True(hi < 0.9 * s.Max && lo > 0.9 * s.Min, $"MSE range [{lo}, {hi}] vs extremes [{s.Min}, {s.Max}]");
        Assert.True(hi > 2 && lo < -2, $"MSE clipped too hard: [{lo}, {hi}]");
    }

    [Fact]
    public void DecoderOps_GetTfLitesInt8Rules_AndOnlyEqualAndCastStayFloat()
    {
        var graph = FloatNetworks.Decoder(seed: 4);
        var floatModel = Model.FromGraph(graph);
        var calibration = FloatNetworks.Samples(6, 40, 8 * 8 * 3).Select(s => new[] { s }).ToList();
        var stats = Calibrator.Run(floatModel, calibration, withHistograms: false);
        var int8Graph = GraphQuantizer.Quantize(graph, stats, new QuantizationOptions());
        var int8Model = Model.Load(TfLiteModelWriter.Write(int8Graph), "decoder-int8");
        foreach (var op in int8Model.Operations)
        {
            if (op.Op is "EQUAL" or "CAST" or "DEQUANTIZE")
                Assert.DoesNotContain("Int8", op.Kernel);
            else
                Assert.DoesNotContain("Float", op.Kernel);
        }
        Assert.Equal(2, int8Model.Operations.Count(o => o.Op == "DEQUANTIZE")); // pooled and heat into EQUAL
        Assert.Single(int8Model.Operations, o => o.Op == "QUANTIZE");            // the mask back into MUL

        // Keep-input ops share their input's quantization; RELU, LEAKY_RELU and SUB have their own.
        QuantizationInfo Q(string name) => int8Graph.Tensors.Single(t => t.Name == name && t.Type == ElementType.Int8).Quantization!;
        foreach (var (input, output) in new[] { ("leaky", "slice_a"), ("slice_a", "up_bilinear"), ("slice_b", "up_nearest"),
            ("sub", "clamp_lo"), ("clamp_lo", "clamp_hi"), ("clamp_hi", "relu6"), ("heat", "pooled") })
        {
            Assert.Equal(Q(input).Scale, Q(output).Scale);
            Assert.Equal(Q(input).ZeroPoint, Q(output).ZeroPoint);
        }
        Assert.NotEqual(Q("up_bilinear").Scale, Q("relu").Scale);
        Assert.Equal(-128, Q("relu").ZeroPoint); // RELU's range starts at 0

        // The clamp output is continuous: int8 tracks float. The NMS mask is not: int8 noise moves
        // near-equal neighbours and ties at 1/256 steps add peaks, so most float peaks stay peaks.
        double worst = 1;
        int peaks = 0, kept = 0;
        var floatIt = new Interpreter(floatModel);
        var int8It = new Interpreter(int8Model);
        foreach (var x in FloatNetworks.Samples(7, 10, 8 * 8 * 3))
        {
            x.CopyTo(floatIt.Input<float>(0));
            floatIt.Invoke();
            var d = int8It.InputDetails(0);
            for (int i = 0; i < x.Length; i++)
                int8It.Input<sbyte>(0)[i] = (sbyte)QuantParams.Quantize(x[i], d.Scale, d.ZeroPoint, -128, 127);
            int8It.Invoke();
            var clamp = int8It.Output<sbyte>(1).ToArray().Select(v => int8It.OutputDetails(1).Dequantize(v)).ToArray();
            worst = Math.Min(worst, Cosine(floatIt.Output<float>(1).ToArray(), clamp));
            var floatScores = floatIt.Output<float>(0);
            var int8Scores = int8It.Output<sbyte>(0);
            int zero = int8It.OutputDetails(0).ZeroPoint;
            for (int i = 0; i < floatScores.Length; i++)
                if (floatScores[i] > 0.02f)
                {
                    peaks++;
                    if (int8Scores[i] != zero) kept++;
                }
        }
        Assert.True(worst > 0.99, $"worst clamp-output cosine {worst:F4}");
        Assert.True(kept >= 0.8 * peaks, $"int8 kept {kept} of {peaks} float NMS peaks");
    }
}
