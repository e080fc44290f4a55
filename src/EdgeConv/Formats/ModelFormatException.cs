namespace EdgeConv.Formats;

/// <summary>
/// A model file is malformed or uses something EdgeConv does not support. The message names
/// where (op index, tensor index and name, buffer) and what was expected.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping a lower-level cause.</summary>
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an empty exception (serialization convention).</summary>
    public ModelFormatException() { }
}
