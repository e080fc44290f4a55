using Google.Protobuf;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Onnx;
using EdgeConv.Quantizer.Tests.Support;

namespace EdgeConv.Quantizer.Tests.Import;

/// <summary>Decoding of TensorProto variants and the errors bad or unsupported models raise.</summary>
public sealed class ErrorAndDecodingTests
{
    private static byte[] Tensor(Action<CodedOutputStream> body)
    {
        using var ms = new MemoryStream();
        using (var s = new CodedOutputStream(ms, leaveOpen: true))
        {
            body(s);
            s.Flush();
        }
        return ms.ToArray();
    }

    [Fact]
    public void Typed_float_data_packed_and_int64_data_unpacked_decode()
    {
        var floats = OnnxTensorDecoder.Decode(Tensor(s =>
        {
            s.WriteTag(1, WireFormat.WireType.Varint); s.WriteInt64(2);
            s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt32(1);
            s.WriteTag(8, WireFormat.WireType.LengthDelimited); s.WriteString("f");
            s.WriteTag(4, WireFormat.WireType.LengthDelimited); s.WriteBytes(ByteString.CopyFrom([.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f)]));
        }), "t");
        Assert.Equal([1.5, -2.0], floats.Values);
        var longs = OnnxTensorDecoder.Decode(Tensor(s =>
        {
            s.WriteTag(1, WireFormat.WireType.Varint); s.WriteInt64(3);
            s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt32(7);
            foreach (long v in new long[] { 1, -1, 1L << 40 }) { s.WriteTag(7, WireFormat.WireType.Varint); s.WriteInt64(v); }
        }), "t");
        Assert.Equal([1.0, -1.0, 1099511627776.0], longs.Values);
        Assert.Equal(OnnxDataType.Int64, longs.DataType);
    }

    [Fact]
    public void Raw_data_of_the_wrong_length_names_the_tensor()
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxTensorDecoder.Decode(Tensor(s =>
        {
            s.WriteTag(1, WireFormat.WireType.Varint); s.WriteInt64(3);
            s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt32(1);
            s.WriteTag(8, WireFormat.WireType.LengthDelimited); s.WriteString("conv1.weight");
            s.WriteTag(9, WireFormat.WireType.LengthDelimited); s.WriteBytes(ByteString.CopyFrom(new byte[8]));
        }), "t"));
        Assert.Contains("conv1.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("raw_data has 8 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_model_is_a_format_error()
    {
        var m = new OnnxTestModel(1).Input("x", 1, 2, 3, 3).Output("y");
        m.Node("Relu", ["x"], ["y"]);
        byte[] bytes = m.ToBytes();
        Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(bytes[..(bytes.Length - 5)], name: "cut.onnx"));
    }

    [Fact]
    public void Unsupported_op_names_the_node()
    {
        var m = new OnnxTestModel(1).Input("x", 1, 2, 3, 3).Output("y");
        m.Node("Tanh", ["x"], ["y"]);
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(m.ToBytes(), name: "tanh.onnx"));
        Assert.Contains("tanh.onnx: Tanh node 'y_node': unsupported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Computed_conv_weights_name_the_input()
    {
        var m = new OnnxTestModel(1).Input("x", 1, 2, 3, 3).Input("w", 1, 2, 1, 1).Output("y");
        m.Node("Conv", ["x", "w"], ["y"]);
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(m.ToBytes()));
        Assert.Contains("weight (input 1, 'w') must be a constant", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nchw_input_reorders_from_onnx_order()
    {
        var m = new OnnxTestModel(1).Input("x", 1, 2, 1, 3).Output("y");
        m.Node("Conv", ["x", m.Constant("w", [2, 2, 1, 1], [1, 0, 0, 1])], ["y"]);
        var imported = OnnxImporter.Import(m.ToBytes());
        var input = Assert.Single(imported.Inputs);
        Assert.True(input.IsNhwcOfNchw);
        Assert.Equal([1, 1, 3, 2], input.Shape);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], input.FromOnnxOrder([0f, 1f, 2f, 3f, 4f, 5f]));
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], FloatRunner.Run(imported, [[0f, 1f, 2f, 3f, 4f, 5f]])[0]);
    }
}
