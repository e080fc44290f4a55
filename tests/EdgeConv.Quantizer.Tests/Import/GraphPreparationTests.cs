using EdgeConv.Graph;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Tests.Support;

namespace EdgeConv.Quantizer.Tests.Import;

/// <summary>
/// Layout conversion, BatchNorm folding, activation fusion and pad folding on seeded random
/// graphs: the imported graph on EdgeConv's float engine equals ONNX Runtime, and the folds happen.
/// </summary>
public sealed class GraphPreparationTests
{
    private static ImportedModel Check(OnnxTestModel m, string input, int[] shape, int seed, ImportOptions? options = null)
    {
        byte[] bytes = m.ToBytes();
        var imported = OnnxImporter.Import(bytes, options);
        var data = SeededData.Uniform(seed, shape.Aggregate(1, (a, b) => a * b));
        var expected = OrtRunner.Run(bytes, [(input, shape, data)]);
        var actual = FloatRunner.Run(imported, [data]);
        Assert.Equal(expected.Length, actual.Length);
        for (int o = 0; o < expected.Length; o++)
        {
            string? diff = FloatCompare.AllClose(actual[o], expected[o], 1e-4, 1e-5);
            Assert.True(diff is null, $"output {o}: {diff}");
        }
        return imported;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Conv_BatchNorm_Relu_folds_into_one_CONV_2D(int seed)
    {
        var m = new OnnxTestModel(seed).Input("x", 1, 4, 9, 7).Output("y");
        m.Node("Conv", ["x", m.Weight("w", [6, 4, 3, 3]), m.Weight("b", [6])], ["c"], ("pads", new[] { 1, 1, 1, 1 }), ("strides", new[] { 2, 1 }));
        m.Node("BatchNormalization", ["c", m.Weight("s", [6], 0.5f, 2f), m.Weight("beta", [6]), m.Weight("mean", [6]), m.Weight("var", [6], 0.1f, 3f)], ["bn"], ("epsilon", 1e-3f));
        m.Node("Relu", ["bn"], ["y"]);
        var imported = Check(m, "x", [1, 4, 9, 7], seed);
        // One conv; the TRANSPOSE returns the NCHW output to ONNX order (outputs always are).
        Assert.Equal([BuiltinOp.Conv2D, BuiltinOp.Transpose], imported.Graph.Operators.Select(o => o.Op));
        var op = imported.Graph.Operators[0];
        Assert.Equal(global::EdgeConv.Quantization.FusedActivation.Relu, op.Options.Activation);
        Assert.Contains(imported.Notes, n => n.Kind == "folded-batchnorm");
        Assert.True(imported.Inputs[0].IsNhwcOfNchw);

        // Without folding, BN runs as MUL + ADD and still matches (a standalone RELU would need the runtime's RELU kernel).
        var plain = new OnnxTestModel(seed).Input("x", 1, 4, 9, 7).Output("bn");
        plain.Node("Conv", ["x", plain.Weight("w", [6, 4, 3, 3]), plain.Weight("b", [6])], ["c"], ("pads", new[] { 1, 1, 1, 1 }), ("strides", new[] { 2, 1 }));
        plain.Node("BatchNormalization", ["c", plain.Weight("s", [6], 0.5f, 2f), plain.Weight("beta", [6]), plain.Weight("mean", [6]), plain.Weight("var", [6], 0.1f, 3f)], ["bn"], ("epsilon", 1e-3f));
        var unfused = Check(plain, "x", [1, 4, 9, 7], seed, new ImportOptions { Fuse = false });
        Assert.Equal([BuiltinOp.Conv2D, BuiltinOp.Mul, BuiltinOp.Add, BuiltinOp.Transpose], unfused.Graph.Operators.Select(o => o.Op));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Depthwise_multiplier_grouped_conv_Clip6_and_zero_Pad_fold(int seed)
    {
        var m = new OnnxTestModel(seed).Input("x", 1, 4, 8, 8).Output("y");
        m.Node("Conv", ["x", m.Weight("dw", [8, 1, 3, 3]), m.Weight("db", [8])], ["d"], ("group", 4), ("strides", new[] { 2, 2 }), ("pads", new[] { 0, 0, 1, 1 }));
        m.Node("Clip", ["d", m.Constant("lo", [], [0f]), m.Constant("hi", [], [6f])], ["d6"]);
        m.Node("Pad", ["d6", m.Ints("pads", 0, 0, 1, 1, 0, 0, 1, 1)], ["p"]);
        m.Node("Conv", ["p", m.Weight("gw", [6, 4, 3, 3])], ["y"], ("group", 2));
        var imported = Check(m, "x", [1, 4, 8, 8], seed);
        Assert.Equal([BuiltinOp.DepthwiseConv2D, BuiltinOp.Conv2D, BuiltinOp.Transpose], imported.Graph.Operators.Select(o => o.Op));
        Assert.Equal(Padding.Same, imported.Graph.Operators[1].Options.Padding);
        Assert.Contains(imported.Notes, n => n.Kind == "folded-pad");
        Assert.Equal(global::EdgeConv.Quantization.FusedActivation.Relu6, imported.Graph.Operators[0].Options.Activation);
    }

    [Fact]
    public void Asymmetric_pads_that_are_not_SAME_become_a_PAD_op()
    {
        var m = new OnnxTestModel(6).Input("x", 1, 3, 6, 6).Output("y");
        m.Node("Conv", ["x", m.Weight("w", [2, 3, 3, 3])], ["y"], ("pads", new[] { 2, 0, 0, 1 }));
        var imported = Check(m, "x", [1, 3, 6, 6], 6);
        Assert.Equal([BuiltinOp.Pad, BuiltinOp.Conv2D, BuiltinOp.Transpose], imported.Graph.Operators.Select(o => o.Op));
        Assert.Equal(Padding.Valid, imported.Graph.Operators[1].Options.Padding);
    }

    [Fact]
    public void Flatten_of_an_NCHW_tensor_transposes_back_to_ONNX_order_first()
    {
        var m = new OnnxTestModel(7).Input("x", 1, 3, 5, 4).Output("y");
        m.Node("Conv", ["x", m.Weight("w", [6, 3, 1, 1]), m.Weight("b", [6])], ["c"]);
        m.Node("Flatten", ["c"], ["f"]);
        m.Node("Gemm", ["f", m.Weight("fc", [10, 120]), m.Weight("fb", [10])], ["g"], ("transB", 1));
        m.Node("Softmax", ["g"], ["y"]);
        var imported = Check(m, "x", [1, 3, 5, 4], 7);
        Assert.Contains(imported.Graph.Operators, o => o.Op == BuiltinOp.Transpose);
    }

    [Fact]
    public void Layout_only_transposes_around_an_NHWC_model_fold_away()
    {
        var m = new OnnxTestModel(8).Input("x", 1, 6, 5, 3).Output("y");
        m.Node("Transpose", ["x"], ["t"], ("perm", new[] { 0, 3, 1, 2 }));
        m.Node("Conv", ["t", m.Weight("w", [4, 3, 3, 3])], ["c"], ("pads", new[] { 1, 1, 1, 1 }));
        m.Node("MaxPool", ["c"], ["p"], ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }));
        m.Node("Transpose", ["p"], ["y"], ("perm", new[] { 0, 2, 3, 1 }));
        var imported = Check(m, "x", [1, 6, 5, 3], 8);
        Assert.DoesNotContain(imported.Graph.Operators, o => o.Op == BuiltinOp.Transpose);
        Assert.False(imported.Inputs[0].IsNhwcOfNchw);
    }

    [Fact]
    public void Standalone_BatchNorm_becomes_MUL_and_ADD_and_global_pool_a_MEAN()
    {
        var m = new OnnxTestModel(9).Input("x", 1, 5, 4, 4).Output("y");
        m.Node("Add", ["x", m.Weight("a", [5, 1, 1])], ["s"]);
        m.Node("BatchNormalization", ["s", m.Weight("sc", [5]), m.Weight("be", [5]), m.Weight("mu", [5]), m.Weight("va", [5], 0.5f, 2f)], ["bn"]);
        m.Node("GlobalAveragePool", ["bn"], ["y"]);
        var imported = Check(m, "x", [1, 5, 4, 4], 9);
        Assert.Equal([BuiltinOp.Add, BuiltinOp.Mul, BuiltinOp.Add, BuiltinOp.Mean, BuiltinOp.Transpose], imported.Graph.Operators.Select(o => o.Op));
    }
}
