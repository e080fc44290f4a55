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

internal static class AllOpsModel
{
    /// <summary>
    /// One graph that uses every op the runtime supports (int8 path plus a float DEQUANTIZE output),
    /// for pipeline, round-trip and zero-allocation tests.
    /// </summary>
    public static ModelGraph Build(int seed = 3)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder();
        const float s = 0.05f;
        int x = b.AddTensor("input", ElementType.Int8, [1, 6, 6, 4], s, 2);
        int padShape = b.AddConstant("pads", [4, 2], [0, 0, 1, 1, 1, 1, 0, 0]);
        int padded = b.AddTensor("padded", ElementType.Int8, [1, 8, 8, 4], s, 2);
        b.AddOp(BuiltinOp.Pad, [x, padShape], [padded]);
        int cw = b.AddConstant("conv/w", [8, 3, 3, 2], RandomTensors.Int8(rng, 8 * 9 * 2, -127, 127), GraphBuilder.PerChannel(Enumerable.Range(0, 8).Select(i => 0.01f + 0.001f * i).ToArray(), 0));
        int cb = b.AddConstant("conv/b", [8], RandomTensors.Int32(rng, 8, -300, 300));
        int conv = b.AddTensor("conv", ElementType.Int8, [1, 6, 6, 8], 0.08f, -10);
        b.AddOp(BuiltinOp.Conv2D, [padded, cw, cb], [conv], new OpOptions { Padding = Padding.Valid, Activation = FusedActivation.Relu });
        int dw = b.AddConstant("dw/w", [1, 3, 3, 16], RandomTensors.Int8(rng, 144, -127, 127), GraphBuilder.PerChannel(Enumerable.Repeat(0.02f, 16).ToArray(), 3));
        int dwOut = b.AddTensor("dw", ElementType.Int8, [1, 3, 3, 16], 0.1f, 0);
        b.AddOp(BuiltinOp.DepthwiseConv2D, [conv, dw, -1], [dwOut], new OpOptions { Padding = Padding.Same, StrideH = 2, StrideW = 2, DepthMultiplier = 2, DilationH = 2, DilationW = 1 });
        int mp = b.AddTensor("maxpool", ElementType.Int8, [1, 2, 2, 16], 0.1f, 0);
        b.AddOp(BuiltinOp.MaxPool2D, [dwOut], [mp], new OpOptions { Padding = Padding.Same, StrideH = 2, StrideW = 2, FilterH = 2, FilterW = 2 });
        int bias = b.AddConstant("addend", [1, 1, 1, 16], RandomTensors.Int8(rng, 16), GraphBuilder.PerTensor(0.07f, 3));
        int added = b.AddTensor("add", ElementType.Int8, [1, 2, 2, 16], 0.12f, -4);
        b.AddOp(BuiltinOp.Add, [mp, bias], [added], new OpOptions { Activation = FusedActivation.Relu6 });
        int mul = b.AddTensor("mul", ElementType.Int8, [1, 2, 2, 16], 0.2f, 1);
        b.AddOp(BuiltinOp.Mul, [added, mp], [mul]);
        int hs = b.AddTensor("hardswish", ElementType.Int8, [1, 2, 2, 16], 0.1f, -20);
        b.AddOp(BuiltinOp.HardSwish, [mul], [hs]);
        int lg = b.AddTensor("logistic", ElementType.Int8, [1, 2, 2, 16], 1f / 256, -128);
        b.AddOp(BuiltinOp.Logistic, [hs], [lg]);
        int rq = b.AddTensor("requantized", ElementType.Int8, [1, 2, 2, 16], 1f / 256, -128);
        b.AddOp(BuiltinOp.Quantize, [lg], [rq]);
        int cat = b.AddTensor("concat", ElementType.Int8, [1, 2, 2, 32], 1f / 256, -128);
        b.AddOp(BuiltinOp.Concatenation, [lg, rq], [cat], new OpOptions { Axis = 3 });
        int perm = b.AddConstant("perm", [4], [0, 3, 1, 2]);
        int tr = b.AddTensor("transposed", ElementType.Int8, [1, 32, 2, 2], 1f / 256, -128);
        b.AddOp(BuiltinOp.Transpose, [cat, perm], [tr]);
        int perm2 = b.AddConstant("perm2", [4], [0, 2, 3, 1]);
        int back = b.AddTensor("back", ElementType.Int8, [1, 2, 2, 32], 1f / 256, -128);
        b.AddOp(BuiltinOp.Transpose, [tr, perm2], [back]);
        int ap = b.AddTensor("avgpool", ElementType.Int8, [1, 2, 2, 32], 1f / 256, -128);
        b.AddOp(BuiltinOp.AveragePool2D, [back], [ap], new OpOptions { Padding = Padding.Same, FilterH = 2, FilterW = 2 });
        int axes = b.AddConstant("axes", [2], [1, 2]);
        int mean = b.AddTensor("mean", ElementType.Int8, [1, 1, 1, 32], 0.003f, -100);
        b.AddOp(BuiltinOp.Mean, [ap, axes], [mean], new OpOptions { KeepDims = true });
        int shape = b.AddConstant("shape", [2], [1, 32]);
        int flat = b.AddTensor("flat", ElementType.Int8, [1, 32], 0.003f, -100);
        b.AddOp(BuiltinOp.Reshape, [mean, shape], [flat], new OpOptions { NewShape = [1, 32] });
        int fw = b.AddConstant("fc/w", [5, 32], RandomTensors.Int8(rng, 160, -127, 127), GraphBuilder.PerTensor(0.02f, 0));
        int fb = b.AddConstant("fc/b", [5], RandomTensors.Int32(rng, 5, -1000, 1000));
        int fc = b.AddTensor("fc", ElementType.Int8, [1, 5], 0.05f, 0);
        b.AddOp(BuiltinOp.FullyConnected, [flat, fw, fb], [fc]);
        int sm = b.AddTensor("softmax", ElementType.Int8, [1, 5], 1f / 256, -128);
        b.AddOp(BuiltinOp.Softmax, [fc], [sm], new OpOptions { Beta = 1f });
        int deq = b.AddTensor("dequantized", ElementType.Float32, [1, 5]);
        b.AddOp(BuiltinOp.Dequantize, [sm], [deq]);
        b.SetInputs(x);
        b.SetOutputs(sm, deq);
        return b.Build("all-ops");
    }
}

