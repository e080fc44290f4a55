using EdgeConv.Quantizer.Cli;

namespace EdgeConv.Quantizer.Tests;

public class QuantizerCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = QuantizerCommandLine.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("quantize", "missing.onnx", "--calibration", "dir", "-o", "x.tflite")]
    [InlineData("quantize", "m.onnx")]
    [InlineData("quantize", "m.onnx", "--calibration", "d", "-o", "x", "--method", "magic")]
    [InlineData("compare", "--float", "missing.onnx", "--int8", "x.tflite", "--images", "d")]
    [InlineData("compare", "--int8", "x.tflite")]
    [InlineData("frobnicate")]
    [InlineData("quantize", "m.onnx", "--nope")]
    public void BadArguments_AreOneLineErrors(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.NotEqual(0, code);
        Assert.StartsWith("edgeconv-quantize: ", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Help_ListsTheCommands()
    {
        var (code, stdout, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("quantize MODEL.onnx --calibration DIR -o OUT.tflite", stdout);
        Assert.Contains("compare --float MODEL.onnx --int8 MODEL.tflite --images DIR", stdout);
    }
}
