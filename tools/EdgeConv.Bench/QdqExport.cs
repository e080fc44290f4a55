using EdgeConv.Graph;
using EdgeConv.Quantizer.Export;

namespace EdgeConv.Bench;

/// <summary>
/// Writes the QDQ ONNX twin of an int8 graph so ONNX Runtime runs the same int8 network. Activations
/// go out as uint8 (zero point + 128, the same real values): that is the form ORT's x86 int8 kernels
/// fuse under default session options (U8S8), as its own quantize_static writes for x86.
/// </summary>
internal static class QdqExport
{
    public static string? TryWrite(ModelGraph int8Graph, string path, TextWriter log)
    {
        try
        {
            File.WriteAllBytes(path, QdqOnnxWriter.Write(int8Graph, QdqActivations.UInt8));
            return path;
        }
        catch (QdqExportException e)
        {
            log.WriteLine($"no QDQ ONNX for ORT int8: {e.Message}");
            return null;
        }
    }
}
