using EdgeConv.Formats;
using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Formats;

public class TfLiteReaderTests
{
    [Fact]
    public void WrittenModel_RoundTrips_AndRunsIdentically()
    {
        var graph = TestModels.SmallSeparable();
        byte[] bytes = TfLiteModelWriter.Write(graph);
        var read = TfLiteModelReader.Read(bytes, "roundtrip");
        Assert.Equal(graph.Tensors.Length, read.Tensors.Length);
        Assert.Equal(graph.Operators.Length, read.Operators.Length);
        for (int i = 0; i < graph.Tensors.Length; i++)
        {
            Assert.Equal(graph.Tensors[i].Shape, read.Tensors[i].Shape);
            Assert.Equal(graph.Tensors[i].Type, read.Tensors[i].Type);
            Assert.Equal(graph.Tensors[i].Name, read.Tensors[i].Name);
            Assert.Equal(graph.Tensors[i].Quantization?.Scales, read.Tensors[i].Quantization?.Scales);
            Assert.Equal(graph.Tensors[i].Quantization?.ZeroPoints, read.Tensors[i].Quantization?.ZeroPoints);
            if (graph.Tensors[i].IsConstant)
                Assert.True(graph.ConstantBytes(graph.Tensors[i]).SequenceEqual(read.ConstantBytes(read.Tensors[i])));
        }
        for (int i = 0; i < graph.Operators.Length; i++)
        {
            Assert.Equal(graph.Operators[i].Op, read.Operators[i].Op);
            Assert.Equal(graph.Operators[i].Inputs, read.Operators[i].Inputs);
            Assert.Equal(graph.Operators[i].Options with { NewShape = null }, read.Operators[i].Options with { NewShape = null });
        }

        var a = new Interpreter(Model.FromGraph(graph));
        var b = new Interpreter(Model.Load(bytes));
        new Random(5).NextBytes(a.Input(0));
        a.Input(0).CopyTo(b.Input(0));
        a.Invoke();
        b.Invoke();
        Assert.True(a.Output(0).SequenceEqual(b.Output(0)));
    }

    [Fact]
    public void EveryTruncation_IsRejectedWithModelFormatException()
    {
        byte[] bytes = TfLiteModelWriter.Write(TestModels.SmallSeparable());
        for (int length = 0; length < bytes.Length; length += Math.Max(1, length / 64))
        {
            var truncated = bytes.AsSpan(0, length).ToArray();
            var e = Assert.Throws<ModelFormatException>(() => Model.Load(truncated, "truncated"));
            Assert.Contains("truncated", e.Message);
        }
    }

    [Fact]
    public void RandomCorruption_NeverEscapesAsAnotherException()
    {
        byte[] original = TfLiteModelWriter.Write(TestModels.SmallSeparable());
        var rng = new Random(99);
        int rejected = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])original.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
                bytes[rng.Next(8, bytes.Length)] = (byte)rng.Next(256);
            try
            {
                Model.Load(bytes, "corrupt");
            }
            catch (ModelFormatException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"only {rejected} of 3000 corruptions were detected; the test is not exercising the validator");
    }

    [Fact]
    public void BadRootOffset_IsRejected()
    {
        byte[] bytes = TfLiteModelWriter.Write(TestModels.SmallSeparable());
        BitConverter.GetBytes(bytes.Length + 100).CopyTo(bytes, 0);
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(bytes, "m"));
        Assert.Contains("root table offset", e.Message);
    }

    [Fact]
    public void NotATfLiteFile_IsRejected()
    {
        var e = Assert.Throws<ModelFormatException>(() => Model.Load("this is not a model at all"u8.ToArray(), "text"));
        Assert.Contains("TFL3", e.Message);
    }

    [Fact]
    public void WrongBufferSize_NamesTheTensor()
    {
        byte[] bytes = PatchFilterShape(TestModels.SmallSeparable());
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(bytes, "m"));
        Assert.Contains("'dw/w'", e.Message);
        Assert.Contains("holds 36 bytes", e.Message);
        Assert.Contains("needs 72", e.Message);
    }

    private static byte[] PatchFilterShape(ModelGraph graph)
    {
        // The writer copies the declared number of bytes, so write the good model and patch the
        // shape vector [1,3,3,4] of the depthwise filter to [1,3,3,8] in place.
        byte[] bytes = TfLiteModelWriter.Write(graph);
        byte[] pattern = [1, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0];
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at > 0);
        bytes[at + 12] = 8;
        return bytes;
    }

    [Fact]
    public void UnsupportedOp_NamesOpIndexAndCode()
    {
        var b = new GraphBuilder();
        int x = b.AddTensor("x", ElementType.Float32, [1, 4]);
        int y = b.AddTensor("y", ElementType.Float32, [1, 4]);
        b.AddOp((BuiltinOp)47 /* EXP */, [x], [y]);
        b.SetInputs(x);
        b.SetOutputs(y);
        byte[] bytes = TfLiteModelWriter.Write(b.Build());
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(bytes, "exp-model"));
        Assert.Contains("op 0", e.Message);
        Assert.Contains("BUILTIN_47", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void OutOfRangeTensorIndex_IsRejected()
    {
        var graph = TestModels.SmallSeparable();
        var ops = graph.Operators.ToArray();
        ops[1] = new OperatorInfo { Index = 1, Op = ops[1].Op, Inputs = [2, 999, 4], Outputs = ops[1].Outputs, Options = ops[1].Options };
        var broken = new ModelGraph { Data = graph.Data, Tensors = graph.Tensors, Operators = ops, Inputs = graph.Inputs, Outputs = graph.Outputs, Name = "broken" };
        var e = Assert.Throws<ModelFormatException>(() => Model.Load(TfLiteModelWriter.Write(broken), "m"));
        Assert.Contains("op 1", e.Message);
        Assert.Contains("999", e.Message);
    }
}
