namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>Sample frames from ../shared/testdata (8-bit grayscale BMPs), located like the CLI does.</summary>
internal static class SharedImages
{
    public static string? Locate(string file)
    {
        string? env = Environment.GetEnvironmentVariable("EDGECONV_SHARED");
        var roots = new List<string>();
        if (!string.IsNullOrEmpty(env))
            roots.Add(env);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                roots.Add(Path.Combine(dir.FullName, "shared"));
        return roots.Select(r => Path.Combine(r, "testdata", file)).FirstOrDefault(File.Exists);
    }

    /// <summary>An uncompressed 8-bit palettized BMP as luminance rows, top row first.</summary>
    public static (byte[] Pixels, int Width, int Height) ReadGray8Bmp(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b[0] != 'B' || b[1] != 'M' || BitConverter.ToInt16(b, 28) != 8 || BitConverter.ToInt32(b, 30) != 0)
            throw new InvalidDataException($"{path} is not an uncompressed 8-bit BMP.");
        int offset = BitConverter.ToInt32(b, 10), width = BitConverter.ToInt32(b, 18), height = BitConverter.ToInt32(b, 22);
        int headerSize = BitConverter.ToInt32(b, 14);
        var palette = b.AsSpan(14 + headerSize, 256 * 4);
        int stride = (width + 3) & ~3;
        bool bottomUp = height > 0;
        height = Math.Abs(height);
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            int row = bottomUp ? height - 1 - y : y;
            for (int x = 0; x < width; x++)
            {
                int index = b[offset + row * stride + x];
                pixels[y * width + x] = palette[index * 4 + 1]; // gray palette: B = G = R
            }
        }
        return (pixels, width, height);
    }
}
