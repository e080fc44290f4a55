using StbImageSharp;

namespace EdgeConv.Quantizer.Data;

/// <summary>Decodes PNG/JPEG/BMP (StbImageSharp) and applies a <see cref="Preprocessing"/>.</summary>
public static class ImageLoader
{
    /// <summary>File extensions treated as images.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".png", ".jpg", ".jpeg", ".bmp" };

    /// <summary>Loads one image as a float model input.</summary>
    public static float[] Load(string path, Preprocessing p)
    {
        ArgumentNullException.ThrowIfNull(p);
        ImageResult image;
        try
        {
            using var stream = File.OpenRead(path);
            image = ImageResult.FromStream(stream, p.Channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{path}: cannot decode the image ({e.Message}).", e);
        }
        return Convert(image.Data, image.Width, image.Height, p);
    }

    /// <summary>Resizes interleaved 8-bit pixels bilinearly (pixel centres aligned) and normalizes them.</summary>
    public static float[] Convert(byte[] pixels, int width, int height, Preprocessing p)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(p);
        int c = p.Channels;
        var result = new float[p.Length];
        double sx = (double)width / p.Width, sy = (double)height / p.Height;
        for (int y = 0; y < p.Height; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, height - 1);
            double wy = fy - y0;
            for (int x = 0; x < p.Width; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, width - 1);
                double wx = fx - x0;
                for (int k = 0; k < c; k++)
                {
                    double v00 = pixels[(y0 * width + x0) * c + k], v01 = pixels[(y0 * width + x1) * c + k];
                    double v10 = pixels[(y1 * width + x0) * c + k], v11 = pixels[(y1 * width + x1) * c + k];
                    double v = (v00 * (1 - wx) + v01 * wx) * (1 - wy) + (v10 * (1 - wx) + v11 * wx) * wy;
                    float normalized = (float)((v / 255.0 - p.Mean[k]) / p.Std[k]);
                    int index = p.ChannelsFirst ? (k * p.Height + y) * p.Width + x : (y * p.Width + x) * c + k;
                    result[index] = normalized;
                }
            }
        }
        return result;
    }
}
