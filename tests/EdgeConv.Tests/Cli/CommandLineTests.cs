using EdgeConv.Cli;
using EdgeConv.Formats.TFLite;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Cli;

public class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgeconv-cli-").FullName;
    private readonly string _model;

    public CommandLineTests()
    {
        _model = Path.Combine(_dir, "small.tflite");
        File.WriteAllBytes(_model, TfLiteModelWriter.Write(TestModels.SmallSeparable()));
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CommandLine.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Run_WritesOutputAndDumpsEveryComputedTensor()
    {
        string input = Path.Combine(_dir, "in.raw"), output = Path.Combine(_dir, "out.raw"), dump = Path.Combine(_dir, "dump");
        File.WriteAllBytes(input, new byte[8 * 8 * 4]);
        var (code, stdout, stderr) = Run("run", _model, "--input", input, "--output", output, "--dump", dump);
        Assert.True(code == 0, stderr);
        Assert.Equal(8, File.ReadAllBytes(output).Length);
        Assert.Contains("[7]", stdout);
        var names = Directory.GetFiles(dump).Select(Path.GetFileName).OrderBy(n => n).ToArray();
        Assert.Equal(["t003.raw", "t006.raw", "t007.raw", "t009.raw"], names);
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(Path.Combine(dump, "t009.raw")));
    }

    [Fact]
    public void Run_WrongInputSize_IsOneLineErrorAndNonZeroExit()
    {
        string input = Path.Combine(_dir, "short.raw");
        File.WriteAllBytes(input, new byte[10]);
        var (code, _, stderr) = Run("run", _model, "--input", input);
        Assert.NotEqual(0, code);
        Assert.Contains("has 10 bytes", stderr);
        Assert.Contains("needs 256", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("run", "missing.tflite", "--input", "x.raw")]
    [InlineData("inspect", "missing.tflite")]
    [InlineData("bench", "missing.tflite")]
    [InlineData("frobnicate")]
    [InlineData("bench", "m.tflite", "--iterations", "zero")]
    [InlineData("inspect", "a", "--nope")]
    public void BadArguments_GiveOneLineErrors(params string[] args)
    {
        var (code, _, stderr) = Run(args);
        Assert.NotEqual(0, code);
        Assert.StartsWith("edgeconv: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void MalformedModel_IsOneLineError()
    {
        string bad = Path.Combine(_dir, "bad.tflite");
        File.WriteAllBytes(bad, File.ReadAllBytes(_model)[..100]);
        var (code, _, stderr) = Run("inspect", bad);
        Assert.Equal(1, code);
        Assert.Contains("cannot load model", stderr);
    }

    [Fact]
    public void Inspect_ShowsKernelsTotalsAndSeparableSavings()
    {
        var (code, stdout, _) = Run("inspect", _model);
        Assert.Equal(0, code);
        // The interpreter picks the x86 depthwise kernel where AVX2 is, else the Vector128 one where Vector128 is accelerated.
        Assert.Contains(EdgeConv.Kernels.Optimized.DepthwiseConvInt8X86.IsSupportedOnThisCpu ? $"DepthwiseConvInt8X86({EdgeConv.Kernels.Optimized.DepthwiseConvInt8X86.Best})"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "DepthwiseConvInt8Vector128(3x3)" : "DepthwiseConv2DInt8Reference", stdout);
        Assert.Contains("arena_bytes:", stdout);
        Assert.Contains("scratch_bytes:", stdout);
        Assert.Contains("total_macs:", stdout);
        // 3x3 depthwise on 4 channels + 1x1 to 8: 36 + 32 = 68 params vs 3*3*4*8 = 288.
        Assert.Contains("288", stdout);
        Assert.Contains("68", stdout);
    }

    [Fact]
    public void SeparablePairs_MatchTheTextbookExample()
    {
        // 5x5x3 input, 3x3 kernel, 4 outputs: 108 standard params vs 27 + 12 = 39 separable.
        var b = new EdgeConv.Graph.GraphBuilder();
        int x = b.AddTensor("x", EdgeConv.Graph.ElementType.Int8, [1, 5, 5, 3], 0.1f, 0);
        int dw = b.AddConstant("dw", [1, 3, 3, 3], new sbyte[27], EdgeConv.Graph.GraphBuilder.PerTensor(0.1f, 0));
        int mid = b.AddTensor("mid", EdgeConv.Graph.ElementType.Int8, [1, 3, 3, 3], 0.1f, 0);
        b.AddOp(EdgeConv.Graph.BuiltinOp.DepthwiseConv2D, [x, dw, -1], [mid], new EdgeConv.Graph.OpOptions { Padding = EdgeConv.Graph.Padding.Valid });
        int pw = b.AddConstant("pw", [4, 1, 1, 3], new sbyte[12], EdgeConv.Graph.GraphBuilder.PerTensor(0.1f, 0));
        int y = b.AddTensor("y", EdgeConv.Graph.ElementType.Int8, [1, 3, 3, 4], 0.1f, 0);
        b.AddOp(EdgeConv.Graph.BuiltinOp.Conv2D, [mid, pw, -1], [y], new EdgeConv.Graph.OpOptions { Padding = EdgeConv.Graph.Padding.Valid });
        b.SetInputs(x);
        b.SetOutputs(y);
        var pair = Assert.Single(SeparablePairs.Find(b.Build()));
        Assert.Equal(108, pair.StandardParams);
        Assert.Equal(39, pair.SeparableParams);
    }

    [Fact]
    public void Bench_PrintsTheLinesScriptsRead()
    {
        var (code, stdout, _) = Run("bench", _model, "--iterations", "20", "--warmup", "2");
        Assert.Equal(0, code);
        foreach (var key in new[] { "median_ms: ", "p90_ms: ", "min_ms: " })
            Assert.Matches($"(?m)^{key}[0-9]+\\.[0-9]+$", stdout);
        Assert.Contains("allocated_bytes_per_invoke: 0", stdout);
    }

    [Fact]
    public void BenchProfile_ListsEveryOpWithItsKernelAndTime()
    {
        var (code, stdout, _) = Run("bench", _model, "--iterations", "5", "--warmup", "1", "--profile");
        Assert.Equal(0, code);
        foreach (var op in new[] { "DEPTHWISE_CONV_2D", "CONV_2D", "AVERAGE_POOL_2D", "RESHAPE" })
            Assert.Contains(op, stdout);
        Assert.Matches("(?m)^profile_total_ms: [0-9]+\\.[0-9]+$", stdout);
    }

    [Fact]
    public void Demo_RunsWithoutArguments()
    {
        var (code, stdout, stderr) = Run();
        Assert.True(code == 0, stderr);
        Assert.Contains("arena_bytes:", stdout);
        Assert.Contains("median_ms:", stdout);
    }
}
