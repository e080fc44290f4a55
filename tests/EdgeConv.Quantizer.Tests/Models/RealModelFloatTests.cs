using EdgeConv.Graph;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Tests.Support;

namespace EdgeConv.Quantizer.Tests.Models;

/// <summary>BlazeFace and M-LSD tiny: imported graph on EdgeConv's float engine vs ONNX Runtime, within 1e-4 relative L2.</summary>
public sealed class RealModelFloatTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void BlazeFace_front_matches_OnnxRuntime()
    {
        string path = NpmModels.Get(NpmModels.BlazeFacePackage, NpmModels.BlazeFaceFront, out string reason) ?? Skip(reason);
        var imported = OnnxImporter.Import(path);
        Assert.Single(imported.Inputs);
        Assert.False(imported.Inputs[0].IsNhwcOfNchw); // the model's own NHWC->NCHW transpose folds away
        Assert.DoesNotContain(imported.Graph.Operators, o => o.Op == BuiltinOp.Transpose);
        Assert.Equal(11, imported.Notes.Count(n => n.Kind == "concat-zeros-as-pad"));
        Assert.Equal(17, imported.Notes.Count(n => n.Kind == "fused-activation"));
        CompareWithOrt(path, imported, seeds: [1, 2, 3], min: -1f, max: 1f);
    }

    [Fact]
    public void BlazeFace_front_matches_OnnxRuntime_on_a_camera_frame()
    {
        string path = NpmModels.Get(NpmModels.BlazeFacePackage, NpmModels.BlazeFaceFront, out string reason) ?? Skip(reason);
        string image = SharedImages.Locate("person.bmp") ?? Skip("../shared/testdata/person.bmp is absent (set EDGECONV_SHARED).");
        var (gray, w, h) = SharedImages.ReadGray8Bmp(image);
        // Nearest-neighbour to 128x128, gray replicated to RGB, scaled to [-1, 1] as BlazeFace expects; NHWC.
        var data = new float[128 * 128 * 3];
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                float v = gray[(y * h / 128) * w + x * w / 128] / 127.5f - 1f;
                for (int c = 0; c < 3; c++)
                    data[(y * 128 + x) * 3 + c] = v;
            }
        var imported = OnnxImporter.Import(path);
        var input = imported.Inputs[0];
        var expected = OrtRunner.Run(File.ReadAllBytes(path), [(input.Name, input.OnnxShape, data)]);
        var actual = FloatRunner.Run(imported, [data]);
        for (int o = 0; o < expected.Length; o++)
        {
            double rel = FloatCompare.RelativeL2(actual[o], expected[o]);
            output.WriteLine($"person.bmp output {imported.Outputs[o].Name}: relative L2 {rel:E2}");
            Assert.True(rel <= Tolerance, $"output {imported.Outputs[o].Name}: relative L2 {rel:E3} > {Tolerance:E0}");
        }
    }

    [Fact]
    public void Mlsd_tiny_matches_OnnxRuntime()
    {
        string path = NpmModels.Get(NpmModels.MlsdPackage, NpmModels.MlsdTiny320, out string reason) ?? Skip(reason);
        var imported = OnnxImporter.Import(path);
        Assert.Equal(3, imported.Notes.Count(n => n.Kind == "folded-pad"));
        Assert.Equal(30, imported.Notes.Count(n => n.Kind == "fused-activation"));
        // Bilinear upsampling in the decoder, channel SLICEs for the outputs, EQUAL + CAST in the score NMS.
        foreach (var op in new[] { BuiltinOp.ResizeBilinear, BuiltinOp.Slice, BuiltinOp.Equal, BuiltinOp.Cast })
            Assert.Contains(imported.Graph.Operators, o => o.Op == op);
        // scores = sigmoid(x) * (maxpool3x3(sigmoid(x)) == sigmoid(x)): the mask is a discontinuous
        // function of the heat map, so a near-tie that rounds differently in the last float bit flips
        // a pixel between kept and zeroed. Compare the heat map itself at 1e-4, the offsets at 1e-4,
        // and allow score pixels to differ only where one engine kept and the other zeroed a value
        // both computed alike.
        const string heat = "WireFrameModel_with_alpha/Decoder/Sigmoid_4:0";
        string[] outputs = [heat, "scores", "offsets"];
        var withHeat = OnnxImporter.Import(path, new ImportOptions { Outputs = outputs });
        byte[] bytes = Support.OnnxTestModel.WithExtraOutputs(File.ReadAllBytes(path), [heat]);
        var input = withHeat.Inputs[0];
        foreach (int seed in new[] { 1, 2 })
        {
            var data = SeededData.Uniform(seed, (int)input.OnnxShape.Aggregate(1L, (a, b) => a * b), 0f, 255f);
            var expected = OrtRunner.RunNamed(bytes, [(input.Name, input.OnnxShape, data)]);
            var actual = FloatRunner.Run(withHeat, [data]);
            foreach (int o in new[] { 0, 2 })
            {
                double rel = FloatCompare.RelativeL2(actual[o], expected[outputs[o]]);
                output.WriteLine($"seed {seed} {outputs[o]}: relative L2 {rel:E2}");
                Assert.True(rel <= Tolerance, $"seed {seed} {outputs[o]}: relative L2 {rel:E3} > {Tolerance:E0}");
            }
            float[] ourHeat = actual[0], ortHeat = expected[heat], ours = actual[1], theirs = expected["scores"];
            int flipped = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                if (Math.Abs(ours[i] - theirs[i]) <= 1e-5f)
                    continue;
                flipped++;
                Assert.True(Math.Abs(ourHeat[i] - ortHeat[i]) <= 1e-5f && (ours[i] == 0f || theirs[i] == 0f),
                    $"seed {seed} score pixel {i}: {ours[i]} vs {theirs[i]} is not a kept/zeroed flip (heat {ourHeat[i]} vs {ortHeat[i]}).");
            }
            output.WriteLine($"seed {seed} scores: {flipped} of {ours.Length} pixels flipped by near-ties in the 3x3 NMS");
            Assert.True(flipped <= ours.Length / 1000, $"seed {seed}: {flipped} score pixels differ.");
        }
    }

    [Fact]
    public void Mlsd_tiny_backbone_matches_OnnxRuntime()
    {
        // Everything up to the first bilinear Resize runs on today's runtime: the MobileNetV2
        // backbone with its Pad+Conv pairs folded to SAME and Clip(0,6) fused as RELU6.
        string path = NpmModels.Get(NpmModels.MlsdPackage, NpmModels.MlsdTiny320, out string reason) ?? Skip(reason);
        string[] cut = ["WireFrameModel_with_alpha/block_9_add/add:0", "WireFrameModel_with_alpha/block_5_add/add:0"];
        var imported = OnnxImporter.Import(path, new ImportOptions { Outputs = cut });
        Assert.Equal(3, imported.Notes.Count(n => n.Kind == "folded-pad"));
        byte[] bytes = Support.OnnxTestModel.WithExtraOutputs(File.ReadAllBytes(path), cut);
        var input = imported.Inputs[0];
        foreach (int seed in new[] { 1, 2 })
        {
            var data = SeededData.Uniform(seed, (int)input.OnnxShape.Aggregate(1L, (a, b) => a * b), 0f, 255f);
            var all = OrtRunner.RunNamed(bytes, [(input.Name, input.OnnxShape, data)]);
            var actual = FloatRunner.Run(imported, [data]);
            for (int o = 0; o < cut.Length; o++)
            {
                double rel = FloatCompare.RelativeL2(actual[o], all[cut[o]]);
                output.WriteLine($"seed {seed} {cut[o]}: relative L2 {rel:E2}");
                Assert.True(rel <= Tolerance, $"seed {seed} {cut[o]}: relative L2 {rel:E3} > {Tolerance:E0}");
            }
        }
    }

    private void CompareWithOrt(string path, ImportedModel imported, int[] seeds, float min, float max)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var input = imported.Inputs[0];
        foreach (int seed in seeds)
        {
            var data = SeededData.Uniform(seed, (int)input.OnnxShape.Aggregate(1L, (a, b) => a * b), min, max);
            var expected = OrtRunner.Run(bytes, [(input.Name, input.OnnxShape, data)]);
            var actual = FloatRunner.Run(imported, [data]);
            for (int o = 0; o < expected.Length; o++)
            {
                double rel = FloatCompare.RelativeL2(actual[o], expected[o]);
                output.WriteLine($"seed {seed} output {imported.Outputs[o].Name}: relative L2 {rel:E2}");
                Assert.True(rel <= Tolerance, $"seed {seed} output {imported.Outputs[o].Name}: relative L2 {rel:E3} > {Tolerance:E0}");
            }
        }
    }

    private static string Skip(string reason)
    {
        Assert.Skip(reason);
        return "";
    }
}
