using System.Text.Json;
using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Data;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Quantizer.Report;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Tests;

public class ReportAndDataTests
{
    [Fact]
    public void Report_MeasuresEveryLayer_AndLabelledTop1()
    {
        var graph = FloatNetworks.Classifier(seed: 11);
        var floatModel = Model.FromGraph(graph);
        var data = FloatNetworks.Samples(1, 60, 768);
        var stats = Calibrator.Run(floatModel, data.Select(s => new[] { s }).ToList(), withHistograms: false);
        var int8Model = Model.FromGraph(GraphQuantizer.Quantize(graph, stats, new QuantizationOptions()));
        // Label each sample with the float model's own answer: float top-1 is then exactly 100%.
        var it = new Interpreter(floatModel);
        var samples = data.Select(x =>
        {
            x.CopyTo(it.Input<float>(0));
            it.Invoke();
            var o = it.Output<float>(0).ToArray();
            return new Sample("s", x, Array.IndexOf(o, o.Max()));
        }).ToList();
        var report = QuantizationReport.Measure(floatModel, int8Model, samples);

        var names = report.Layers.Select(l => l.Tensor).ToHashSet();
        foreach (var n in new[] { "input", "stem", "dw", "pw", "side", "add", "mean", "logits" })
            Assert.Contains(n, names);
        Assert.All(report.Layers, l => Assert.True(l.SqnrDb > 10, $"{l.Tensor}: {l.SqnrDb:F1} dB"));
        Assert.True(report.Layers.Zip(report.Layers.Skip(1)).All(p => p.First.SqnrDb <= p.Second.SqnrDb), "worst first");
        Assert.Equal(1.0, report.Top1Float);
        Assert.Equal(report.Agreement, report.Top1Int8);
        Assert.InRange(report.OutputCosine, 0.98, 1.0);
        Assert.Equal(5, report.Weights.Count); // stem, dw, pw, side, fc

        using var json = JsonDocument.Parse(report.ToJson());
        foreach (var key in new[] { "top1_float", "top1_int8", "agreement" })
            Assert.InRange(json.RootElement.GetProperty(key).GetDouble(), 0, 1);
        string md = report.ToMarkdown("classifier");
        Assert.Contains("| logits |", md);
    }

    [Fact]
    public void ImageConversion_ResizesBilinearly_Normalizes_AndLaysOutChannels()
    {
        // 2x2 RGB image: red, green / blue, white.
        byte[] px = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
        var same = new Preprocessing(2, 2, 3, [0f], [1f], ChannelsFirst: false).Normalized();
        Assert.Equal(px.Select(v => v / 255f), ImageLoader.Convert(px, 2, 2, same));
        var chw = same with { ChannelsFirst = true };
        var planar = ImageLoader.Convert(px, 2, 2, chw);
        Assert.Equal(new[] { 1f, 0f, 0f, 1f }, planar[..4]); // the red plane
        var one = new Preprocessing(1, 1, 3, [0.5f], [0.5f], false).Normalized();
        var avg = ImageLoader.Convert(px, 2, 2, one);
        // Downscaling 2x2 to 1x1 samples the centre: the mean of the four pixels, then (x-0.5)/0.5.
        Assert.Equal(new[] { 0f, 0f, 0f }, avg.Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void SharedBmp_DecodesAsTheModelInput()
    {
        string? shared = EdgeConv.Cli.SharedData.Locate();
        if (shared is null)
            Assert.Skip("../shared is not present beside the repository.");
        string bmp = Path.Combine(shared!, "testdata", "person.bmp");
        var p = new Preprocessing(96, 96, 1, [0f], [1f], false);
        var values = ImageLoader.Load(bmp, p);
        Assert.Equal(96 * 96, values.Length);
        Assert.InRange(values.Average(), 0.05, 0.95);
    }

    [Fact]
    public void Npy_ReadsFloat32AndUint8()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgeconv-{Guid.NewGuid():N}.npy");
        try
        {
            string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
            header = header.PadRight(118 - 10) + "\n";
            var bytes = new List<byte> { 0x93 };
            bytes.AddRange("NUMPY"u8.ToArray());
            bytes.AddRange([1, 0, (byte)header.Length, 0]);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
            foreach (float v in new[] { 1f, -2f, 3.5f, 0f, 5f, 6f })
                bytes.AddRange(BitConverter.GetBytes(v));
            File.WriteAllBytes(path, [.. bytes]);
            var (values, shape) = NpyReader.Read(path);
            Assert.Equal([2, 3], shape);
            Assert.Equal(new[] { 1f, -2f, 3.5f, 0f, 5f, 6f }, values);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
