using EdgeConv.Quantization;

namespace EdgeConv.Graph;

/// <summary>Small int8 networks built in code with seeded weights, for demos and tests without model files.</summary>
public static class DemoNetworks
{
    /// <summary>
    /// A MobileNetV1-style classifier on a 64×64×3 int8 input: a 3×3 stride-2 stem, four
    /// depthwise-separable blocks (3×3 depthwise + 1×1 pointwise, ReLU6), global average pool,
    /// a 1×1 classifier to 10 classes, reshape and softmax. Weights are seeded and per-channel.
    /// </summary>
    public static ModelGraph MobileNetStyle(int seed)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder();
        const float actScale = 6f / 255f;
        const int actZp = -128;
        int x = b.AddTensor("input", ElementType.Int8, [1, 64, 64, 3], 1f / 128f, 0);
        b.SetInputs(x);
        int h = 64, c = 3;
        x = Conv(b, rng, x, ref h, ref c, 16, 3, 2, depthwise: false, "stem");
        (int Out, int Stride)[] blocks = [(32, 1), (64, 2), (64, 1), (128, 2)];
        for (int i = 0; i < blocks.Length; i++)
        {
            x = Conv(b, rng, x, ref h, ref c, c, 3, blocks[i].Stride, depthwise: true, $"block{i}/dw");
            x = Conv(b, rng, x, ref h, ref c, blocks[i].Out, 1, 1, depthwise: false, $"block{i}/pw");
        }
        int pooled = b.AddTensor("pool", ElementType.Int8, [1, 1, 1, c], actScale, actZp);
        b.AddOp(BuiltinOp.AveragePool2D, [x], [pooled], new OpOptions { Padding = Padding.Valid, StrideH = 1, StrideW = 1, FilterH = h, FilterW = h });
        int logits = b.AddTensor("logits", ElementType.Int8, [1, 1, 1, 10], 0.1f, 0);
        AddWeights(b, rng, pooled, logits, [10, 1, 1, c], 10, 0, actScale, 0.1f, FusedActivation.None, BuiltinOp.Conv2D, new OpOptions { Padding = Padding.Same }, "classifier");
        int flat = b.AddTensor("logits_flat", ElementType.Int8, [1, 10], 0.1f, 0);
        int shape = b.AddConstant("shape", [2], [1, 10]);
        b.AddOp(BuiltinOp.Reshape, [logits, shape], [flat], new OpOptions { NewShape = [1, 10] });
        int probs = b.AddTensor("probabilities", ElementType.Int8, [1, 10], 1f / 256f, -128);
        b.AddOp(BuiltinOp.Softmax, [flat], [probs], new OpOptions { Beta = 1f });
        b.SetOutputs(probs);
        return b.Build("mobilenet-style-demo");

        static int Conv(GraphBuilder b, Random rng, int x, ref int h, ref int c, int outC, int k, int stride, bool depthwise, string name)
        {
            int outH = (h + stride - 1) / stride;
            var inQ = b.Tensor(x).Quantization!;
            int y = b.AddTensor(name, ElementType.Int8, [1, outH, outH, outC], actScale, actZp);
            var options = new OpOptions { Padding = Padding.Same, StrideH = stride, StrideW = stride, Activation = FusedActivation.Relu6, DepthMultiplier = depthwise ? 1 : 0 };
            int[] filterShape = depthwise ? [1, k, k, outC] : [outC, k, k, c];
            AddWeights(b, rng, x, y, filterShape, outC, depthwise ? 3 : 0, inQ.Scale, actScale, FusedActivation.Relu6,
                depthwise ? BuiltinOp.DepthwiseConv2D : BuiltinOp.Conv2D, options, name);
            h = outH;
            c = outC;
            return y;
        }
    }

    private static void AddWeights(GraphBuilder b, Random rng, int input, int output, int[] filterShape, int outC, int axis,
        float inScale, float outScale, FusedActivation act, BuiltinOp op, OpOptions options, string name)
    {
        int count = 1;
        foreach (int d in filterShape)
            count *= d;
        var w = new sbyte[count];
        for (int i = 0; i < count; i++)
            w[i] = (sbyte)rng.Next(-127, 128);
        int fanIn = count / outC;
        var scales = new float[outC];
        for (int o = 0; o < outC; o++)
            scales[o] = (float)(outScale * (0.5 + rng.NextDouble()) / (inScale * 127 * Math.Sqrt(fanIn) * 0.5));
        var bias = new int[outC];
        for (int o = 0; o < outC; o++)
            bias[o] = rng.Next(-2000, 2000);
        int wt = b.AddConstant(name + "/weights", filterShape, w, GraphBuilder.PerChannel(scales, axis));
        int bt = b.AddConstant(name + "/bias", [outC], bias, GraphBuilder.PerChannel(Array.ConvertAll(scales, s => s * inScale), 0));
        _ = act;
        b.AddOp(op, [input, wt, bt], [output], options);
    }
}
