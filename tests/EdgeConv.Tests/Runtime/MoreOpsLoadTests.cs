using EdgeConv.Formats;
using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Runtime;

/// <summary>Loading, options round trip and load-time validation of RELU*, LEAKY_RELU, SUB and RESIZE_*.</summary>
public class MoreOpsLoadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriterReaderRoundTrip_CarriesTheNewOptions_AndRunsIdentically(bool float32)
    {
        var graph = MoreOpsModel.Build(float32);
        byte[] bytes = TfLiteModelWriter.Write(graph);
        var read = TfLiteModelReader.Read(bytes, "roundtrip");
        Assert.Equal(graph.Operators.Length, read.Operators.Length);
        for (int i = 0; i < graph.Operators.Length; i++)
        {
            Assert.Equal(graph.Operators[i].Op, read.Operators[i].Op);
            Assert.Equal(graph.Operators[i].Options, read.Operators[i].Options);
        }
        Assert.Contains(read.Operators, o => o.Op == BuiltinOp.LeakyRelu && o.Options.Alpha == 0.2f);
        Assert.Contains(read.Operators, o => o.Op == BuiltinOp.Sub && o.Options.Activation == FusedActivation.Relu6);
        Assert.Contains(read.Operators, o => o.Op == BuiltinOp.ResizeNearestNeighbor && o.Options.AlignCorners && o.Options.HalfPixelCenters);
        Assert.Contains(read.Operators, o => o.Op == BuiltinOp.ResizeBilinear && !o.Options.AlignCorners && o.Options.HalfPixelCenters);

        var a = new Interpreter(Model.FromGraph(graph));
        var b = new Interpreter(Model.Load(bytes));
        new Random(5).NextBytes(a.Input(0));
        if (float32)
        {
            var input = a.Input<float>(0);
            for (int i = 0; i < input.Length; i++)
                input[i] = (i % 17 - 8) * 0.37f;
        }
        a.Input(0).CopyTo(b.Input(0));
        a.Invoke();
        b.Invoke();
        Assert.True(a.Output(0).SequenceEqual(b.Output(0)));
    }

    [Fact]
    public void KernelNames_AreShownPerOp()
    {
        var kernels = Model.FromGraph(MoreOpsModel.Build()).Operations.Select(o => (o.Op, o.Kernel)).ToList();
        string table = $"LookupTableInt8({EdgeConv.Kernels.Optimized.LookupTableInt8.Best})";
        Assert.Contains(("RELU", table), kernels);
        Assert.Contains(("RELU_N1_TO_1", table), kernels);
        Assert.Contains(("RELU6", table), kernels);
        Assert.Contains(("LEAKY_RELU", table), kernels);
        // MoreOpsModel's SUB broadcasts a channel row: a vector kernel runs it wherever there is one.
        string sub = EdgeConv.Kernels.Optimized.AddInt8X86.Best is { } isa ? $"SubInt8X86({isa})(channel broadcast)"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "SubInt8Vector128(channel broadcast)" : "SubInt8Reference(broadcast)";
        Assert.Contains(("SUB", sub), kernels);
        Assert.Contains(("RESIZE_NEAREST_NEIGHBOR", "ResizeNearestNeighborReference"), kernels);
        Assert.Contains(("RESIZE_BILINEAR", "ResizeBilinearInt8Reference"), kernels);
    }

    private static ModelFormatException LoadError(Action<GraphBuilder, int, int> addOp, int[] outShape, float outScale, int outZeroPoint)
    {
        var b = new GraphBuilder();
        int x = b.AddTensor("x", ElementType.Int8, [1, 2, 2, 3], 0.1f, 0);
        int y = b.AddTensor("y", ElementType.Int8, outShape, outScale, outZeroPoint);
        addOp(b, x, y);
        b.SetInputs(x);
        b.SetOutputs(y);
        return Assert.Throws<ModelFormatException>(() => Model.Load(TfLiteModelWriter.Write(b.Build()), "bad"));
    }

    [Fact]
    public void Relu6_WithRescaling_IsRejectedAtLoad()
    {
        var e = LoadError((b, x, y) => b.AddOp(BuiltinOp.Relu6, [x], [y]), [1, 2, 2, 3], 0.2f, 0);
        Assert.Contains("op 0 (RELU6)", e.Message);
        Assert.Contains("must equal the input's", e.Message);
    }

    [Fact]
    public void Resize_RejectsRequantization_WrongShape_NonConstantSize_AndBothFlags()
    {
        var e = LoadError((b, x, y) => b.AddOp(BuiltinOp.ResizeNearestNeighbor, [x, b.AddConstant("size", [2], [4, 4])], [y]), [1, 4, 4, 3], 0.2f, 0);
        Assert.Contains("quantization differ", e.Message);
        e = LoadError((b, x, y) => b.AddOp(BuiltinOp.ResizeBilinear, [x, b.AddConstant("size", [2], [4, 4])], [y]), [1, 4, 5, 3], 0.1f, 0);
        Assert.Contains("should have shape [1,4,4,3]", e.Message);
        e = LoadError((b, x, y) => b.AddOp(BuiltinOp.ResizeBilinear, [x, b.AddTensor("size", ElementType.Int32, [2])], [y]), [1, 4, 4, 3], 0.1f, 0);
        Assert.Contains("must be a constant", e.Message);
        e = LoadError((b, x, y) => b.AddOp(BuiltinOp.ResizeBilinear, [x, b.AddConstant("size", [2], [4, 4])], [y],
            new OpOptions { AlignCorners = true, HalfPixelCenters = true }), [1, 4, 4, 3], 0.1f, 0);
        Assert.Contains("op 0 (RESIZE_BILINEAR)", e.Message);
        Assert.Contains("align_corners must be false", e.Message);
    }
}
