using System.Runtime.InteropServices;
using EdgeConv.Graph;

namespace EdgeConv.Formats.TFLite;

/// <summary>
/// Writes a <see cref="ModelGraph"/> as a TFLite flatbuffer (schema version 3) with the builtin
/// options EdgeConv reads. Constant data goes into 16-byte-aligned buffers.
/// </summary>
public static class TfLiteModelWriter
{
    /// <summary>Serializes the graph.</summary>
    public static byte[] Write(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var opCodes = new List<BuiltinOp>();
        var buffers = new List<FbTable> { new() };
        var tensors = new List<FbTable>();
        foreach (var t in graph.Tensors)
        {
            uint bufferIndex = 0;
            if (t.IsConstant)
            {
                bufferIndex = (uint)buffers.Count;
                buffers.Add(new FbTable().Child(0, new FbScalarVector(graph.ConstantBytes(t).ToArray(), 1, 16)));
            }
            var table = new FbTable()
                .Child(0, Ints(t.Shape))
                .Byte(1, (byte)t.Type)
                .UInt32(2, bufferIndex)
                .Child(3, new FbString(t.Name));
            if (t.Quantization is { } q)
            {
                table.Child(4, new FbTable()
                    .Child(2, new FbScalarVector(MemoryMarshal.AsBytes(q.Scales.AsSpan()).ToArray(), 4))
                    .Child(3, new FbScalarVector(MemoryMarshal.AsBytes(q.ZeroPoints.AsSpan()).ToArray(), 8, 8))
                    .Int32(6, q.QuantizedDimension));
            }
            tensors.Add(table);
        }

        var ops = new List<FbTable>();
        foreach (var op in graph.Operators)
        {
            int codeIndex = opCodes.IndexOf(op.Op);
            if (codeIndex < 0)
            {
                codeIndex = opCodes.Count;
                opCodes.Add(op.Op);
            }
            var table = new FbTable()
                .UInt32(0, (uint)codeIndex)
                .Child(1, Ints(op.Inputs))
                .Child(2, Ints(op.Outputs));
            var (type, options) = Options(op);
            if (options is not null)
                table.Byte(3, type).Child(4, options);
            ops.Add(table);
        }

        var subgraph = new FbTable()
            .Child(0, new FbTableVector(tensors))
            .Child(1, Ints(graph.Inputs))
            .Child(2, Ints(graph.Outputs))
            .Child(3, new FbTableVector(ops))
            .Child(4, new FbString(graph.Name));
        var codes = opCodes.Select(c => new FbTable()
            .Byte(0, (byte)Math.Min((int)c, 127))
            .Int32(2, 1)
            .Int32(3, (int)c)).ToList();
        var model = new FbTable()
            .UInt32(0, 3)
            .Child(1, new FbTableVector(codes))
            .Child(2, new FbTableVector([subgraph]))
            .Child(3, new FbString(graph.Description ?? "EdgeConv"))
            .Child(4, new FbTableVector(buffers));
        return FlatBufferWriter.Serialize(model, "TFL3");
    }

    private static FbScalarVector Ints(int[] values) => new(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), 4);

    /// <summary>The BuiltinOptions union type and table of an op (union numbers from schema.fbs).</summary>
    private static (byte Type, FbTable? Table) Options(OperatorInfo op)
    {
        var o = op.Options;
        return op.Op switch
        {
            BuiltinOp.Conv2D => (1, new FbTable().Byte(0, (byte)o.Padding).Int32(1, o.StrideW).Int32(2, o.StrideH)
                .Byte(3, (byte)o.Activation).Int32(4, o.DilationW).Int32(5, o.DilationH)),
            BuiltinOp.DepthwiseConv2D => (2, new FbTable().Byte(0, (byte)o.Padding).Int32(1, o.StrideW).Int32(2, o.StrideH)
                .Int32(3, o.DepthMultiplier).Byte(4, (byte)o.Activation).Int32(5, o.DilationW).Int32(6, o.DilationH)),
            BuiltinOp.AveragePool2D or BuiltinOp.MaxPool2D => (5, new FbTable().Byte(0, (byte)o.Padding).Int32(1, o.StrideW)
                .Int32(2, o.StrideH).Int32(3, o.FilterW).Int32(4, o.FilterH).Byte(5, (byte)o.Activation)),
            BuiltinOp.FullyConnected => (8, new FbTable().Byte(0, (byte)o.Activation).Byte(1, (byte)o.WeightsFormat).Bool(2, o.KeepNumDims)),
            BuiltinOp.Softmax => (9, new FbTable().Float(0, o.Beta)),
            BuiltinOp.Concatenation => (10, new FbTable().Int32(0, o.Axis).Byte(1, (byte)o.Activation)),
            BuiltinOp.Add => (11, new FbTable().Byte(0, (byte)o.Activation)),
            BuiltinOp.ResizeBilinear => (15, new FbTable().Bool(2, o.AlignCorners).Bool(3, o.HalfPixelCenters)),
            BuiltinOp.Reshape => (17, o.NewShape is null ? new FbTable() : new FbTable().Child(0, Ints(o.NewShape))),
            BuiltinOp.Mul => (21, new FbTable().Byte(0, (byte)o.Activation)),
            BuiltinOp.Pad => (22, new FbTable()),
            BuiltinOp.Transpose => (26, new FbTable()),
            BuiltinOp.Mean => (27, new FbTable().Bool(0, o.KeepDims)),
            BuiltinOp.Sub => (28, new FbTable().Byte(0, (byte)o.Activation)),
            BuiltinOp.Squeeze => (30, o.SqueezeDims is null ? new FbTable() : new FbTable().Child(0, Ints(o.SqueezeDims))),
            BuiltinOp.Dequantize => (38, new FbTable()),
            BuiltinOp.Maximum or BuiltinOp.Minimum => (39, new FbTable()),
            BuiltinOp.PadV2 => (43, new FbTable()),
            BuiltinOp.Slice => (48, new FbTable()),
            BuiltinOp.Equal => (53, new FbTable()),
            BuiltinOp.ResizeNearestNeighbor => (74, new FbTable().Bool(0, o.AlignCorners).Bool(1, o.HalfPixelCenters)),
            BuiltinOp.LeakyRelu => (75, new FbTable().Float(0, o.Alpha)),
            BuiltinOp.Quantize => (89, new FbTable()),
            BuiltinOp.HardSwish => (91, new FbTable()),
            _ => (0, null),
        };
    }
}
