using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Quantizer.Tests;

/// <summary>Float graphs built in code with seeded weights, shaped like MobileNet blocks.</summary>
internal static class FloatNetworks
{
    /// <summary>
    /// 16×16×3 input → 3×3/2 conv (ReLU6) → depthwise 3×3 ×2 (ReLU6) → 1×1 conv → residual-free
    /// 1×1 expand (ReLU6) → ADD with a parallel 1×1 branch → avg pool → FC 10 → logits output.
    /// </summary>
    public static ModelGraph Classifier(int seed)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder();
        int x = b.AddTensor("input", ElementType.Float32, [1, 16, 16, 3]);
        int c1 = Conv(b, rng, x, "stem", [16, 3, 3, 3], [1, 8, 8, 16], 2, FusedActivation.Relu6, depthwise: false);
        int dw = Conv(b, rng, c1, "dw", [1, 3, 3, 32], [1, 8, 8, 32], 1, FusedActivation.Relu6, depthwise: true);
        int pw = Conv(b, rng, dw, "pw", [24, 1, 1, 32], [1, 8, 8, 24], 1, FusedActivation.None, depthwise: false);
        int side = Conv(b, rng, c1, "side", [24, 1, 1, 16], [1, 8, 8, 24], 1, FusedActivation.None, depthwise: false);
        int sum = b.AddTensor("add", ElementType.Float32, [1, 8, 8, 24]);
        b.AddOp(BuiltinOp.Add, [pw, side], [sum], new OpOptions { Activation = FusedActivation.Relu });
        int axes = b.AddConstant("axes", [2], [1, 2]);
        int mean = b.AddTensor("mean", ElementType.Float32, [1, 1, 1, 24]);
        b.AddOp(BuiltinOp.Mean, [sum, axes], [mean], new OpOptions { KeepDims = true });
        int shape = b.AddConstant("shape", [2], [1, 24]);
        int flat = b.AddTensor("flat", ElementType.Float32, [1, 24]);
        b.AddOp(BuiltinOp.Reshape, [mean, shape], [flat]);
        int fw = b.AddConstant("fc/w", [10, 24], Gaussian(rng, 240, 0.3f));
        int fb = b.AddConstant("fc/b", [10], Gaussian(rng, 10, 0.1f));
        int logits = b.AddTensor("logits", ElementType.Float32, [1, 10]);
        b.AddOp(BuiltinOp.FullyConnected, [flat, fw, fb], [logits]);
        b.SetInputs(x);
        b.SetOutputs(logits);
        return b.Build("float-classifier");
    }

    /// <summary>
    /// A decoder head shaped like M-LSD's: 8×8×3 → 3×3 conv (16) → LEAKY_RELU → two channel SLICEs,
    /// bilinear and nearest 2× upsampling, RELU, SUB, a MAXIMUM/MINIMUM clamp, RELU6, LOGISTIC, and
    /// the 3×3 max-pool NMS (EQUAL + CAST + MUL) on the heat map.
    /// </summary>
    public static ModelGraph Decoder(int seed)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder();
        int x = b.AddTensor("input", ElementType.Float32, [1, 8, 8, 3]);
        int c = Conv(b, rng, x, "conv", [16, 3, 3, 3], [1, 8, 8, 16], 1, FusedActivation.None, depthwise: false);
        int leaky = Unary(b, BuiltinOp.LeakyRelu, c, "leaky", [1, 8, 8, 16], new OpOptions { Alpha = 0.1f });
        int a = Slice(b, leaky, "slice_a", 0);
        int d = Slice(b, leaky, "slice_b", 8);
        int size = b.AddConstant("size", [2], [16, 16]);
        int up = b.AddTensor("up_bilinear", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.ResizeBilinear, [a, size], [up], new OpOptions { HalfPixelCenters = true });
        int upn = b.AddTensor("up_nearest", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.ResizeNearestNeighbor, [d, size], [upn]);
        int relu = Unary(b, BuiltinOp.Relu, up, "relu", [1, 16, 16, 8]);
        int diff = b.AddTensor("sub", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.Sub, [relu, upn], [diff]);
        int max = b.AddTensor("clamp_lo", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.Maximum, [diff, b.AddConstant("lo", [], [-1.5f])], [max]);
        int min = b.AddTensor("clamp_hi", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.Minimum, [max, b.AddConstant("hi", [], [3f])], [min]);
        int relu6 = Unary(b, BuiltinOp.Relu6, min, "relu6", [1, 16, 16, 8]);
        int heat = Unary(b, BuiltinOp.Logistic, relu6, "heat", [1, 16, 16, 8]);
        int pooled = b.AddTensor("pooled", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.MaxPool2D, [heat], [pooled], new OpOptions { Padding = Padding.Same, FilterH = 3, FilterW = 3 });
        int peak = b.AddTensor("peak", ElementType.Bool, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.Equal, [pooled, heat], [peak]);
        int mask = b.AddTensor("mask", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.Cast, [peak], [mask]);
        int scores = b.AddTensor("scores", ElementType.Float32, [1, 16, 16, 8]);
        b.AddOp(BuiltinOp.Mul, [heat, mask], [scores]);
        b.SetInputs(x);
        b.SetOutputs(scores, min);
        return b.Build("float-decoder");
    }

    private static int Unary(GraphBuilder b, BuiltinOp op, int input, string name, int[] shape, OpOptions? options = null)
    {
        int y = b.AddTensor(name, ElementType.Float32, shape);
        b.AddOp(op, [input], [y], options);
        return y;
    }

    private static int Slice(GraphBuilder b, int input, string name, int firstChannel)
    {
        int y = b.AddTensor(name, ElementType.Float32, [1, 8, 8, 8]);
        b.AddOp(BuiltinOp.Slice, [input, b.AddConstant(name + "/begin", [4], [0, 0, 0, firstChannel]), b.AddConstant(name + "/size", [4], [1, 8, 8, 8])], [y]);
        return y;
    }

    private static int Conv(GraphBuilder b, Random rng, int input, string name, int[] filterShape, int[] outShape, int stride,
        FusedActivation act, bool depthwise)
    {
        int count = filterShape.Aggregate(1, (a, d) => a * d);
        int outC = outShape[3];
        int fanIn = count / outC;
        var w = Gaussian(rng, count, (float)Math.Sqrt(2.0 / fanIn));
        // Uneven channel magnitudes make per-channel weight scales matter, as in real BN-folded nets.
        int axis = depthwise ? 3 : 0;
        int inner = axis == 0 ? count / outC : 1;
        for (int i = 0; i < count; i++)
        {
            int c = axis == 0 ? i / inner : i % outC;
            w[i] *= 0.2f + 2f * (c % 5) / 4f;
        }
        int wt = b.AddConstant(name + "/w", filterShape, w);
        int bt = b.AddConstant(name + "/b", [outC], Gaussian(rng, outC, 0.1f));
        int y = b.AddTensor(name, ElementType.Float32, outShape);
        // DepthMultiplier 0 lets the runtime derive it from the shapes, as newer converters write it.
        var options = new OpOptions { Padding = Padding.Same, StrideH = stride, StrideW = stride, Activation = act };
        b.AddOp(depthwise ? BuiltinOp.DepthwiseConv2D : BuiltinOp.Conv2D, [input, wt, bt], [y], options);
        return y;
    }

    public static float[] Gaussian(Random rng, int count, float std)
    {
        var r = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            r[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return r;
    }

    /// <summary>Smooth, image-like inputs in [0, 1] (random gradients plus noise).</summary>
    public static float[][] Samples(int seed, int count, int length)
    {
        var rng = new Random(seed);
        var samples = new float[count][];
        for (int s = 0; s < count; s++)
        {
            var v = new float[length];
            double a = rng.NextDouble(), f = 0.05 + rng.NextDouble() * 0.3;
            for (int i = 0; i < length; i++)
                v[i] = (float)Math.Clamp(0.5 + 0.4 * Math.Sin(f * i + a * 6) + 0.1 * (rng.NextDouble() - 0.5), 0, 1);
            samples[s] = v;
        }
        return samples;
    }
}