internal static class MoreOpsModel
{
    /// <summary>
    /// RELU, RELU6, LEAKY_RELU, RELU_N1_TO_1, SUB (broadcast), RESIZE_NEAREST_NEIGHBOR and
    /// RESIZE_BILINEAR in one chain, int8 or float32, for the pipeline, round-trip and
    /// zero-allocation tests (the all-ops graph keeps the original ops).
    /// </summary>
    public static ModelGraph Build(bool float32 = false, int seed = 5)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder();
        var type = float32 ? ElementType.Float32 : ElementType.Int8;
        int T(string name, int[] shape, float scale, int zeroPoint)
            => float32 ? b.AddTensor(name, type, shape) : b.AddTensor(name, type, shape, scale, zeroPoint);
        int x = T("input", [1, 4, 4, 6], 0.05f, -10);
        int relu = T("relu", [1, 4, 4, 6], 0.03f, -128);
        b.AddOp(BuiltinOp.Relu, [x], [relu]);
        int relu6 = T("relu6", [1, 4, 4, 6], 0.03f, -128);
        b.AddOp(BuiltinOp.Relu6, [relu], [relu6]);
        int leaky = T("leaky", [1, 4, 4, 6], 0.02f, 20);
        b.AddOp(BuiltinOp.LeakyRelu, [x], [leaky], new OpOptions { Alpha = 0.2f });
        int n1 = T("relu_n1_to_1", [1, 4, 4, 6], 1f / 128, 0);
        b.AddOp(BuiltinOp.ReluN1To1, [leaky], [n1]);
        int bias = float32
            ? b.AddConstant("subtrahend", [6], Enumerable.Range(0, 6).Select(i => 0.1f * i - 0.2f).ToArray())
            : b.AddConstant("subtrahend", [6], RandomTensors.Int8(rng, 6), GraphBuilder.PerTensor(0.04f, 3));
        int sub = T("sub", [1, 4, 4, 6], 0.05f, 5);
        b.AddOp(BuiltinOp.Sub, [relu6, bias], [sub], new OpOptions { Activation = FusedActivation.Relu6 });
        int diff = T("diff", [1, 4, 4, 6], 0.05f, 5);
        b.AddOp(BuiltinOp.Sub, [sub, n1], [diff]);
        int nnSize = b.AddConstant("nn/size", [2], [7, 3]);
        int nn = T("nearest", [1, 7, 3, 6], 0.05f, 5);
        b.AddOp(BuiltinOp.ResizeNearestNeighbor, [diff, nnSize], [nn], new OpOptions { AlignCorners = true, HalfPixelCenters = true });
        int blSize = b.AddConstant("bilinear/size", [2], [5, 8]);
        int bl = T("bilinear", [1, 5, 8, 6], 0.05f, 5);
        b.AddOp(BuiltinOp.ResizeBilinear, [nn, blSize], [bl], new OpOptions { HalfPixelCenters = true });
        b.SetInputs(x);
        b.SetOutputs(bl);
        return b.Build(float32 ? "more-ops-float" : "more-ops");
    }
}
