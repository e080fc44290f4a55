namespace EdgeConv.Quantizer.Onnx;

/// <summary>The bytes are not a well-formed ONNX model (or tensor); the message names the message, field, node or tensor.</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception with a message naming what is malformed.</summary>
    public OnnxFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the protobuf reader's error.</summary>
    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }
}
