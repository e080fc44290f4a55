using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Tests.Support;

/// <summary>Small graphs built in code for loader and runtime tests.</summary>
internal static class TestModels
{
    /// <summary>input [1,8,8,4] -> depthwise 3x3 -> 1x1 conv to 8 -> avg pool -> reshape [1,8].</summary>
    public static ModelGraph SmallSeparable(int seed = 1)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder();
        int x = b.AddTensor("input", ElementType.Int8, [1, 8, 8, 4], 0.02f, -3);
        int dwW = b.AddConstant("dw/w", [1, 3, 3, 4], RandomTensors.Int8(rng, 36, -127, 127), GraphBuilder.PerChannel([0.01f, 0.02f, 0.015f, 0.03f], 3));
        int dwB = b.AddConstant("dw/b", [4], RandomTensors.Int32(rng, 4, -500, 500));
        int dw = b.AddTensor("dw", ElementType.Int8, [1, 8, 8, 4], 0.05f, -128);
        b.AddOp(BuiltinOp.DepthwiseConv2D, [x, dwW, dwB], [dw], new OpOptions { Padding = Padding.Same, DepthMultiplier = 1, Activation = FusedActivation.Relu6 });
        int pwW = b.AddConstant("pw/w", [8, 1, 1, 4], RandomTensors.Int8(rng, 32, -127, 127), GraphBuilder.PerTensor(0.01f, 0));
        int pwB = b.AddConstant("pw/b", [8], RandomTensors.Int32(rng, 8, -500, 500));
        int pw = b.AddTensor("pw", ElementType.Int8, [1, 8, 8, 8], 0.04f, 5);
        b.AddOp(BuiltinOp.Conv2D, [dw, pwW, pwB], [pw], new OpOptions { Padding = Padding.Valid });
        int pool = b.AddTensor("pool", ElementType.Int8, [1, 1, 1, 8], 0.04f, 5);
        b.AddOp(BuiltinOp.AveragePool2D, [pw], [pool], new OpOptions { Padding = Padding.Valid, FilterH = 8, FilterW = 8 });
        int shape = b.AddConstant("shape", [2], [1, 8]);
        int flat = b.AddTensor("flat", ElementType.Int8, [1, 8], 0.04f, 5);
        b.AddOp(BuiltinOp.Reshape, [pool, shape], [flat], new OpOptions { NewShape = [1, 8] });
        b.SetInputs(x);
        b.SetOutputs(flat);
        return b.Build("small-separable");
    }
}
