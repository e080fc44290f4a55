using Google.Protobuf;

namespace EdgeConv.Quantizer.Onnx;

/// <summary>Decodes a TensorProto (raw_data or the typed repeated fields) into an <see cref="OnnxTensor"/>.</summary>
public static class OnnxTensorDecoder
{
    // TensorProto field numbers (onnx.proto).
    private const int Dims = 1, DataTypeField = 2, FloatData = 4, Int32Data = 5, StringData = 6, Int64Data = 7,
        NameField = 8, RawData = 9, DoubleData = 10, Uint64Data = 11, ExternalData = 13, DataLocation = 14;

    /// <summary>Reads a serialized TensorProto file (e.g. ONNX test data input_0.pb).</summary>
    public static OnnxTensor ReadFile(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Decodes one TensorProto; <paramref name="context"/> names it in errors.</summary>
    public static OnnxTensor Decode(ReadOnlySpan<byte> bytes, string context)
    {
        var dims = new List<long>();
        var numbers = new List<double>();
        var ints = new List<long>();
        byte[]? raw = null;
        int dataType = 0;
        string name = "";
        bool external = false;
        ProtoFields.ForEachField(bytes, $"tensor {context}", (s, field, w) =>
        {
            string what = $"tensor '{(name.Length > 0 ? name : context)}'";
            switch (field)
            {
                case Dims: ProtoFields.Varints(s, w, dims, what, field); break;
                case DataTypeField: dataType = (int)ProtoFields.Varint(s, w, what, field); break;
                case FloatData: ProtoFields.Floats(s, w, numbers, what, field); break;
                case Int32Data or Int64Data or Uint64Data: ProtoFields.Varints(s, w, ints, what, field); break;
                case DoubleData: ProtoFields.Doubles(s, w, numbers, what, field); break;
                case NameField: name = ProtoFields.String(s, w, what, field); break;
                case RawData: raw = ProtoFields.Bytes(s, w, what, field); break;
                case ExternalData: external = true; s.SkipLastField(); break;
                case DataLocation: external |= ProtoFields.Varint(s, w, what, field) == 1; break;
                case StringData: throw new OnnxFormatException($"{what}: string tensors are not supported.");
                default: s.SkipLastField(); break;
            }
        });
        string label = name.Length > 0 ? name : context;
        if (external)
            throw new OnnxFormatException($"tensor '{label}': external data files are not supported; save the model with its weights inside.");
        var type = (OnnxDataType)dataType;
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0)
                throw new OnnxFormatException($"tensor '{label}': negative dim {d}.");
            count *= d;
        }
        if (count > int.MaxValue)
            throw new OnnxFormatException($"tensor '{label}': {count} elements is too many.");
        double[] values = raw is not null ? FromRaw(raw, type, (int)count, label)
            : FromTyped(type, numbers, ints, (int)count, label);
        return new OnnxTensor { Name = name, DataType = type, Dims = [.. dims], Values = values };
    }

    private static double[] FromRaw(byte[] raw, OnnxDataType type, int count, string label)
    {
        int size = type switch
        {
            OnnxDataType.Float or OnnxDataType.Int32 => 4,
            OnnxDataType.Int64 or OnnxDataType.Double => 8,
            OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Bool => 1,
            OnnxDataType.Int16 or OnnxDataType.UInt16 or OnnxDataType.Float16 => 2,
            _ => throw new OnnxFormatException($"tensor '{label}': data type {type} ({(int)type}) is not supported."),
        };
        if (raw.Length != (long)count * size)
            throw new OnnxFormatException($"tensor '{label}': raw_data has {raw.Length} bytes, expected {count} x {size} for {type}.");
        var r = new double[count];
        var span = raw.AsSpan();
        for (int i = 0; i < count; i++)
        {
            var e = span.Slice(i * size, size);
            r[i] = type switch
            {
                OnnxDataType.Float => BitConverter.ToSingle(e),
                OnnxDataType.Int32 => BitConverter.ToInt32(e),
                OnnxDataType.Int64 => BitConverter.ToInt64(e),
                OnnxDataType.Double => BitConverter.ToDouble(e),
                OnnxDataType.Int8 => (sbyte)e[0],
                OnnxDataType.UInt8 => e[0],
                OnnxDataType.Bool => e[0] != 0 ? 1 : 0,
                OnnxDataType.Int16 => BitConverter.ToInt16(e),
                OnnxDataType.UInt16 => BitConverter.ToUInt16(e),
                _ => (double)BitConverter.ToHalf(e),
            };
        }
        return r;
    }

    private static double[] FromTyped(OnnxDataType type, List<double> numbers, List<long> ints, int count, string label)
    {
        double[] r;
        switch (type)
        {
            case OnnxDataType.Float or OnnxDataType.Double:
                r = [.. numbers];
                break;
            case OnnxDataType.Int64 or OnnxDataType.Int32 or OnnxDataType.Int16 or OnnxDataType.Int8:
            case OnnxDataType.UInt8 or OnnxDataType.UInt16 or OnnxDataType.Bool:
                r = ints.ConvertAll(v => (double)v).ToArray();
                break;
            case OnnxDataType.Float16:
                r = ints.ConvertAll(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray();
                break;
            default:
                throw new OnnxFormatException($"tensor '{label}': data type {type} ({(int)type}) is not supported.");
        }
        if (r.Length != count)
            throw new OnnxFormatException($"tensor '{label}': has {r.Length} values but its dims need {count}.");
        return r;
    }
}
