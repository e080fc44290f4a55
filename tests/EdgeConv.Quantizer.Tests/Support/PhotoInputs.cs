using EdgeConv.Quantizer.Data;
using StbImageSharp;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>A decoded RGB photo (interleaved 8-bit).</summary>
internal sealed record Photo(string Name, byte[] Rgb, int Width, int Height)
{
    public static Photo Load(string path)
    {
        using var stream = File.OpenRead(path);
        var image = ImageResult.FromStream(stream, ColorComponents.RedGreenBlue);
        return new Photo(Path.GetFileNameWithoutExtension(path), image.Data, image.Width, image.Height);
    }

    /// <summary>A gray BMP from ../shared replicated to RGB.</summary>
    public static Photo FromGray(string name, byte[] gray, int width, int height)
    {
        var rgb = new byte[gray.Length * 3];
        for (int i = 0; i < gray.Length; i++)
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i];
        return new Photo(name, rgb, width, height);
    }

    public Photo Mirrored()
    {
        var m = new byte[Rgb.Length];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                Rgb.AsSpan((y * Width + x) * 3, 3).CopyTo(m.AsSpan((y * Width + Width - 1 - x) * 3, 3));
        return new Photo(Name + "-mirrored", m, Width, Height);
    }

    /// <summary>The square (x, y, side) cut out, zero-padded (black) where it leaves the photo.</summary>
    public Photo Square(int x0, int y0, int side, string suffix)
    {
        var s = new byte[side * side * 3];
        for (int y = 0; y < side; y++)
        {
            int sy = y0 + y;
            if (sy < 0 || sy >= Height)
                continue;
            for (int x = 0; x < side; x++)
            {
                int sx = x0 + x;
                if (sx >= 0 && sx < Width)
                    Rgb.AsSpan((sy * Width + sx) * 3, 3).CopyTo(s.AsSpan((y * side + x) * 3, 3));
            }
        }
        return new Photo(Name + suffix, s, side, side);
    }

    /// <summary>The whole photo letterboxed into a centred square, as MediaPipe's image-to-tensor does.</summary>
    public Photo Letterboxed()
    {
        int side = Math.Max(Width, Height);
        return Square((Width - side) / 2, (Height - side) / 2, side, "-letterboxed");
    }

    /// <summary>
    /// Area-averaged down to size×size (photos are 15× larger than BlazeFace's input; a bilinear tap
    /// would alias), then ImageLoader's normalization: (v / 255 − mean) / std, NHWC, plus
    /// <paramref name="extraChannel"/> as a constant 4th channel when given.
    /// </summary>
    public float[] Tensor(int size, float mean, float std, float? extraChannel = null)
    {
        var small = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
        {
            int y0 = y * Height / size, y1 = Math.Max(y0 + 1, (y + 1) * Height / size);
            for (int x = 0; x < size; x++)
            {
                int x0 = x * Width / size, x1 = Math.Max(x0 + 1, (x + 1) * Width / size);
                for (int c = 0; c < 3; c++)
                {
                    long sum = 0;
                    for (int sy = y0; sy < y1; sy++)
                        for (int sx = x0; sx < x1; sx++)
                            sum += Rgb[(sy * Width + sx) * 3 + c];
                    small[(y * size + x) * 3 + c] = (byte)((sum + (y1 - y0) * (x1 - x0) / 2) / ((y1 - y0) * (x1 - x0)));
                }
            }
        }
        var rgb = ImageLoader.Convert(small, size, size, new Preprocessing(size, size, 3, [mean, mean, mean], [std, std, std], false));
        if (extraChannel is not { } extra)
            return rgb;
        var rgba = new float[size * size * 4];
        for (int i = 0; i < size * size; i++)
        {
            rgb.AsSpan(i * 3, 3).CopyTo(rgba.AsSpan(i * 4, 3));
            rgba[i * 4 + 3] = extra;
        }
        return rgba;
    }
}

/// <summary>The real photos the quantizer tests calibrate and measure on.</summary>
internal static class RealPhotos
{
    /// <summary>face-api's demo/sample1..6.jpg, or null with a reason when the package cannot be had.</summary>
    public static List<Photo>? FaceApiSamples(out string reason)
    {
        var photos = new List<Photo>();
        reason = "";
        for (int i = 1; i <= 6; i++)
        {
            string? path = Models.NpmModels.Get(Models.NpmModels.FaceApiPackage, Models.NpmModels.FaceApiSample(i), out reason);
            if (path is null)
                return null;
            photos.Add(Photo.Load(path));
        }
        return photos;
    }

    /// <summary>../shared/testdata's person.bmp and no_person.bmp (gray camera frames), when present.</summary>
    public static IEnumerable<Photo> SharedFrames()
    {
        foreach (string name in new[] { "person.bmp", "no_person.bmp" })
            if (SharedImages.Locate(name) is { } path)
            {
                var (gray, w, h) = SharedImages.ReadGray8Bmp(path);
                yield return Photo.FromGray(Path.GetFileNameWithoutExtension(name), gray, w, h);
            }
    }
}
