using System.Text;
using Google.Protobuf;

namespace EdgeConv.Quantizer.Onnx;

/// <summary>
/// Decodes ModelProto, GraphProto, NodeProto, AttributeProto and ValueInfoProto from their wire
/// format, keeping only the fields the importer needs. Field numbers follow onnx.proto.
/// </summary>
public static class OnnxModelReader
{
    /// <summary>Reads an .onnx file.</summary>
    public static OnnxModel ReadFile(string path) => Read(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Decodes a serialized ModelProto; <paramref name="name"/> names it in errors.</summary>
    public static OnnxModel Read(ReadOnlySpan<byte> bytes, string name = "model")
    {
        long ir = 0;
        string producer = "";
        var opsets = new Dictionary<string, long>();
        OnnxGraph? graph = null;
        string what = $"{name}: ModelProto";
        ProtoFields.ForEachField(bytes, what, (s, field, w) =>
        {
            switch (field)
            {
                case 1: ir = ProtoFields.Varint(s, w, what, field); break;
                case 2: producer = ProtoFields.String(s, w, what, field); break;
                case 7: graph = ReadGraph(ProtoFields.Bytes(s, w, what, field), name); break;
                case 8:
                    var (domain, version) = ReadOpset(ProtoFields.Bytes(s, w, what, field), what);
                    opsets[domain] = version;
                    break;
                default: s.SkipLastField(); break;
            }
        });
        if (graph is null)
            throw new OnnxFormatException($"{what} has no graph (field 7); is this an ONNX model?");
        return new OnnxModel { IrVersion = ir, ProducerName = producer, OpsetImports = opsets, Graph = graph };
    }

    private static (string Domain, long Version) ReadOpset(byte[] bytes, string what)
    {
        string domain = "";
        long version = 0;
        ProtoFields.ForEachField(bytes, $"{what} opset_import", (s, field, w) =>
        {
            switch (field)
            {
                case 1: domain = ProtoFields.String(s, w, what, field); break;
                case 2: version = ProtoFields.Varint(s, w, what, field); break;
                default: s.SkipLastField(); break;
            }
        });
        return (domain, version);
    }

    private static OnnxGraph ReadGraph(byte[] bytes, string model)
    {
        var nodes = new List<OnnxNode>();
        var inits = new List<OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        string graphName = "";
        string what = $"{model}: GraphProto";
        ProtoFields.ForEachField(bytes, what, (s, field, w) =>
        {
            switch (field)
            {
                case 1: nodes.Add(ReadNode(ProtoFields.Bytes(s, w, what, field), $"{what} node {nodes.Count}")); break;
                case 2: graphName = ProtoFields.String(s, w, what, field); break;
                case 5: inits.Add(OnnxTensorDecoder.Decode(ProtoFields.Bytes(s, w, what, field), $"initializer {inits.Count}")); break;
                case 11: inputs.Add(ReadValueInfo(ProtoFields.Bytes(s, w, what, field), $"{what} input {inputs.Count}")); break;
                case 12: outputs.Add(ReadValueInfo(ProtoFields.Bytes(s, w, what, field), $"{what} output {outputs.Count}")); break;
                case 15: throw new OnnxFormatException($"{what}: sparse initializers are not supported.");
                default: s.SkipLastField(); break;
            }
        });
        return new OnnxGraph { Name = graphName, Nodes = [.. nodes], Initializers = [.. inits], Inputs = [.. inputs], Outputs = [.. outputs] };
    }

    private static OnnxNode ReadNode(byte[] bytes, string what)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttributeValue>();
        string name = "", opType = "", domain = "";
        ProtoFields.ForEachField(bytes, what, (s, field, w) =>
        {
            switch (field)
            {
                case 1: inputs.Add(ProtoFields.String(s, w, what, field)); break;
                case 2: outputs.Add(ProtoFields.String(s, w, what, field)); break;
                case 3: name = ProtoFields.String(s, w, what, field); break;
                case 4: opType = ProtoFields.String(s, w, what, field); break;
                case 5:
                    var a = ReadAttribute(ProtoFields.Bytes(s, w, what, field), what);
                    attributes[a.Name] = a;
                    break;
                case 7: domain = ProtoFields.String(s, w, what, field); break;
                default: s.SkipLastField(); break;
            }
        });
        if (opType.Length == 0)
            throw new OnnxFormatException($"{what} ('{name}') has no op_type.");
        return new OnnxNode { Name = name, OpType = opType, Domain = domain, Inputs = [.. inputs], Outputs = [.. outputs], Attributes = attributes };
    }

