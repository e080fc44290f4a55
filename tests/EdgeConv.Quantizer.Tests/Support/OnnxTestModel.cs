using Google.Protobuf;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>
/// A tiny ONNX writer for test graphs: nodes with int/ints/float attributes, float initializers,
/// float inputs and outputs, written field by field with <see cref="CodedOutputStream"/>.
/// </summary>
internal sealed class OnnxTestModel
{
    private readonly List<Action<CodedOutputStream>> _nodes = [];
    private readonly List<(string Name, int[] Dims, float[] Values)> _initializers = [];
    private readonly List<(string Name, long[] Values, bool Scalar)> _intInitializers = [];
    private readonly List<(string Name, int[] Dims)> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly Random _rng;

    public OnnxTestModel(int seed) => _rng = new Random(seed);

    public OnnxTestModel Input(string name, params int[] dims) { _inputs.Add((name, dims)); return this; }

    public OnnxTestModel Output(string name) { _outputs.Add(name); return this; }

    public string Weight(string name, int[] dims, float min = -1f, float max = 1f)
    {
        int n = dims.Aggregate(1, (a, b) => a * b);
        _initializers.Add((name, dims, Enumerable.Range(0, n).Select(_ => min + (float)_rng.NextDouble() * (max - min)).ToArray()));
        return name;
    }

    public string Constant(string name, int[] dims, float[] values) { _initializers.Add((name, dims, values)); return name; }

    /// <summary>A 1-D int64 initializer (pads, shapes, axes).</summary>
    public string Ints(string name, params long[] values) { _intInitializers.Add((name, values, false)); return name; }

    /// <summary>A 0-D int64 initializer (e.g. a Gather index).</summary>
    public string Int64Scalar(string name, long value) { _intInitializers.Add((name, [value], true)); return name; }

    public OnnxTestModel Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        _nodes.Add(s =>
        {
            foreach (string i in inputs) { s.WriteTag(1, WireFormat.WireType.LengthDelimited); s.WriteString(i); }
            foreach (string o in outputs) { s.WriteTag(2, WireFormat.WireType.LengthDelimited); s.WriteString(o); }
            s.WriteTag(3, WireFormat.WireType.LengthDelimited); s.WriteString(outputs[0] + "_node");
            s.WriteTag(4, WireFormat.WireType.LengthDelimited); s.WriteString(opType);
            foreach (var (name, value) in attributes)
                WriteMessage(s, 5, a =>
                {
                    a.WriteTag(1, WireFormat.WireType.LengthDelimited); a.WriteString(name);
                    switch (value)
                    {
                        case int i: a.WriteTag(20, WireFormat.WireType.Varint); a.WriteInt32(2); a.WriteTag(3, WireFormat.WireType.Varint); a.WriteInt64(i); break;
                        case float f: a.WriteTag(20, WireFormat.WireType.Varint); a.WriteInt32(1); a.WriteTag(2, WireFormat.WireType.Fixed32); a.WriteFloat(f); break;
                        case string str: a.WriteTag(20, WireFormat.WireType.Varint); a.WriteInt32(3); a.WriteTag(4, WireFormat.WireType.LengthDelimited); a.WriteBytes(ByteString.CopyFromUtf8(str)); break;
                        case int[] ints:
                            a.WriteTag(20, WireFormat.WireType.Varint); a.WriteInt32(7);
                            foreach (int v in ints) { a.WriteTag(8, WireFormat.WireType.Varint); a.WriteInt64(v); }
                            break;
                        default: throw new ArgumentException($"attribute {name}: {value.GetType()}");
                    }
                });
        });
        return this;
    }

    public byte[] ToBytes(int opset = 13)
    {
        return Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.Varint); m.WriteInt64(8);
            WriteMessage(m, 8, o => { o.WriteTag(2, WireFormat.WireType.Varint); o.WriteInt64(opset); });
            WriteMessage(m, 7, g =>
            {
                foreach (var node in _nodes) WriteMessage(g, 1, node);
                g.WriteTag(2, WireFormat.WireType.LengthDelimited); g.WriteString("test");
                foreach (var (name, dims, values) in _initializers)
                    WriteMessage(g, 5, t =>
                    {
                        foreach (int d in dims) { t.WriteTag(1, WireFormat.WireType.Varint); t.WriteInt64(d); }
                        t.WriteTag(2, WireFormat.WireType.Varint); t.WriteInt32(1);
                        t.WriteTag(8, WireFormat.WireType.LengthDelimited); t.WriteString(name);
                        var raw = new byte[values.Length * 4];
                        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
                        t.WriteTag(9, WireFormat.WireType.LengthDelimited); t.WriteBytes(ByteString.CopyFrom(raw));
                    });
                foreach (var (name, values, scalar) in _intInitializers)
                    WriteMessage(g, 5, t =>
                    {
                        if (!scalar) { t.WriteTag(1, WireFormat.WireType.Varint); t.WriteInt64(values.Length); }
                        t.WriteTag(2, WireFormat.WireType.Varint); t.WriteInt32(7);
                        t.WriteTag(8, WireFormat.WireType.LengthDelimited); t.WriteString(name);
                        foreach (long v in values) { t.WriteTag(7, WireFormat.WireType.Varint); t.WriteInt64(v); }
                    });
                foreach (var (name, dims) in _inputs) WriteMessage(g, 11, v => ValueInfo(v, name, dims));
                foreach (string name in _outputs) WriteMessage(g, 12, v => ValueInfo(v, name, null));
            });
        });
    }

    /// <summary>
    /// The model with extra graph outputs (intermediate values), for checking a prefix of a real
    /// model against ONNX Runtime: protobuf merges a repeated occurrence of the graph field, so
    /// appending <c>graph { output {...} }</c> adds outputs without re-encoding the model.
    /// </summary>
    public static byte[] WithExtraOutputs(byte[] model, params string[] names) =>
        [.. model, .. Message(m => WriteMessage(m, 7, g =>
        {
            foreach (string name in names)
                WriteMessage(g, 12, v => ValueInfo(v, name, null));
        }))];

    private static void ValueInfo(CodedOutputStream v, string name, int[]? dims)
    {
        v.WriteTag(1, WireFormat.WireType.LengthDelimited); v.WriteString(name);
        WriteMessage(v, 2, type => WriteMessage(type, 1, tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint); tensor.WriteInt32(1);
            if (dims is not null)
                WriteMessage(tensor, 2, shape =>
                {
                    foreach (int d in dims)
                        WriteMessage(shape, 1, dim => { dim.WriteTag(1, WireFormat.WireType.Varint); dim.WriteInt64(d); });
                });
        }));
    }

    private static void WriteMessage(CodedOutputStream s, int field, Action<CodedOutputStream> body)
    {
        s.WriteTag(field, WireFormat.WireType.LengthDelimited);
        s.WriteBytes(ByteString.CopyFrom(Message(body)));
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
