using System.Globalization;
using EdgeConv.Formats;
using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Data;
using EdgeConv.Quantizer.Export;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Onnx;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Quantizer.Report;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Cli;

/// <summary>`edgeconv-quantize quantize | compare | import`.</summary>
public static class QuantizerCommandLine
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage:
          edgeconv-quantize quantize MODEL.onnx --calibration DIR -o OUT.tflite [--qdq OUT.onnx [--qdq-uint8]] [--report REPORT.md]
              [--samples N] [--method minmax|moving-minmax|percentile|entropy|mse] [--percentile P]
              [--per-tensor] [--bias-correction] [--equalize] [--exclude TENSOR]... [--float-input] [--float-output]
              [--size W,H] [--channels 1|3] [--mean a[,b,c]] [--std a[,b,c]]
          edgeconv-quantize compare --float MODEL.onnx --int8 MODEL.tflite --images DIR [--json OUT.json]
              [--report REPORT.md] [--samples N] [--size W,H] [--channels 1|3] [--mean ...] [--std ...]
          edgeconv-quantize import MODEL.onnx      print the imported float graph
        """;

    private static readonly HashSet<string> PreprocessingOptions = ["--size", "--channels", "--mean", "--std", "--samples"];

    /// <summary>Runs a command; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "quantize" => Quantize(rest, stdout, stderr),
                "compare" => Compare(rest, stdout),
                "import" => Import(rest, stdout),
                _ => throw new CliException($"unknown command '{args[0]}'. Run 'edgeconv-quantize --help'.", 2),
            };
        }
        catch (CliException e)
        {
            stderr.WriteLine($"edgeconv-quantize: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is OnnxFormatException or OnnxImportException or ModelFormatException or QuantizationException or QdqExportException
                                   or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"edgeconv-quantize: {e.Message}");
            return 1;
        }
    }

    private static ImportedModel LoadOnnx(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"model file not found: {path}");
        return OnnxImporter.Import(path);
    }

    private static int Quantize(List<string> args, TextWriter stdout, TextWriter stderr)
    {
        var o = new CliOptions(args,
            new HashSet<string>(PreprocessingOptions) { "--calibration", "-o", "--output", "--qdq", "--report", "--method", "--percentile", "--exclude" },
            new HashSet<string> { "--per-tensor", "--bias-correction", "--equalize", "--float-input", "--float-output", "--qdq-uint8" });
        if (o.Positional.Count != 1)
            throw new CliException("usage: edgeconv-quantize quantize MODEL.onnx --calibration DIR -o OUT.tflite", 2);
        string output = o.Value("-o") ?? o.Value("--output") ?? throw new CliException("missing -o OUT.tflite.", 2);
        string calibrationDir = o.Required("--calibration", "DIR (a folder of images, .npy or .raw samples)");
        if (o.Flag("--qdq-uint8") && o.Value("--qdq") is null)
            throw new CliException("--qdq-uint8 needs --qdq OUT.onnx.", 2);
        var imported = LoadOnnx(o.Positional[0]);
        var preprocessing = ModelInputs.Resolve(imported, o);
        var options = new QuantizationOptions
        {
            Method = ParseMethod(o.Value("--method") ?? "minmax"),
            Percentile = o.Value("--percentile") is { } p ? double.Parse(p, CultureInfo.InvariantCulture) : 99.99,
            PerTensorWeights = o.Flag("--per-tensor"),
            BiasCorrection = o.Flag("--bias-correction"),
            FloatInputs = o.Flag("--float-input"),
            FloatOutputs = o.Flag("--float-output"),
            ExcludedOutputs = o.Values("--exclude").ToHashSet(StringComparer.Ordinal),
        };
        var floatGraph = imported.Graph;
        if (o.Flag("--equalize"))
        {
            (floatGraph, int pairs) = CrossLayerEqualization.Apply(floatGraph);
            stdout.WriteLine($"cross-layer equalization: {pairs} layer pairs");
        }
        var floatModel = Model.FromGraph(floatGraph);
        var unknown = options.ExcludedOutputs.Where(n => !imported.Graph.Tensors.Any(t => t.Name == n)).ToList();
        if (unknown.Count > 0)
            throw new CliException($"--exclude names no tensor of the model: {string.Join(", ", unknown)}.", 2);

        var samples = CalibrationSet.Load(calibrationDir, preprocessing, o.Int("--samples", 100, 1));
        stdout.WriteLine($"calibrating on {samples.Count} samples from {calibrationDir} ({options.Method})");
        var bar = new ProgressBar(stderr, "calibration");
        var stats = Calibrator.Run(floatModel, samples.Select(s => new[] { s.Input }).ToList(), options.NeedsHistograms, bar.Report);
        var int8Graph = GraphQuantizer.Quantize(floatGraph, stats, options);
        byte[] tflite = TfLiteModelWriter.Write(int8Graph);
        var int8Model = Model.Load(tflite, Path.GetFileName(output)); // proves the file loads before writing it
        File.WriteAllBytes(output, tflite);
        stdout.WriteLine($"wrote {output}: {int8Graph.Operators.Length} ops, {tflite.Length:N0} bytes, arena {int8Model.ArenaBytes:N0} bytes");
        if (o.Value("--qdq") is { } qdqPath)
        {
            var activations = o.Flag("--qdq-uint8") ? QdqActivations.UInt8 : QdqActivations.Int8;
            byte[] qdq = QdqOnnxWriter.Write(int8Graph, activations);
            File.WriteAllBytes(qdqPath, qdq);
            stdout.WriteLine($"wrote {qdqPath}: QDQ ONNX ({(activations == QdqActivations.UInt8 ? "uint8" : "int8")} activations), {qdq.Length:N0} bytes");
        }

        var report = QuantizationReport.Measure(floatModel, int8Model, samples);
        PrintSummary(report, stdout);
        if (o.Value("--report") is { } reportPath)
            WriteReport(report, reportPath, $"{Path.GetFileName(o.Positional[0])} -> {Path.GetFileName(output)} ({options.Method}{(options.PerTensorWeights ? ", per-tensor" : "")}{(options.BiasCorrection ? ", bias correction" : "")})", stdout);
        return 0;
    }

    private static int Compare(List<string> args, TextWriter stdout)
    {
        var o = new CliOptions(args, new HashSet<string>(PreprocessingOptions) { "--float", "--int8", "--images", "--json", "--report" }, new HashSet<string>());
        if (o.Positional.Count != 0)
            throw new CliException($"unexpected argument '{o.Positional[0]}'.", 2);
        var imported = LoadOnnx(o.Required("--float", "MODEL.onnx"));
        string int8Path = o.Required("--int8", "MODEL.tflite");
        if (!File.Exists(int8Path))
            throw new CliException($"model file not found: {int8Path}");
        var int8Model = Model.Load(int8Path);
        var floatModel = Model.FromGraph(imported.Graph);
        var preprocessing = ModelInputs.Resolve(imported, o);
        CheckCompatible(floatModel, int8Model);
        var samples = CalibrationSet.Load(o.Required("--images", "DIR"), preprocessing, o.Int("--samples", int.MaxValue, 1));
        var report = QuantizationReport.Measure(floatModel, int8Model, samples);
        PrintSummary(report, stdout);
        if (o.Value("--json") is { } json)
        {
            File.WriteAllText(json, report.ToJson());
            stdout.WriteLine($"wrote {json}");
        }
        if (o.Value("--report") is { } md)
            WriteReport(report, md, $"{Path.GetFileName(o.Value("--float"))} vs {Path.GetFileName(int8Path)}", stdout);
        return 0;
    }

    private static int Import(List<string> args, TextWriter stdout)
    {
        var o = new CliOptions(args, new HashSet<string>(), new HashSet<string>());
        if (o.Positional.Count != 1)
            throw new CliException("usage: edgeconv-quantize import MODEL.onnx", 2);
        var imported = LoadOnnx(o.Positional[0]);
        foreach (var i in imported.Inputs)
            stdout.WriteLine($"input  {i.Name} onnx [{string.Join(',', i.OnnxShape)}] model [{string.Join(',', i.Shape)}]{(i.IsNhwcOfNchw ? " (NHWC)" : "")}");
        foreach (var output in imported.Outputs)
            stdout.WriteLine($"output {output.Name} [{string.Join(',', output.Shape)}]");
        var g = imported.Graph;
        foreach (var op in g.Operators)
            stdout.WriteLine($"{op.Index,4} {BuiltinOpNames.Name(op.Op),-24} -> {g.Tensors[op.Outputs[0]].Describe()}  [{imported.OpOnnxNodes[op.Index]}]");
        foreach (var note in imported.Notes)
            stdout.WriteLine($"note {note.Kind}: {note.OnnxNode}: {note.Detail}");
        return 0;
    }

    private static void CheckCompatible(Model floatModel, Model int8Model)
    {
        var a = floatModel.Inputs[0];
        var b = int8Model.Inputs[0];
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new CliException($"the int8 model's input [{string.Join(',', b.Shape)}] differs from the float model's [{string.Join(',', a.Shape)}].");
        if (floatModel.Outputs[0].ByteLength / 4 != int8Model.Outputs[0].ByteLength / ElementTypeInfo.SizeOf(int8Model.Outputs[0].Type))
            throw new CliException("the two models' first outputs differ in size.");
    }

    private static RangeMethod ParseMethod(string name) => name.ToLowerInvariant() switch
    {
        "minmax" or "min-max" => RangeMethod.MinMax,
        "moving-minmax" or "moving-average" => RangeMethod.MovingAverageMinMax,
        "percentile" => RangeMethod.Percentile,
        "entropy" or "kl" => RangeMethod.Entropy,
        "mse" => RangeMethod.Mse,
        _ => throw new CliException($"--method '{name}' is not one of minmax, moving-minmax, percentile, entropy, mse.", 2),
    };

    private static void PrintSummary(QuantizationReport r, TextWriter stdout)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"output_cosine: {r.OutputCosine:F6}"));
        stdout.WriteLine(string.Create(inv, $"output_max_abs_error: {r.OutputMaxAbsError:G6}"));
        if (r.Layers.Count > 0)
            stdout.WriteLine(string.Create(inv, $"worst_layer: {r.Layers[0].Tensor} ({r.Layers[0].SqnrDb:F2} dB)"));
        if (r.Top1Float is { } tf && r.Top1Int8 is { } tq)
            stdout.WriteLine(string.Create(inv, $"top1_float: {tf:F4}\ntop1_int8: {tq:F4}"));
        if (r.Agreement is { } a)
            stdout.WriteLine(string.Create(inv, $"agreement: {a:F4}"));
    }

    private static void WriteReport(QuantizationReport report, string path, string title, TextWriter stdout)
    {
        File.WriteAllText(path, report.ToMarkdown(title));
        string json = Path.ChangeExtension(path, ".json");
        File.WriteAllText(json, report.ToJson());
        stdout.WriteLine($"wrote {path} and {json}");
    }
}
