namespace EdgeConv.Quantizer.Onnx;

/// <summary>ONNX TensorProto.DataType numbers (the ones EdgeConv reads; others keep their number).</summary>
public enum OnnxDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>float32.</summary>
    Float = 1,
    /// <summary>uint8.</summary>
    UInt8 = 2,
    /// <summary>int8.</summary>
    Int8 = 3,
    /// <summary>uint16.</summary>
    UInt16 = 4,
    /// <summary>int16.</summary>
    Int16 = 5,
    /// <summary>int32.</summary>
    Int32 = 6,
    /// <summary>int64.</summary>
    Int64 = 7,
    /// <summary>string.</summary>
    String = 8,
    /// <summary>bool.</summary>
    Bool = 9,
    /// <summary>float16.</summary>
    Float16 = 10,
    /// <summary>float64.</summary>
    Double = 11,
}

/// <summary>AttributeProto.AttributeType numbers.</summary>
public enum OnnxAttributeType
{
    /// <summary>Not set (old models): inferred from the field present.</summary>
    Undefined = 0,
    /// <summary>f.</summary>
    Float = 1,
    /// <summary>i.</summary>
    Int = 2,
    /// <summary>s.</summary>
    String = 3,
    /// <summary>t.</summary>
    Tensor = 4,
    /// <summary>g (not decoded).</summary>
    Graph = 5,
    /// <summary>floats.</summary>
    Floats = 6,
    /// <summary>ints.</summary>
    Ints = 7,
    /// <summary>strings.</summary>
    Strings = 8,
}

/// <summary>
/// A decoded ONNX tensor: dims and its values widened to double (exact for float32 and for
/// every integer type up to 2^53, which covers weights, shapes and indices).
/// </summary>
public sealed class OnnxTensor
{
    /// <summary>Tensor name (may be empty for attribute values and test-data tensors).</summary>
    public required string Name { get; init; }

    /// <summary>Element type.</summary>
    public required OnnxDataType DataType { get; init; }

    /// <summary>Dimensions (empty for a scalar).</summary>
    public required long[] Dims { get; init; }

    /// <summary>Element values in row-major order.</summary>
    public required double[] Values { get; init; }

    /// <summary>Element count implied by <see cref="Dims"/>.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Dims)
                n *= d;
            return n;
        }
    }

    /// <summary>The values as float32.</summary>
    public float[] ToFloats() => Array.ConvertAll(Values, v => (float)v);
}

/// <summary>A decoded node attribute; only the field its type names is meaningful.</summary>
public sealed class OnnxAttributeValue
{
    /// <summary>Attribute name.</summary>
    public required string Name { get; init; }
    /// <summary>Declared (or inferred) type.</summary>
    public OnnxAttributeType Type { get; init; }
    /// <summary>f.</summary>
    public float Float { get; init; }
    /// <summary>i.</summary>
    public long Int { get; init; }
    /// <summary>s, as UTF-8 text.</summary>
    public string String { get; init; } = "";
    /// <summary>t.</summary>
    public OnnxTensor? Tensor { get; init; }
    /// <summary>floats.</summary>
    public float[] Floats { get; init; } = [];
    /// <summary>ints.</summary>
    public long[] Ints { get; init; } = [];
    /// <summary>strings.</summary>
    public string[] Strings { get; init; } = [];
}

/// <summary>A decoded NodeProto.</summary>
public sealed class OnnxNode
{
    /// <summary>Node name (may be empty).</summary>
    public required string Name { get; init; }
    /// <summary>Operator type, e.g. Conv.</summary>
    public required string OpType { get; init; }
    /// <summary>Operator domain ("" or "ai.onnx" for the standard set).</summary>
    public string Domain { get; init; } = "";
    /// <summary>Input value names; "" marks an omitted optional input.</summary>
    public required string[] Inputs { get; init; }
    /// <summary>Output value names.</summary>
    public required string[] Outputs { get; init; }
    /// <summary>Attributes by name.</summary>
    public required IReadOnlyDictionary<string, OnnxAttributeValue> Attributes { get; init; }

    /// <summary>"Conv 'conv1' (output 'y')" for messages.</summary>
    public string Describe() => $"{OpType} node '{(Name.Length > 0 ? Name : Outputs.FirstOrDefault() ?? "?")}'";
}

/// <summary>A graph input or output: name, element type and dims (-1 for a symbolic or missing dim).</summary>
public sealed class OnnxValueInfo
{
    /// <summary>Value name.</summary>
    public required string Name { get; init; }
    /// <summary>Element type, or Undefined when not declared.</summary>
    public OnnxDataType ElementType { get; init; }
    /// <summary>Dims; null when the shape is not declared; -1 for an unknown dim.</summary>
    public long[]? Dims { get; init; }
    /// <summary>Names of symbolic dims (null entries where the dim is a number).</summary>
    public string?[] DimParams { get; init; } = [];
}

/// <summary>A decoded GraphProto.</summary>
public sealed class OnnxGraph
{
    /// <summary>Graph name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Nodes in the order the file lists them (topologically sorted per the spec).</summary>
    public required OnnxNode[] Nodes { get; init; }
    /// <summary>Initializers (weights and constants).</summary>
    public required OnnxTensor[] Initializers { get; init; }
    /// <summary>Graph inputs (older exporters also list initializers here).</summary>
    public required OnnxValueInfo[] Inputs { get; init; }
    /// <summary>Graph outputs.</summary>
    public required OnnxValueInfo[] Outputs { get; init; }
}

/// <summary>A decoded ModelProto.</summary>
public sealed class OnnxModel
{
    /// <summary>IR version.</summary>
    public long IrVersion { get; init; }
    /// <summary>Producer name, e.g. pytorch or tf2onnx.</summary>
    public string ProducerName { get; init; } = "";
    /// <summary>Opset versions by domain ("" is the default ONNX domain).</summary>
    public required IReadOnlyDictionary<string, long> OpsetImports { get; init; }
    /// <summary>The main graph.</summary>
    public required OnnxGraph Graph { get; init; }

    /// <summary>The default-domain opset version (1 when the model does not say).</summary>
    public long DefaultOpset => OpsetImports.TryGetValue("", out long v) ? v
        : OpsetImports.TryGetValue("ai.onnx", out v) ? v : 1;
}
