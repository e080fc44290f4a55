namespace EdgeConv.Quantizer.Import;

/// <summary>
/// The ONNX model uses something the importer cannot express as an EdgeConv graph (an op, an
/// attribute value, a dynamic shape); the message names the node and what was expected.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception with a message naming the node.</summary>
    public OnnxImportException(string message) : base(message) { }
}
