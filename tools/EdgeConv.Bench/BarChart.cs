using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeConv.Bench;

/// <summary>
/// A grouped bar chart of median latency (one group per model, one bar per engine) rendered to a
/// PNG with a built-in 5×7 pixel font, so the bench tool needs no imaging library.
/// </summary>
internal static class BarChart
{
    private static readonly Dictionary<string, uint> EngineColors = new()
    {
        ["edgeconv-int8"] = 0x2E86DE, ["ort-int8"] = 0xE67E22, ["ort-fp32"] = 0x95A5A6,
    };

    public static void Write(string path, IReadOnlyList<BenchRow> rows)
    {
        const int width = 1000, height = 520, left = 70, bottom = 440, top = 60;
        var img = new uint[width * height];
        Array.Fill(img, 0xFFFFFFu);
        var groups = rows.GroupBy(r => r.Model).ToList();
        var engines = rows.Select(r => r.Engine).Distinct().ToList();
        // Each group is scaled to its own slowest engine: bars compare engines within a model.
        int groupWidth = (width - left - 20) / Math.Max(1, groups.Count);
        int barWidth = Math.Max(4, (groupWidth - 20) / Math.Max(1, engines.Count));
        Text(img, width, 10, 10, "MEDIAN LATENCY PER MODEL, RELATIVE TO ITS SLOWEST ENGINE (LOWER IS FASTER)", 0x000000, 2);
        for (int e = 0; e < engines.Count; e++)
        {
            Rect(img, width, left + e * 220, 36, 14, 14, EngineColors.GetValueOrDefault(engines[e], 0x333333u));
            Text(img, width, left + e * 220 + 20, 38, engines[e], 0x000000, 2);
        }
        Rect(img, width, left, top, 2, bottom - top, 0x000000);
        Rect(img, width, left, bottom, width - left - 10, 2, 0x000000);
        for (int g = 0; g < groups.Count; g++)
        {
            var list = groups[g].ToList();
            double max = list.Max(r => r.MedianMs);
            for (int e = 0; e < engines.Count; e++)
            {
                var row = list.FirstOrDefault(r => r.Engine == engines[e]);
                if (row is null)
                    continue;
                int h = (int)((bottom - top - 20) * row.MedianMs / max);
                int x = left + 10 + g * groupWidth + e * barWidth;
                Rect(img, width, x, bottom - h, barWidth - 4, h, EngineColors.GetValueOrDefault(row.Engine, 0x333333u));
                Text(img, width, x, bottom - h - 10, row.MedianMs.ToString(row.MedianMs < 10 ? "F2" : "F0", System.Globalization.CultureInfo.InvariantCulture), 0x000000, 1);
            }
            Text(img, width, left + 10 + g * groupWidth, bottom + 10, groups[g].Key, 0x000000, 1);
        }
        File.WriteAllBytes(path, Png(img, width, height));
    }

    private static void Rect(uint[] img, int width, int x, int y, int w, int h, uint color)
    {
        int height = img.Length / width;
        for (int j = Math.Max(0, y); j < Math.Min(height, y + h); j++)
            for (int i = Math.Max(0, x); i < Math.Min(width, x + w); i++)
                img[j * width + i] = color;
    }

    private static void Text(uint[] img, int width, int x, int y, string s, uint color, int scale)
    {
        foreach (char ch in s.ToUpperInvariant())
        {
            if (Glyphs.TryGetValue(ch, out var rows))
                for (int r = 0; r < 7; r++)
                    for (int c = 0; c < 5; c++)
                        if ((rows[r] >> (4 - c) & 1) != 0)
                            Rect(img, width, x + c * scale, y + r * scale, scale, scale, color);
            x += 6 * scale;
        }
    }

    private static byte[] Png(uint[] img, int width, int height)
    {
        var raw = new byte[height * (1 + width * 3)];
        for (int y = 0; y < height; y++)
        {
            int o = y * (1 + width * 3);
            for (int x = 0; x < width; x++)
            {
                uint p = img[y * width + x];
                raw[o + 1 + 3 * x] = (byte)(p >> 16);
                raw[o + 2 + 3 * x] = (byte)(p >> 8);
                raw[o + 3 + 3 * x] = (byte)p;
            }
        }
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(ms, "IHDR", ihdr);
        using (var z = new MemoryStream())
        {
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
                zs.Write(raw);
            Chunk(ms, "IDAT", z.ToArray());
        }
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var crcInput = new byte[4 + data.Length];
        header.AsSpan(4).CopyTo(crcInput);
        data.CopyTo(crcInput, 4);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngCrc32.Compute(crcInput));
        s.Write(crc);
    }

    private static readonly Dictionary<char, byte[]> Glyphs = new()
    {
        ['0'] = [14, 17, 19, 21, 25, 17, 14], ['1'] = [4, 12, 4, 4, 4, 4, 14], ['2'] = [14, 17, 1, 2, 4, 8, 31],
        ['3'] = [30, 1, 1, 14, 1, 1, 30], ['4'] = [2, 6, 10, 18, 31, 2, 2], ['5'] = [31, 16, 30, 1, 1, 17, 14],
        ['6'] = [6, 8, 16, 30, 17, 17, 14], ['7'] = [31, 1, 2, 4, 8, 8, 8], ['8'] = [14, 17, 17, 14, 17, 17, 14],
        ['9'] = [14, 17, 17, 15, 1, 2, 12], ['A'] = [14, 17, 17, 31, 17, 17, 17], ['B'] = [30, 17, 17, 30, 17, 17, 30],
        ['C'] = [14, 17, 16, 16, 16, 17, 14], ['D'] = [30, 17, 17, 17, 17, 17, 30], ['E'] = [31, 16, 16, 30, 16, 16, 31],
        ['F'] = [31, 16, 16, 30, 16, 16, 16], ['G'] = [14, 17, 16, 23, 17, 17, 15], ['H'] = [17, 17, 17, 31, 17, 17, 17],
        ['I'] = [14, 4, 4, 4, 4, 4, 14], ['J'] = [7, 2, 2, 2, 2, 18, 12], ['K'] = [17, 18, 20, 24, 20, 18, 17],
        ['L'] = [16, 16, 16, 16, 16, 16, 31], ['M'] = [17, 27, 21, 21, 17, 17, 17], ['N'] = [17, 25, 21, 19, 17, 17, 17],
        ['O'] = [14, 17, 17, 17, 17, 17, 14], ['P'] = [30, 17, 17, 30, 16, 16, 16], ['Q'] = [14, 17, 17, 17, 21, 18, 13],
        ['R'] = [30, 17, 17, 30, 20, 18, 17], ['S'] = [15, 16, 16, 14, 1, 1, 30], ['T'] = [31, 4, 4, 4, 4, 4, 4],
        ['U'] = [17, 17, 17, 17, 17, 17, 14], ['V'] = [17, 17, 17, 17, 17, 10, 4], ['W'] = [17, 17, 17, 21, 21, 21, 10],
        ['X'] = [17, 17, 10, 4, 10, 17, 17], ['Y'] = [17, 17, 10, 4, 4, 4, 4], ['Z'] = [31, 1, 2, 4, 8, 16, 31],
        ['.'] = [0, 0, 0, 0, 0, 12, 12], ['_'] = [0, 0, 0, 0, 0, 0, 31], ['-'] = [0, 0, 0, 31, 0, 0, 0],
        [','] = [0, 0, 0, 0, 12, 4, 8], ['('] = [2, 4, 8, 8, 8, 4, 2], [')'] = [8, 4, 2, 2, 2, 4, 8], [' '] = [0, 0, 0, 0, 0, 0, 0],
    };
}
