using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Runtime;

/// <summary>
/// Int8 ADD, SUB and MUL through the interpreter, for every way the vector kernels cover a broadcast (same shape, a
/// channel row of one image or of each, a single value, either operand) and one they leave to the reference: the
/// output equals the reference kernel's on the 4-D shapes, the kernel name says which form ran, and invoking
/// allocates nothing.
/// </summary>
public class BinaryBroadcastTests
{
    public static TheoryData<BuiltinOp, int[], int[], string> Cases()
    {
        var data = new TheoryData<BuiltinOp, int[], int[], string>();
        foreach (var op in new[] { BuiltinOp.Add, BuiltinOp.Sub, BuiltinOp.Mul })
        {
            data.Add(op, [2, 5, 7, 19], [2, 5, 7, 19], "");
            data.Add(op, [2, 5, 7, 19], [2, 1, 1, 19], "(channel broadcast)");
            data.Add(op, [2, 5, 7, 40], [1, 1, 1, 40], "(channel broadcast)");
            data.Add(op, [1, 1, 1, 19], [2, 5, 7, 19], "(channel broadcast)");
            data.Add(op, [2, 16, 16, 24], [2, 1, 1, 24], "(channel broadcast)");   // images past the 4 KB row: runs of 4,080 and 2,064
            data.Add(op, [1, 1, 1, 5000], [1, 2, 2, 5000], "(channel broadcast)"); // a row longer than 4 KB
            data.Add(op, [2, 5, 7, 19], [1, 1, 1, 1], "(scalar broadcast)");
            data.Add(op, [1], [1, 30, 30, 8], "(scalar broadcast)");   // 7,200 elements: two runs against the 4,096-byte row
            data.Add(op, [2, 5, 7, 19], [1, 5, 1, 19], "(broadcast)");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8_EqualsReference_AndNamesTheForm(BuiltinOp op, int[] aDims, int[] bDims, string suffix)
    {
        var rng = new Random(aDims.Sum() * 31 + bDims.Sum() + (int)op);
        var outDims = Broadcast4D.OutputShape(Shape4.FromDims(aDims), Shape4.FromDims(bDims));
        var b = new GraphBuilder();
        (float s1, int z1, float s2, int z2, float so, int zo) = (0.031f, -7, 0.047f, 12, op == BuiltinOp.Mul ? 0.011f : 0.06f, 3);
        int x = b.AddTensor("a", ElementType.Int8, aDims, s1, z1);
        int y = b.AddTensor("b", ElementType.Int8, bDims, s2, z2);
        int o = b.AddTensor("o", ElementType.Int8, [outDims.N, outDims.H, outDims.W, outDims.C], so, zo);
        b.AddOp(op, [x, y], [o], new OpOptions { Activation = FusedActivation.Relu6 });
        b.SetInputs(x, y);
        b.SetOutputs(o);
        var model = Model.FromGraph(b.Build());
        var interpreter = new Interpreter(model);
        rng.NextBytes(interpreter.Input(0));
        rng.NextBytes(interpreter.Input(1));
        var a1 = interpreter.Input<sbyte>(0).ToArray();
        var a2 = interpreter.Input<sbyte>(1).ToArray();
        var expected = new sbyte[outDims.FlatSize];
        var (sa, sb) = (Shape4.FromDims(aDims), Shape4.FromDims(bDims));
        switch (op)
        {
            case BuiltinOp.Add: AddInt8Reference.Run(AddInt8Reference.Prepare(s1, z1, s2, z2, so, zo, FusedActivation.Relu6), sa, a1, sb, a2, outDims, expected); break;
            case BuiltinOp.Sub: SubInt8Reference.Run(SubInt8Reference.Prepare(s1, z1, s2, z2, so, zo, FusedActivation.Relu6), sa, a1, sb, a2, outDims, expected); break;
            default: MulInt8Reference.Run(MulInt8Reference.Prepare(s1, z1, s2, z2, so, zo, FusedActivation.Relu6), sa, a1, sb, a2, outDims, expected); break;
        }
        interpreter.Invoke();
        Assert.Equal(expected, interpreter.Output<sbyte>(0).ToArray());
        Allocations.AssertNoneAfterWarmUp(interpreter.Invoke, perWindow: 100);

        // Without a vector kernel (no SIMD) every broadcast runs the reference and is named plainly "(broadcast)".
        string kernel = model.Operations[0].Kernel;
        bool vector = Vector128.IsHardwareAccelerated || (op != BuiltinOp.Mul && EdgeConv.Kernels.Optimized.AddInt8X86.Best is not null);
        if (suffix.Length == 0)
            Assert.DoesNotContain("broadcast", kernel);
        else
            Assert.EndsWith(vector ? suffix : "(broadcast)", kernel);
        Assert.Equal(vector && suffix != "(broadcast)", !kernel.Contains("Reference"));
    }
}
