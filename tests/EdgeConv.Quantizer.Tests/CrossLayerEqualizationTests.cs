using System.Runtime.InteropServices;
using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Tests;

public class CrossLayerEqualizationTests
{
    /// <summary>conv 3×3 (ReLU) → depthwise 3×3 (none) → pointwise 1×1 (ReLU), with badly uneven channel ranges.</summary>
    private static ModelGraph Chain()
    {
        var rng = new Random(4);
        var b = new GraphBuilder();
        int x = b.AddTensor("x", ElementType.Float32, [1, 8, 8, 3]);
        int Layer(int input, string name, int[] filterShape, int outC, BuiltinOp op, FusedActivation act)
        {
            int count = filterShape.Aggregate(1, (p, d) => p * d);
            var w = FloatNetworks.Gaussian(rng, count, 0.3f);
            // Output channel c of this layer gets a magnitude of 10^(c % 3 - 1): 0.1, 1 or 10.
            for (int i = 0; i < count; i++)
            {
                int c = op == BuiltinOp.DepthwiseConv2D ? i % outC : i / (count / outC);
                w[i] *= MathF.Pow(10, c % 3 - 1);
            }
            int wt = b.AddConstant(name + "/w", filterShape, w);
            int bt = b.AddConstant(name + "/b", [outC], FloatNetworks.Gaussian(rng, outC, 0.1f));
            int y = b.AddTensor(name, ElementType.Float32, [1, 8, 8, outC]);
            b.AddOp(op, [input, wt, bt], [y], new OpOptions { Padding = Padding.Same, Activation = act });
            return y;
        }
        int c1 = Layer(x, "conv", [12, 3, 3, 3], 12, BuiltinOp.Conv2D, FusedActivation.Relu);
        int dw = Layer(c1, "dw", [1, 3, 3, 12], 12, BuiltinOp.DepthwiseConv2D, FusedActivation.None);
        int pw = Layer(dw, "pw", [6, 1, 1, 12], 6, BuiltinOp.Conv2D, FusedActivation.Relu);
        b.SetInputs(x);
        b.SetOutputs(pw);
        return b.Build("chain");
    }

    private static float[] Run(ModelGraph g, float[] input)
    {
        using var it = new Interpreter(Model.FromGraph(g));
        input.CopyTo(it.Input<float>(0));
        it.Invoke();
        return it.Output<float>(0).ToArray();
    }

    private static double Spread(ModelGraph g, string name, int axis)
    {
        var t = g.Tensors.First(t => t.Name == name);
        var w = MemoryMarshal.Cast<byte, float>(g.ConstantBytes(t));
        int channels = t.Shape[axis], inner = t.Shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        var r = new float[channels];
        for (int i = 0; i < w.Length; i++) r[i / inner % channels] = Math.Max(r[i / inner % channels], Math.Abs(w[i]));
        return r.Max() / r.Min();
    }

    [Fact]
    public void Equalization_KeepsTheFloatFunction_AndEvensTheRanges()
    {
        var g = Chain();
        var (eq, pairs) = CrossLayerEqualization.Apply(g);
        Assert.Equal(2, pairs); // conv→dw and dw→pw; pw is the output
        var input = FloatNetworks.Samples(3, 1, 8 * 8 * 3)[0];
        var a = Run(g, input);
        var e = Run(eq, input);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= 1e-4 * Math.Max(1, Math.Abs(a[i])), $"element {i}: {a[i]} vs {e[i]}");
        Assert.True(Spread(eq, "dw/w", 3) < Spread(g, "dw/w", 3) / 3, $"dw spread {Spread(g, "dw/w", 3):F1} -> {Spread(eq, "dw/w", 3):F1}");
        Assert.True(Spread(eq, "conv/w", 0) < Spread(g, "conv/w", 0) / 3, $"conv spread {Spread(g, "conv/w", 0):F1} -> {Spread(eq, "conv/w", 0):F1}");
    }

    [Fact]
    public void Relu6_BlocksEqualization()
    {
        var (_, pairs) = CrossLayerEqualization.Apply(FloatNetworks.Classifier(seed: 1));
        Assert.Equal(0, pairs);
    }
}
