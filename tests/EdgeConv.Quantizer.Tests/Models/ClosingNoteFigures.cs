using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Data;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Quantizer.Report;
using EdgeConv.Quantizer.Tests.Support;

namespace EdgeConv.Quantizer.Tests.Models;

/// <summary>
/// The figures issue 3's closing note asks for: BlazeFace front 128 and M-LSD tiny 320 quantized
/// with default options and with each alternative, calibrated on real photos (face-api's six demo
/// photos letterboxed and mirrored, ../shared's camera frames) and measured on other views of them
/// (height-sized squares): output cosine (QuantizationReport.OutputCosine, output 0), the cosine of
/// every output, and the worst layer's SQNR. Printed as a markdown table in the test output.
/// </summary>
public sealed class ClosingNoteFigures(ITestOutputHelper output)
{
    private static readonly (string Name, QuantizationOptions Options)[] Candidates =
    [
        ("default (minmax, per-channel)", new QuantizationOptions()),
        ("minmax, per-tensor", new QuantizationOptions { PerTensorWeights = true }),
        ("minmax + bias correction", new QuantizationOptions { BiasCorrection = true }),
        ("percentile 99.99", new QuantizationOptions { Method = RangeMethod.Percentile }),
        ("percentile 99.999", new QuantizationOptions { Method = RangeMethod.Percentile, Percentile = 99.999 }),
        ("entropy", new QuantizationOptions { Method = RangeMethod.Entropy }),
        ("mse", new QuantizationOptions { Method = RangeMethod.Mse }),
        ("mse + bias correction", new QuantizationOptions { Method = RangeMethod.Mse, BiasCorrection = true }),
    ];

    // Explicit: minutes of reference-kernel inference (M-LSD's most of it); run with
    // `dotnet test tests/EdgeConv.Quantizer.Tests -c Release -- --explicit only` or the runner's -explicit only.
    [Fact(Explicit = true)]
    public void BlazeFace_front_128()
    {
        string model = NpmModels.Get(NpmModels.BlazeFacePackage, NpmModels.BlazeFaceFront, out string reason) ?? Skip<string>(reason);
        var photos = RealPhotos.FaceApiSamples(out reason) ?? Skip<List<Photo>>(reason);
        var quantizer = new InCodeQuantizer(OnnxImporter.Import(model), BlazeFaceDetectionTests.Calibration(photos));
        var eval = photos.SelectMany(BlazeFaceDetectionTests.Views).Select(v => (v.Name, BlazeFaceDetectionTests.Input(v))).ToList();
        var rows = Table(quantizer, eval, extra: int8 =>
        {
            var a = BlazeFaceDetectionTests.Compare(quantizer, int8, photos);
            return $"{a.Int8Faces}/{a.Faces} faces, worst IoU {a.WorstIoU:F3}, worst Δscore {a.WorstScoreDelta:F3}";
        });
        Assert.True(rows["default (minmax, per-channel)"] > 0.99, "BlazeFace default output cosine");
    }

    [Fact(Explicit = true)]
    public void Mlsd_tiny_320()
    {
        string model = NpmModels.Get(NpmModels.MlsdPackage, NpmModels.MlsdTiny320, out string reason) ?? Skip<string>(reason);
        var photos = RealPhotos.FaceApiSamples(out reason) ?? Skip<List<Photo>>(reason);
        // The package's own preprocessing (Shader/Preprocess.compute): RGB in [0, 255] and a channel of ones.
        float[] Input(Photo p) => p.Tensor(320, 0f, 1f / 255f, 1f);
        var calibration = photos.SelectMany(p => new[] { p.Letterboxed(), p.Mirrored().Letterboxed() })
            .Concat(RealPhotos.SharedFrames().Select(f => f.Letterboxed())).Select(Input);
        var quantizer = new InCodeQuantizer(OnnxImporter.Import(model), calibration);
        var eval = photos.Select(p => p.Square((p.Width - p.Height) / 2, 0, p.Height, "-centre")).Select(v => (v.Name, Input(v))).ToList();
        var rows = Table(quantizer, eval, extra: null);
        Assert.True(rows.Values.Max() > 0.9, "M-LSD best output cosine");
    }

    /// <summary>Measures every candidate and prints the table; returns output-0 cosine per candidate.</summary>
    private Dictionary<string, double> Table(InCodeQuantizer quantizer, List<(string Name, float[] Input)> eval, Func<EdgeConv.Runtime.Model, string>? extra)
    {
        var samples = eval.Select(e => new Sample(e.Name, quantizer.ModelOrder(e.Input), -1)).ToList();
        var floatOutputs = eval.Select(e => quantizer.Run(quantizer.FloatModel, e.Input)).ToList();
        var result = new Dictionary<string, double>();
        output.WriteLine("| options | output cosine (output 0) | cosine per output | worst layer SQNR | worst layer | worst outside the NMS mask |"
            + (extra is null ? "" : " detections |"));
        output.WriteLine("| --- | --- | --- | --- | --- | --- |" + (extra is null ? "" : " --- |"));
        foreach (var (name, options) in Candidates)
        {
            var int8 = quantizer.Quantize(options);
            var report = QuantizationReport.Measure(quantizer.FloatModel, int8, samples);
            var worst = report.Layers[0];
            // M-LSD's NMS mask (maxpool == heat, cast to 0/1) is discontinuous: one flipped pixel is
            // -20 dB on its own, so also show the worst layer before it.
            var worstBeforeMask = report.Layers.First(l => !l.Op.EndsWith(":CAST", StringComparison.Ordinal) && l.Tensor != "scores");
            var int8Outputs = eval.Select(e => quantizer.Run(int8, e.Input)).ToList();
            var perOutput = Enumerable.Range(0, floatOutputs[0].Length).Select(o =>
            {
                double dot = 0, nf = 0, nq = 0;
                for (int s = 0; s < eval.Count; s++)
                {
                    var f = floatOutputs[s][o];
                    var q = int8Outputs[s][o];
                    for (int i = 0; i < f.Length; i++) { dot += f[i] * (double)q[i]; nf += f[i] * (double)f[i]; nq += q[i] * (double)q[i]; }
                }
                return dot / Math.Sqrt(nf * nq);
            });
            string layer = worst.Tensor.Length > 48 ? "…" + worst.Tensor[^47..] : worst.Tensor;
            output.WriteLine($"| {name} | {report.OutputCosine:F5} | {string.Join(" / ", perOutput.Select(c => c.ToString("F5")))} | {worst.SqnrDb:F1} dB | {worst.Op} {layer} "
                + $"| {worstBeforeMask.SqnrDb:F1} dB {worstBeforeMask.Op} |"
                + (extra is null ? "" : $" {extra(int8)} |"));
            result[name] = report.OutputCosine;
        }
        return result;
    }

    private static T Skip<T>(string reason)
    {
        Assert.Skip(reason);
        return default!;
    }
}
