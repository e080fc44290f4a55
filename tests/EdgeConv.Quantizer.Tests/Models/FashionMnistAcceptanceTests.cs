using System.Text.Json;
using EdgeConv.Quantizer.Cli;

namespace EdgeConv.Quantizer.Tests.Models;

/// <summary>
/// Issue 3's acceptance bar on a real trained network: the depthwise-separable Fashion-MNIST
/// classifier that tools/fashion-mnist/train.py trains with PyTorch and exports with its
/// BatchNormalization nodes unfolded. scripts/test.sh trains it once into the cache
/// (~/.cache/edgeconv/fashion-mnist); without it the test skips and says how to make it.
/// </summary>
public class FashionMnistAcceptanceTests
{
    internal static string Dir() => Path.Combine(
        Environment.GetEnvironmentVariable("EDGECONV_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgeconv"),
        "fashion-mnist");

    [Fact]
    public void DefaultOptions_With100CalibrationImages_KeepTop1AndAgreeWithFloat()
    {
        string dir = Dir();
        string onnx = Path.Combine(dir, "fashion_dscnn.onnx");
        if (!File.Exists(onnx) || !Directory.Exists(Path.Combine(dir, "test")))
            Assert.Skip($"{onnx} is missing: run scripts/test.sh --prepare-only (needs Debian python3-torch and dataset-fashion-mnist) or tools/fashion-mnist/train.py {dir}.");
        string tflite = Path.Combine(Path.GetTempPath(), $"fashion-{Guid.NewGuid():N}.tflite");
        string json = Path.ChangeExtension(tflite, ".json");
        try
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            int code = QuantizerCommandLine.Run(["quantize", onnx, "--calibration", Path.Combine(dir, "calibration"), "-o", tflite, "--samples", "100"], output, errors);
            Assert.True(code == 0, errors.ToString());
            code = QuantizerCommandLine.Run(["compare", "--float", onnx, "--int8", tflite, "--images", Path.Combine(dir, "test"), "--json", json], output, errors);
            Assert.True(code == 0, errors.ToString());
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            double top1Float = doc.RootElement.GetProperty("top1_float").GetDouble();
            double top1Int8 = doc.RootElement.GetProperty("top1_int8").GetDouble();
            double agreement = doc.RootElement.GetProperty("agreement").GetDouble();
            TestContext.Current.TestOutputHelper?.WriteLine($"top1 float {top1Float:P2}, int8 {top1Int8:P2}, agreement {agreement:P2}");
            Assert.True(top1Float > 0.75, $"the trained float model only reaches {top1Float:P2}; retrain it");
            Assert.True(top1Float - top1Int8 <= 0.001, $"int8 top-1 {top1Int8:P2} is more than 0.1 points below float {top1Float:P2}");
            Assert.True(agreement >= 0.993, $"top-1 agreement {agreement:P2} is below 99.3%");
        }
        finally
        {
            File.Delete(tflite);
            File.Delete(json);
        }
    }
}
