namespace EdgeConv.Quantizer.Data;

/// <summary>One calibration or evaluation sample: the model input and, in a labelled folder, its class.</summary>
public sealed record Sample(string Path, float[] Input, int Label);

/// <summary>
/// Samples from a folder: images (optionally labelled, ImageFolder convention DIR/&lt;class&gt;/&lt;image&gt;,
/// classes in ordinal order of folder names), .npy arrays, or raw little-endian float32 files.
/// </summary>
public static class CalibrationSet
{
    /// <summary>Class names when <paramref name="directory"/> has one subfolder per class, else empty.</summary>
    public static IReadOnlyList<string> ClassNames(string directory) =>
        Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Loads up to <paramref name="limit"/> samples in a deterministic order (sorted paths,
    /// round-robin over classes so a small limit still sees every class).
    /// </summary>
    public static List<Sample> Load(string directory, Preprocessing preprocessing, int limit)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"calibration folder not found: {directory}");
        var classes = ClassNames(directory);
        var files = new List<(string Path, int Label)>();
        if (classes.Count > 0)
        {
            var perClass = classes.Select((c, i) => Files(Path.Combine(directory, c)).Select(f => (f, i)).ToList()).ToList();
            for (int k = 0; perClass.Any(l => k < l.Count); k++)
                foreach (var list in perClass)
                    if (k < list.Count)
                        files.Add(list[k]);
        }
        else
        {
            files.AddRange(Files(directory).Select(f => (f, -1)));
        }
        if (files.Count == 0)
            throw new InvalidDataException($"{directory} holds no .png/.jpg/.bmp/.npy/.raw samples.");
        return files.Take(limit).Select(f => new Sample(f.Path, LoadOne(f.Path, preprocessing), f.Label)).ToList();
    }

    private static IEnumerable<string> Files(string directory) =>
        Directory.GetFiles(directory).Where(f => ImageLoader.Extensions.Contains(Path.GetExtension(f))
            || Path.GetExtension(f) is ".npy" or ".raw").Order(StringComparer.Ordinal);

    private static float[] LoadOne(string path, Preprocessing p)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        float[] values = ext switch
        {
            ".npy" => NpyReader.Read(path).Values,
            ".raw" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray(),
            _ => ImageLoader.Load(path, p),
        };
        if (values.Length != p.Length)
            throw new InvalidDataException($"{path}: {values.Length} values, but the model input takes {p.Length}.");
        return values;
    }
}
