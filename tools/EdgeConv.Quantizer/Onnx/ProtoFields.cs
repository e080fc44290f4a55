using Google.Protobuf;

namespace EdgeConv.Quantizer.Onnx;

/// <summary>
/// Wire-level helpers over <see cref="CodedInputStream"/>: one loop per message, repeated scalars
/// accepted packed or unpacked (the spec allows both), wire types checked so a wrong field
/// type is a clear error rather than garbage.
/// </summary>
internal static class ProtoFields
{
    /// <summary>Calls <paramref name="onField"/> for every field of the message in <paramref name="bytes"/>.</summary>
    public static void ForEachField(ReadOnlySpan<byte> bytes, string what, Action<CodedInputStream, int, WireFormat.WireType> onField)
    {
        var input = new CodedInputStream(bytes.ToArray());
        try
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
                onField(input, WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{what}: malformed protobuf ({e.Message}).", e);
        }
    }

    public static void Expect(WireFormat.WireType actual, WireFormat.WireType expected, string what, int field)
    {
        if (actual != expected)
            throw new OnnxFormatException($"{what}: field {field} has wire type {actual}, expected {expected}.");
    }

    public static byte[] Bytes(CodedInputStream s, WireFormat.WireType w, string what, int field)
    {
        Expect(w, WireFormat.WireType.LengthDelimited, what, field);
        return s.ReadBytes().ToByteArray();
    }

    public static string String(CodedInputStream s, WireFormat.WireType w, string what, int field)
    {
        Expect(w, WireFormat.WireType.LengthDelimited, what, field);
        return s.ReadString();
    }

    public static long Varint(CodedInputStream s, WireFormat.WireType w, string what, int field)
    {
        Expect(w, WireFormat.WireType.Varint, what, field);
        return s.ReadInt64();
    }

    /// <summary>Appends a repeated varint field (int32/int64/uint64/bool), packed or not.</summary>
    public static void Varints(CodedInputStream s, WireFormat.WireType w, List<long> into, string what, int field)
    {
        if (w == WireFormat.WireType.Varint)
        {
            into.Add(s.ReadInt64());
            return;
        }
        Expect(w, WireFormat.WireType.LengthDelimited, what, field);
        var packed = new CodedInputStream(s.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd)
            into.Add(packed.ReadInt64());
    }

    /// <summary>Appends a repeated float field, packed or not.</summary>
    public static void Floats(CodedInputStream s, WireFormat.WireType w, List<double> into, string what, int field)
    {
        if (w == WireFormat.WireType.Fixed32)
        {
            into.Add(s.ReadFloat());
            return;
        }
        Expect(w, WireFormat.WireType.LengthDelimited, what, field);
        var bytes = s.ReadBytes().Span;
        if (bytes.Length % 4 != 0)
            throw new OnnxFormatException($"{what}: packed float field {field} has {bytes.Length} bytes, not a multiple of 4.");
        for (int i = 0; i < bytes.Length; i += 4)
            into.Add(BitConverter.ToSingle(bytes.Slice(i, 4)));
    }

    /// <summary>Appends a repeated double field, packed or not.</summary>
    public static void Doubles(CodedInputStream s, WireFormat.WireType w, List<double> into, string what, int field)
    {
        if (w == WireFormat.WireType.Fixed64)
        {
            into.Add(s.ReadDouble());
            return;
        }
        Expect(w, WireFormat.WireType.LengthDelimited, what, field);
        var bytes = s.ReadBytes().Span;
        if (bytes.Length % 8 != 0)
            throw new OnnxFormatException($"{what}: packed double field {field} has {bytes.Length} bytes, not a multiple of 8.");
        for (int i = 0; i < bytes.Length; i += 8)
            into.Add(BitConverter.ToDouble(bytes.Slice(i, 8)));
    }
}
