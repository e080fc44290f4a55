using EdgeConv.Quantizer.Data;
using EdgeConv.Quantizer.Import;

namespace EdgeConv.Quantizer.Cli;

/// <summary>Preprocessing defaults read from the imported model's input, overridable from the command line.</summary>
internal static class ModelInputs
{
    public static Preprocessing Resolve(ImportedModel model, CliOptions o)
    {
        if (model.Inputs.Count != 1)
            throw new CliException($"the model has {model.Inputs.Count} inputs; image calibration supports exactly one.");
        var shape = model.Inputs[0].Shape;
        if (shape.Length != 4 || shape[0] != 1)
            throw new CliException($"input '{model.Inputs[0].Name}' has shape [{string.Join(',', shape)}]; image inputs must be [1,H,W,C] or [1,C,H,W].");
        // The imported graph feeds images as NHWC unless it kept an NCHW input (channels of 1, 3 or 4 tell which).
        bool channelsLast = shape[3] is 1 or 3 or 4 || shape[1] is not (1 or 3 or 4);
        int h = channelsLast ? shape[1] : shape[2], w = channelsLast ? shape[2] : shape[3], c = channelsLast ? shape[3] : shape[1];
        if (c is not (1 or 3))
            throw new CliException($"input '{model.Inputs[0].Name}' has {c} channels; images give 1 or 3 (feed .npy or .raw samples instead).");
        if (o.Value("--size") is { } size)
        {
            var parts = size.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int sw) || !int.TryParse(parts[1], out int sh))
                throw new CliException($"--size expects W,H, got '{size}'.", 2);
            if (sw != w || sh != h)
                throw new CliException($"--size {sw},{sh} does not match the model input {w}x{h}.", 2);
        }
        int channels = o.Int("--channels", c, 1);
        if (channels != c)
            throw new CliException($"--channels {channels} does not match the model input's {c} channels.", 2);
        try
        {
            return new Preprocessing(w, h, c, o.Floats("--mean") ?? [0f], o.Floats("--std") ?? [1f], !channelsLast).Normalized();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, 2);
        }
    }
}
