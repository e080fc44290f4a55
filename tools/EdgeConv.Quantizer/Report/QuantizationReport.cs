using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EdgeConv.Graph;
using EdgeConv.Quantizer.Data;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Report;

/// <summary>Signal-to-quantization-noise of one activation, int8 against float.</summary>
public sealed record LayerError(string Tensor, string Op, double SqnrDb, double MaxAbsError);

/// <summary>Range and per-channel scale spread of one layer's weights.</summary>
public sealed record WeightStats(string Tensor, string Op, float Min, float Max, int Channels, double ScaleSpread);

/// <summary>What quantization cost, layer by layer and at the output.</summary>
public sealed class QuantizationReport
{
    /// <summary>Per-layer SQNR, worst first.</summary>
    public required IReadOnlyList<LayerError> Layers { get; init; }
    /// <summary>Weight statistics per conv/FC layer, widest scale spread first.</summary>
    public required IReadOnlyList<WeightStats> Weights { get; init; }
    /// <summary>Largest absolute output difference over all samples.</summary>
    public required double OutputMaxAbsError { get; init; }
    /// <summary>Cosine similarity of int8 and float outputs over all samples (flattened).</summary>
    public required double OutputCosine { get; init; }
    /// <summary>Worst per-sample output cosine.</summary>
    public required double WorstSampleCosine { get; init; }
    /// <summary>Samples evaluated.</summary>
    public required int Samples { get; init; }
    /// <summary>Float top-1 accuracy (labelled samples only), else null.</summary>
    public double? Top1Float { get; init; }
    /// <summary>Int8 top-1 accuracy, else null.</summary>
    public double? Top1Int8 { get; init; }
    /// <summary>Fraction of samples where float and int8 top-1 agree (null for a single-value output).</summary>
    public double? Agreement { get; init; }

    /// <summary>Runs both models over the samples and measures the differences.</summary>
    public static QuantizationReport Measure(Model floatModel, Model int8Model, IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(int8Model);
        ArgumentNullException.ThrowIfNull(samples);
        var f = new Interpreter(floatModel);
        var q = new Interpreter(int8Model);
        var floatTensors = new Capture(floatModel.Graph);
        var int8Tensors = new Capture(int8Model.Graph);
        var signal = new Dictionary<string, double>();
        var noise = new Dictionary<string, double>();
        var maxAbs = new Dictionary<string, double>();
        double dot = 0, nf = 0, nq = 0, outMax = 0, worstCos = 1;
        int labelled = 0, correctF = 0, correctQ = 0, agree = 0;
        foreach (var sample in samples)
        {
            sample.Input.CopyTo(f.Input<float>(0));
            floatTensors.Clear();
            floatTensors.Record(f, f.Model.Graph.Inputs[0]);
            f.Invoke(floatTensors);
            FillInput(q, sample.Input);
            int8Tensors.Clear();
            int8Tensors.Record(q, q.Model.Graph.Inputs[0]);
            q.Invoke(int8Tensors);

            foreach (var (name, fv) in floatTensors.Values)
            {
                if (!int8Tensors.Values.TryGetValue(name, out var qv) || qv.Length != fv.Length)
                    continue;
                double s = 0, n = 0, m = 0;
                for (int i = 0; i < fv.Length; i++)
                {
                    double d = qv[i] - fv[i];
                    s += fv[i] * (double)fv[i];
                    n += d * d;
                    m = Math.Max(m, Math.Abs(d));
                }
                signal[name] = signal.GetValueOrDefault(name) + s;
                noise[name] = noise.GetValueOrDefault(name) + n;
                maxAbs[name] = Math.Max(maxAbs.GetValueOrDefault(name), m);
            }

            var fo = Dequantized(f, 0);
            var qo = Dequantized(q, 0);
            double sd = 0, sf = 0, sq = 0;
            for (int i = 0; i < fo.Length; i++)
            {
                sd += fo[i] * (double)qo[i];
                sf += fo[i] * (double)fo[i];
                sq += qo[i] * (double)qo[i];
                outMax = Math.Max(outMax, Math.Abs(fo[i] - qo[i]));
            }
            dot += sd; nf += sf; nq += sq;
            worstCos = Math.Min(worstCos, Cosine(sd, sf, sq));
            if (fo.Length > 1)
            {
                int tf = ArgMax(fo), tq = ArgMax(qo);
                if (tf == tq) agree++;
                if (sample.Label >= 0)
                {
                    labelled++;
                    if (tf == sample.Label) correctF++;
                    if (tq == sample.Label) correctQ++;
                }
            }
        }

        var opOf = OpNames(floatModel.Graph);
        var layers = signal.Keys
            .Select(k => new LayerError(k, opOf.GetValueOrDefault(k, "input"), Sqnr(signal[k], noise[k]), maxAbs[k]))
            .OrderBy(l => l.SqnrDb).ToList();
        return new QuantizationReport
        {
            Layers = layers,
            Weights = WeightStatistics(floatModel.Graph, int8Model.Graph),
            OutputMaxAbsError = outMax,
            OutputCosine = Cosine(dot, nf, nq),
            WorstSampleCosine = worstCos,
            Samples = samples.Count,
            Top1Float = labelled > 0 ? (double)correctF / labelled : null,
            Top1Int8 = labelled > 0 ? (double)correctQ / labelled : null,
            Agreement = samples.Count > 0 && floatModel.Outputs[0].ByteLength > 4 ? (double)agree / samples.Count : null,
        };
    }

