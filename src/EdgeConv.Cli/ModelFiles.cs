using EdgeConv.Formats;
using EdgeConv.Runtime;

namespace EdgeConv.Cli;

internal static class ModelFiles
{
    public static Model Load(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"model file not found: {path}");
        try
        {
            return Model.Load(path);
        }
        catch (ModelFormatException e)
        {
            throw new CliException($"cannot load model: {e.Message}");
        }
    }
}