    private static OnnxAttributeValue ReadAttribute(byte[] bytes, string node)
    {
        string name = "", str = "";
        int type = 0;
        float f = 0;
        long i = 0;
        OnnxTensor? t = null;
        var floats = new List<double>();
        var ints = new List<long>();
        var strings = new List<string>();
        var seen = OnnxAttributeType.Undefined;
        string what = $"{node} attribute";
        ProtoFields.ForEachField(bytes, what, (s, field, w) =>
        {
            switch (field)
            {
                case 1: name = ProtoFields.String(s, w, what, field); break;
                case 20: type = (int)ProtoFields.Varint(s, w, what, field); break;
                case 2: ProtoFields.Expect(w, WireFormat.WireType.Fixed32, what, field); f = s.ReadFloat(); seen = OnnxAttributeType.Float; break;
                case 3: i = ProtoFields.Varint(s, w, what, field); seen = OnnxAttributeType.Int; break;
                case 4: str = Encoding.UTF8.GetString(ProtoFields.Bytes(s, w, what, field)); seen = OnnxAttributeType.String; break;
                case 5: t = OnnxTensorDecoder.Decode(ProtoFields.Bytes(s, w, what, field), $"{what} '{name}'"); seen = OnnxAttributeType.Tensor; break;
                case 6: s.SkipLastField(); seen = OnnxAttributeType.Graph; break;
                case 7: ProtoFields.Floats(s, w, floats, what, field); seen = OnnxAttributeType.Floats; break;
                case 8: ProtoFields.Varints(s, w, ints, what, field); seen = OnnxAttributeType.Ints; break;
                case 9: strings.Add(Encoding.UTF8.GetString(ProtoFields.Bytes(s, w, what, field))); seen = OnnxAttributeType.Strings; break;
                default: s.SkipLastField(); break;
            }
        });
        return new OnnxAttributeValue
        {
            Name = name,
            Type = type != 0 ? (OnnxAttributeType)type : seen,
            Float = f,
            Int = i,
            String = str,
            Tensor = t,
            Floats = floats.ConvertAll(v => (float)v).ToArray(),
            Ints = [.. ints],
            Strings = [.. strings],
        };
    }

    private static OnnxValueInfo ReadValueInfo(byte[] bytes, string what)
    {
        string name = "";
        int elem = 0;
        List<long>? dims = null;
        var dimParams = new List<string?>();
        ProtoFields.ForEachField(bytes, what, (s, field, w) =>
        {
            switch (field)
            {
                case 1: name = ProtoFields.String(s, w, what, field); break;
                case 2:
                    // TypeProto.tensor_type (1) → Tensor.elem_type (1), Tensor.shape (2) → dim (1).
                    ProtoFields.ForEachField(ProtoFields.Bytes(s, w, what, field), what, (s2, f2, w2) =>
                    {
                        if (f2 != 1) { s2.SkipLastField(); return; }
                        ProtoFields.ForEachField(ProtoFields.Bytes(s2, w2, what, f2), what, (s3, f3, w3) =>
                        {
                            if (f3 == 1) elem = (int)ProtoFields.Varint(s3, w3, what, f3);
                            else if (f3 == 2)
                            {
                                dims = [];
                                ProtoFields.ForEachField(ProtoFields.Bytes(s3, w3, what, f3), what, (s4, f4, w4) =>
                                {
                                    if (f4 != 1) { s4.SkipLastField(); return; }
                                    var (value, param) = ReadDim(ProtoFields.Bytes(s4, w4, what, f4), what);
                                    dims.Add(value);
                                    dimParams.Add(param);
                                });
                            }
                            else s3.SkipLastField();
                        });
                    });
                    break;
                default: s.SkipLastField(); break;
            }
        });
        return new OnnxValueInfo { Name = name, ElementType = (OnnxDataType)elem, Dims = dims?.ToArray(), DimParams = [.. dimParams] };
    }

    private static (long Value, string? Param) ReadDim(byte[] bytes, string what)
    {
        long value = -1;
        string? param = null;
        ProtoFields.ForEachField(bytes, what, (s, field, w) =>
        {
            switch (field)
            {
                case 1: value = ProtoFields.Varint(s, w, what, field); break;
                case 2: param = ProtoFields.String(s, w, what, field); break;
                default: s.SkipLastField(); break;
            }
        });
        return (value, param);
    }
}
