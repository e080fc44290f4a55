namespace EdgeConv.Quantizer.Data;

/// <summary>
/// How an image becomes a model input: resized to <see cref="Width"/>×<see cref="Height"/>,
/// reduced to <see cref="Channels"/>, scaled to [0, 1], then (x − mean) / std per channel, laid
/// out NHWC or NCHW.
/// </summary>
public sealed record Preprocessing(int Width, int Height, int Channels, float[] Mean, float[] Std, bool ChannelsFirst)
{
    /// <summary>Values per sample.</summary>
    public int Length => Width * Height * Channels;

    /// <summary>Checks the settings and broadcasts one mean/std value to every channel.</summary>
    public Preprocessing Normalized()
    {
        if (Width <= 0 || Height <= 0)
            throw new ArgumentException($"image size {Width}x{Height} must be positive.");
        if (Channels is not (1 or 3))
            throw new ArgumentException($"channels must be 1 or 3, not {Channels}.");
        float[] Expand(float[] v, string what) => v.Length == Channels ? v
            : v.Length == 1 ? Enumerable.Repeat(v[0], Channels).ToArray()
            : throw new ArgumentException($"{what} has {v.Length} values for {Channels} channels.");
        var std = Expand(Std, "--std");
        if (std.Any(s => s == 0))
            throw new ArgumentException("--std values must be non-zero.");
        return this with { Mean = Expand(Mean, "--mean"), Std = std };
    }
}
