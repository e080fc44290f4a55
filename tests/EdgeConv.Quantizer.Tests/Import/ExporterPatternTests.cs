using EdgeConv.Graph;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Tests.Support;

namespace EdgeConv.Quantizer.Tests.Import;

/// <summary>
/// Whole networks written the way PyTorch exports them (BatchNorm unfolded, ReLU6 as Clip,
/// <c>x.view(x.size(0), -1)</c> as Shape/Gather/Unsqueeze/Concat/Reshape), with seeded random
/// weights, against ONNX Runtime.
/// </summary>
public sealed class ExporterPatternTests
{
    private sealed class Builder(OnnxTestModel m)
    {
        private int _id;

        public string ConvBn(string x, int cin, int cout, int k, int stride, int group, bool relu6)
        {
            string id = $"l{_id++}";
            string c = id + "_conv", bn = id + "_bn";
            int pad = k / 2;
            m.Node("Conv", [x, m.Weight(id + "_w", [cout, cin / group, k, k], -0.5f, 0.5f)], [c],
                ("group", group), ("strides", new[] { stride, stride }), ("pads", new[] { pad, pad, pad, pad }), ("kernel_shape", new[] { k, k }));
            m.Node("BatchNormalization", [c, m.Weight(id + "_g", [cout], 0.5f, 1.5f), m.Weight(id + "_b", [cout], -0.2f, 0.2f),
                m.Weight(id + "_m", [cout], -0.2f, 0.2f), m.Weight(id + "_v", [cout], 0.5f, 2f)], [bn]);
            if (!relu6)
                return bn;
            m.Node("Clip", [bn, "zero", "six"], [id + "_relu6"]);
            return id + "_relu6";
        }

        public string InvertedResidual(string x, int c, int expand, int stride, int cout)
        {
            string e = ConvBn(x, c, c * expand, 1, 1, 1, true);
            string d = ConvBn(e, c * expand, c * expand, 3, stride, c * expand, true);
            string p = ConvBn(d, c * expand, cout, 1, 1, 1, false);
            if (stride != 1 || c != cout)
                return p;
            string sum = $"l{_id++}_add";
            m.Node("Add", [x, p], [sum]);
            return sum;
        }
    }

    [Theory]
    [InlineData(11, 1, 28)]
    [InlineData(12, 3, 32)]
    public void MobileNetV2_style_classifier_exported_by_pytorch_matches(int seed, int channels, int size)
    {
        var m = new OnnxTestModel(seed).Input("input", 1, channels, size, size).Output("logits");
        m.Constant("zero", [], [0f]);
        m.Constant("six", [], [6f]);
        var b = new Builder(m);
        string x = b.ConvBn("input", channels, 8, 3, 2, 1, true);
        x = b.InvertedResidual(x, 8, 1, 1, 8);
        x = b.InvertedResidual(x, 8, 4, 2, 12);
        x = b.InvertedResidual(x, 12, 4, 1, 12);
        x = b.ConvBn(x, 12, 32, 1, 1, 1, true);
        m.Node("GlobalAveragePool", [x], ["gap"]);
        // x.view(x.size(0), -1)
        m.Node("Shape", ["gap"], ["shape"]);
        m.Node("Gather", ["shape", m.Int64Scalar("idx0", 0)], ["batch"], ("axis", 0));
        m.Node("Unsqueeze", ["batch", m.Ints("axes0", 0)], ["batch1"]);
        m.Node("Concat", ["batch1", m.Ints("minus1", -1)], ["view_shape"], ("axis", 0));
        m.Node("Reshape", ["gap", "view_shape"], ["flat"]);
        m.Node("Gemm", ["flat", m.Weight("fc_w", [10, 32], -0.3f, 0.3f), m.Weight("fc_b", [10])], ["logits"], ("transB", 1));

        byte[] bytes = m.ToBytes();
        var imported = OnnxImporter.Import(bytes);
        var data = SeededData.Uniform(seed, channels * size * size);
        var expected = OrtRunner.Run(bytes, [("input", new[] { 1, channels, size, size }, data)])[0];
        var actual = FloatRunner.Run(imported, [data])[0];
        Assert.True(FloatCompare.RelativeL2(actual, expected) <= 1e-5, $"relative L2 {FloatCompare.RelativeL2(actual, expected):E2}");

        var ops = imported.Graph.Operators.Select(o => o.Op).ToList();
        Assert.Equal(0, imported.Notes.Count(n => n.Kind == "batchnorm-as-mul-add"));
        Assert.Equal(11, imported.Notes.Count(n => n.Kind == "folded-batchnorm"));
        Assert.Equal(8, imported.Notes.Count(n => n.Kind == "fused-activation"));
        Assert.Contains(imported.Notes, n => n.Kind == "constant-folded" && n.OnnxNode.StartsWith("Gather", StringComparison.Ordinal));
        // The only layout op left is none: the [1,32,1,1] pooled tensor is already in ONNX order for the reshape.
        Assert.DoesNotContain(BuiltinOp.Transpose, ops);
        Assert.Equal(3, ops.Count(o => o == BuiltinOp.DepthwiseConv2D));
    }
}
