using Google.Protobuf;

namespace EdgeConv.Quantizer.Onnx;

/// <summary>A node attribute to write (AttributeProto): the value field its type names is set.</summary>
public sealed record OnnxAttr
{
    /// <summary>Attribute name.</summary>
    public required string Name { get; init; }
    /// <summary>AttributeProto.type.</summary>
    public required OnnxAttributeType Type { get; init; }
    /// <summary>i.</summary>
    public long Int { get; init; }
    /// <summary>f.</summary>
    public float Float { get; init; }
    /// <summary>s (UTF-8).</summary>
    public string String { get; init; } = "";
    /// <summary>ints.</summary>
    public long[] Ints { get; init; } = [];

    /// <summary>An int attribute.</summary>
    public static OnnxAttr Of(string name, long value) => new() { Name = name, Type = OnnxAttributeType.Int, Int = value };
    /// <summary>A float attribute.</summary>
    public static OnnxAttr Of(string name, float value) => new() { Name = name, Type = OnnxAttributeType.Float, Float = value };
    /// <summary>A string attribute.</summary>
    public static OnnxAttr Of(string name, string value) => new() { Name = name, Type = OnnxAttributeType.String, String = value };
    /// <summary>An ints attribute.</summary>
    public static OnnxAttr Of(string name, params long[] values) => new() { Name = name, Type = OnnxAttributeType.Ints, Ints = values };
}

/// <summary>
/// Writes an ONNX ModelProto field by field with <see cref="CodedOutputStream"/> (no generated
/// code): one graph of nodes, raw-data initializers and typed, shaped inputs and outputs. Field
/// numbers are the ones <see cref="OnnxModelReader"/> reads.
/// </summary>
public sealed class OnnxModelWriter
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);

    /// <summary>GraphProto.name.</summary>
    public string GraphName { get; set; } = "graph";

    /// <summary>ModelProto.producer_name.</summary>
    public string Producer { get; set; } = "edgeconv-quantize";

    /// <summary>ModelProto.ir_version (8 pairs with opsets up to 18).</summary>
    public long IrVersion { get; set; } = 8;

    /// <summary>Imports an opset (domain "" is the default ONNX domain); the highest version asked wins.</summary>
    public void Opset(string domain, long version) =>
        _opsets[domain] = Math.Max(version, _opsets.GetValueOrDefault(domain));

    /// <summary>Appends a node (nodes must be added in topological order).</summary>
    public void Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string name, params OnnxAttr[] attributes)
    {
        _nodes.Add(Message(s =>
        {
            foreach (string i in inputs)
                String(s, 1, i);
            foreach (string o in outputs)
                String(s, 2, o);
            String(s, 3, name);
            String(s, 4, opType);
            foreach (var a in attributes)
                Nested(s, 5, Attribute(a));
        }));
    }

    /// <summary>Adds an initializer whose little-endian element bytes are <paramref name="raw"/>.</summary>
    public void Initializer(string name, OnnxDataType type, IReadOnlyList<long> dims, ReadOnlySpan<byte> raw)
    {
        byte[] data = raw.ToArray();
        _initializers.Add(Message(s =>
        {
            foreach (long d in dims)
                Varint(s, 1, d);
            Varint(s, 2, (long)type);
            String(s, 8, name);
            s.WriteTag(9, WireFormat.WireType.LengthDelimited);
            s.WriteBytes(ByteString.CopyFrom(data));
        }));
    }

    /// <summary>Declares a graph input.</summary>
    public void Input(string name, OnnxDataType type, IReadOnlyList<long>? dims) => _inputs.Add(ValueInfo(name, type, dims));

    /// <summary>Declares a graph output.</summary>
    public void Output(string name, OnnxDataType type, IReadOnlyList<long>? dims) => _outputs.Add(ValueInfo(name, type, dims));

    /// <summary>The serialized ModelProto.</summary>
    public byte[] ToBytes()
    {
        byte[] graph = Message(g =>
        {
            foreach (var n in _nodes)
                Nested(g, 1, n);
            String(g, 2, GraphName);
            foreach (var t in _initializers)
                Nested(g, 5, t);
            foreach (var i in _inputs)
                Nested(g, 11, i);
            foreach (var o in _outputs)
                Nested(g, 12, o);
        });
        return Message(m =>
        {
            Varint(m, 1, IrVersion);
            String(m, 2, Producer);
            Nested(m, 7, graph);
            foreach (var (domain, version) in _opsets)
                Nested(m, 8, Message(o =>
                {
                    if (domain.Length > 0)
                        String(o, 1, domain);
                    Varint(o, 2, version);
                }));
        });
    }

    private static byte[] Attribute(OnnxAttr a) => Message(s =>
    {
        String(s, 1, a.Name);
        switch (a.Type)
        {
            case OnnxAttributeType.Float:
                s.WriteTag(2, WireFormat.WireType.Fixed32);
                s.WriteFloat(a.Float);
                break;
            case OnnxAttributeType.Int:
                Varint(s, 3, a.Int);
                break;
            case OnnxAttributeType.String:
                s.WriteTag(4, WireFormat.WireType.LengthDelimited);
                s.WriteBytes(ByteString.CopyFromUtf8(a.String));
                break;
            case OnnxAttributeType.Ints:
                foreach (long v in a.Ints)
                    Varint(s, 8, v);
                break;
            default:
                throw new ArgumentException($"attribute {a.Name}: type {a.Type} is not written.", nameof(a));
        }
        Varint(s, 20, (long)a.Type);
    });

    /// <summary>ValueInfoProto { name, type { tensor_type { elem_type, shape { dim { dim_value } } } } }.</summary>
    private static byte[] ValueInfo(string name, OnnxDataType type, IReadOnlyList<long>? dims) => Message(v =>
    {
        String(v, 1, name);
        Nested(v, 2, Message(t => Nested(t, 1, Message(tensor =>
        {
            Varint(tensor, 1, (long)type);
            if (dims is not null)
                Nested(tensor, 2, Message(shape =>
                {
                    foreach (long d in dims)
                        Nested(shape, 1, Message(dim => Varint(dim, 1, d)));
                }));
        }))));
    });

    private static void Varint(CodedOutputStream s, int field, long value)
    {
        s.WriteTag(field, WireFormat.WireType.Varint);
        s.WriteInt64(value);
    }

    private static void String(CodedOutputStream s, int field, string value)
    {
        s.WriteTag(field, WireFormat.WireType.LengthDelimited);
        s.WriteString(value);
    }

    private static void Nested(CodedOutputStream s, int field, byte[] message)
    {
        s.WriteTag(field, WireFormat.WireType.LengthDelimited);
        s.WriteBytes(ByteString.CopyFrom(message));
    }

    private static byte[] Message(Action<CodedOutputStream> body)
    {
        using var ms = new MemoryStream();
        using (var s = new CodedOutputStream(ms, leaveOpen: true))
        {
            body(s);
            s.Flush();
        }
        return ms.ToArray();
    }
}