    /// <summary>Quantizes (or copies) a float sample into input 0 of an interpreter.</summary>
    public static void FillInput(Interpreter interpreter, float[] input)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        ArgumentNullException.ThrowIfNull(input);
        var d = interpreter.InputDetails(0);
        if (d.Type == ElementType.Float32)
        {
            input.CopyTo(interpreter.Input<float>(0));
            return;
        }
        var q = interpreter.Input<sbyte>(0);
        for (int i = 0; i < input.Length; i++)
            q[i] = (sbyte)QuantParams.Quantize(input[i], d.Scale, d.ZeroPoint, -128, 127);
    }

    private static float[] Dequantized(Interpreter it, int output)
    {
        var d = it.OutputDetails(output);
        if (d.Type == ElementType.Float32)
            return it.Output<float>(output).ToArray();
        var q = it.Output<sbyte>(output);
        var r = new float[q.Length];
        for (int i = 0; i < r.Length; i++)
            r[i] = d.Dequantize(q[i]);
        return r;
    }

    private static int ArgMax(float[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
            if (v[i] > v[best]) best = i;
        return best;
    }

    private static double Cosine(double dot, double a, double b) => a == 0 && b == 0 ? 1 : dot / Math.Sqrt(a * b);

    private static double Sqnr(double signal, double noise) =>
        noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(Math.Max(signal, 1e-30) / noise);

    private static Dictionary<string, string> OpNames(ModelGraph g)
    {
        var r = new Dictionary<string, string>();
        foreach (var op in g.Operators)
            foreach (int t in op.Outputs)
                r[g.Tensors[t].Name] = $"{op.Index}:{BuiltinOpNames.Name(op.Op)}";
        return r;
    }

    private static List<WeightStats> WeightStatistics(ModelGraph floatGraph, ModelGraph int8Graph)
    {
        var floatConstants = floatGraph.Tensors.Where(t => t.IsConstant && t.Type == ElementType.Float32).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());
        var result = new List<WeightStats>();
        foreach (var op in int8Graph.Operators)
        {
            if (op.Op is not (BuiltinOp.Conv2D or BuiltinOp.DepthwiseConv2D or BuiltinOp.FullyConnected) || op.Inputs.Length < 2)
                continue;
            var w = int8Graph.Tensors[op.Inputs[1]];
            if (w.Quantization is not { } q || !floatConstants.TryGetValue(w.Name, out var fw))
                continue;
            var values = MemoryMarshal.Cast<byte, float>(floatGraph.ConstantBytes(fw));
            float min = float.MaxValue, max = float.MinValue;
            foreach (float v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
            double spread = q.Scales.Max() / Math.Max(q.Scales.Min(), 1e-30f);
            result.Add(new WeightStats(w.Name, $"{op.Index}:{BuiltinOpNames.Name(op.Op)}", min, max, q.Scales.Length, spread));
        }
        return result.OrderByDescending(x => x.ScaleSpread).ToList();
    }

    /// <summary>Markdown with the worst layers first.</summary>
    public string ToMarkdown(string title)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Quantization report: {title}");
        sb.AppendLine();
        sb.AppendLine(inv, $"- samples: {Samples}");
        sb.AppendLine(inv, $"- output cosine similarity (all samples): {OutputCosine:F5}; worst sample: {WorstSampleCosine:F5}");
        sb.AppendLine(inv, $"- output max abs error: {OutputMaxAbsError:G5}");
        if (Top1Float is { } tf && Top1Int8 is { } tq)
            sb.AppendLine(inv, $"- top-1: float {tf:P2}, int8 {tq:P2} ({(tq - tf) * 100:+0.00;-0.00} points)");
        if (Agreement is { } a)
            sb.AppendLine(inv, $"- top-1 agreement int8 vs float: {a:P2}");
        sb.AppendLine();
        sb.AppendLine("## Activations, worst SQNR first");
        sb.AppendLine();
        sb.AppendLine("| tensor | produced by | SQNR (dB) | max abs error |");
        sb.AppendLine("|---|---|---:|---:|");
        foreach (var l in Layers)
            sb.AppendLine(inv, $"| {l.Tensor} | {l.Op} | {l.SqnrDb:F2} | {l.MaxAbsError:G4} |");
        sb.AppendLine();
        sb.AppendLine("## Weights, widest per-channel scale spread first");
        sb.AppendLine();
        sb.AppendLine("| weights | op | min | max | channels | scale spread (max/min) |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var w in Weights)
            sb.AppendLine(inv, $"| {w.Tensor} | {w.Op} | {w.Min:G4} | {w.Max:G4} | {w.Channels} | {w.ScaleSpread:F1} |");
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>JSON with snake_case keys (top1_float, top1_int8, agreement as fractions in [0, 1]).</summary>
    public string ToJson()
    {
        var o = new Dictionary<string, object?>
        {
            ["samples"] = Samples,
            ["output_cosine"] = OutputCosine,
            ["worst_sample_cosine"] = WorstSampleCosine,
            ["output_max_abs_error"] = OutputMaxAbsError,
            ["top1_float"] = Top1Float,
            ["top1_int8"] = Top1Int8,
            ["agreement"] = Agreement,
            ["worst_layer"] = Layers.Count > 0 ? Layers[0].Tensor : null,
            ["worst_layer_sqnr_db"] = Layers.Count > 0 && double.IsFinite(Layers[0].SqnrDb) ? Layers[0].SqnrDb : null,
            ["layers"] = Layers.Select(l => new Dictionary<string, object?>
            {
                ["tensor"] = l.Tensor, ["op"] = l.Op, ["sqnr_db"] = double.IsFinite(l.SqnrDb) ? l.SqnrDb : null, ["max_abs_error"] = l.MaxAbsError,
            }).ToList(),
            ["weights"] = Weights.Select(w => new Dictionary<string, object?>
            {
                ["tensor"] = w.Tensor, ["op"] = w.Op, ["min"] = w.Min, ["max"] = w.Max, ["channels"] = w.Channels, ["scale_spread"] = w.ScaleSpread,
            }).ToList(),
        };
        return JsonSerializer.Serialize(o, Indented);
    }

    /// <summary>Records every computed tensor as float values, keyed by tensor name.</summary>
    private sealed class Capture(ModelGraph graph) : IOpObserver
    {
        public Dictionary<string, float[]> Values { get; } = [];

        public void Clear() => Values.Clear();

        public void OnOpCompleted(Interpreter interpreter, int opIndex)
        {
            foreach (int t in graph.Operators[opIndex].Outputs)
                Record(interpreter, t);
        }

        public void Record(Interpreter interpreter, int t)
        {
            var info = graph.Tensors[t];
            var bytes = interpreter.TensorBytes(t);
            if (info.Type == ElementType.Float32)
                Values[info.Name] = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            else if (info.Type == ElementType.Int8 && info.Quantization is { } q)
            {
                var r = new float[bytes.Length];
                for (int i = 0; i < r.Length; i++)
                    r[i] = q.Scale * (unchecked((sbyte)bytes[i]) - q.ZeroPoint);
                Values[info.Name] = r;
            }
        }
    }
}
