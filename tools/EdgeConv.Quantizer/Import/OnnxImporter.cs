using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// Imports a float ONNX model (opsets 9-17) as an EdgeConv float32 NHWC graph: NCHW activations
/// become NHWC, weights are transposed once, BatchNormalization, Relu/Clip and zero Pads fold into
/// convolutions, layout-only Transposes disappear and shape arithmetic is constant-folded.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Imports an .onnx file.</summary>
    /// <exception cref="OnnxFormatException">The file is not well-formed ONNX.</exception>
    /// <exception cref="OnnxImportException">The model uses something EdgeConv cannot express; the message names the node.</exception>
    public static ImportedModel Import(string path, ImportOptions? options = null) =>
        Import(OnnxModelReader.ReadFile(path), Path.GetFileName(path), options);

    /// <summary>Imports a serialized ONNX model.</summary>
    /// <exception cref="OnnxFormatException">The bytes are not well-formed ONNX.</exception>
    /// <exception cref="OnnxImportException">The model uses something EdgeConv cannot express; the message names the node.</exception>
    public static ImportedModel Import(byte[] bytes, ImportOptions? options = null, string name = "model") =>
        Import(OnnxModelReader.Read(bytes, name), name, options);

    /// <summary>Imports an already decoded ONNX model.</summary>
    public static ImportedModel Import(OnnxModel model, string name, ImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return new ImportSession(model, options ?? new ImportOptions()).Run(name);
        }
        catch (OnnxImportException e) when (!e.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            throw new OnnxImportException($"{name}: {e.Message}");
        }
    }
}
