using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Tests.Kernels;

// Exact comparisons with intermediate tensors that TFLite Micro's reference kernels produced
// (../shared/testdata/person_detect_golden, see ../shared/README.md). Skipped when ../shared is absent.
public class GoldenFixtureOpTests
{
    private static string? SharedDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeConv.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }
        return null;
    }

    private static sbyte[] ReadInt8(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var r = new sbyte[bytes.Length];
        Buffer.BlockCopy(bytes, 0, r, 0, bytes.Length);
        return r;
    }

    [Fact]
    public void PersonDetect_Softmax_MatchesTfliteMicroExactly()
    {
        string? shared = SharedDir();
        if (shared is null)
            Assert.Skip("../shared is not present next to the repository.");
        string golden = Path.Combine(shared, "testdata", "person_detect_golden");
        ModelGraph model = TfLiteModelReader.ReadFile(Path.Combine(shared, "models", "person_detect.tflite"));

        OperatorInfo op = model.Operators.Single(o => o.Op == BuiltinOp.Softmax);
        TensorInfo input = model.Tensors[op.Inputs[0]];
        TensorInfo output = model.Tensors[op.Outputs[0]];
        var p = SoftmaxInt8Reference.Prepare(op.Options.Beta, input.Quantization!.Scale, output.Quantization!.Scale, output.Quantization.ZeroPoint);

        sbyte[] x = ReadInt8(Path.Combine(golden, $"t{input.Index:D3}.raw"));
        sbyte[] expected = ReadInt8(Path.Combine(golden, $"t{output.Index:D3}.raw"));
        var actual = new sbyte[expected.Length];
        SoftmaxInt8Reference.Run(p, x, actual, input.Shape[^1]);
        Assert.Equal(expected, actual);
    }
}
