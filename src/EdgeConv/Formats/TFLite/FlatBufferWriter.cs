using System.Buffers.Binary;
using System.Text;

namespace EdgeConv.Formats.TFLite;

/// <summary>A FlatBuffers value tree to serialize: tables, vectors and strings.</summary>
internal abstract class FbNode;

/// <summary>A table: fields by id, each a scalar (little-endian bytes) or a child node.</summary>
internal sealed class FbTable : FbNode
{
    public SortedDictionary<int, object> Fields { get; } = [];

    public FbTable Scalar(int id, byte[] littleEndian) { Fields[id] = littleEndian; return this; }
    public FbTable Byte(int id, byte v) => Scalar(id, [v]);
    public FbTable Bool(int id, bool v) => Scalar(id, [v ? (byte)1 : (byte)0]);
    public FbTable Int32(int id, int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); return Scalar(id, b); }
    public FbTable UInt32(int id, uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return Scalar(id, b); }
    public FbTable Float(int id, float v) { var b = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(b, v); return Scalar(id, b); }
    public FbTable Child(int id, FbNode? node) { if (node is not null) Fields[id] = node; return this; }
}

/// <summary>A vector of fixed-size scalars, stored as raw little-endian bytes.</summary>
internal sealed class FbScalarVector(byte[] data, int elementSize, int alignment = 4) : FbNode
{
    public byte[] Data { get; } = data;
    public int ElementSize { get; } = elementSize;
    public int Alignment { get; } = Math.Max(alignment, 4);
}

/// <summary>A vector of tables.</summary>
internal sealed class FbTableVector(IReadOnlyList<FbTable> items) : FbNode
{
    public IReadOnlyList<FbTable> Items { get; } = items;
}

/// <summary>A UTF-8 string.</summary>
internal sealed class FbString(string value) : FbNode
{
    public string Value { get; } = value;
}

/// <summary>
/// Serializes a value tree front to back: each parent is written before its children, so every
/// unsigned offset points forward as FlatBuffers requires; each vtable sits just before its table.
/// </summary>
internal sealed class FlatBufferWriter
{
    private byte[] _buf = new byte[1 << 16];
    private int _pos;

    public static byte[] Serialize(FbTable root, string fileIdentifier)
    {
        var w = new FlatBufferWriter();
        w._pos = 8;
        Encoding.ASCII.GetBytes(fileIdentifier).CopyTo(w._buf, 4);
        int rootPos = w.Write(root);
        BinaryPrimitives.WriteUInt32LittleEndian(w._buf, (uint)rootPos);
        return w._buf.AsSpan(0, w._pos).ToArray();
    }

    private void Ensure(int extra)
    {
        if (_pos + extra > _buf.Length)
            Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _pos + extra));
    }

    private void Align(int alignment)
    {
        int pad = (alignment - _pos % alignment) % alignment;
        Ensure(pad);
        _pos += pad;
    }

    private void PatchOffset(int at, int target) =>
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(at), (uint)(target - at));

    private int Write(FbNode node) => node switch
    {
        FbTable t => WriteTable(t),
        FbScalarVector v => WriteScalarVector(v),
        FbTableVector v => WriteTableVector(v),
        FbString s => WriteString(s),
        _ => throw new InvalidOperationException(),
    };

    private int WriteTable(FbTable t)
    {
        // Inline layout: soffset, then fields largest first so each is naturally aligned.
        var layout = new List<(int Id, int Offset, object Value)>();
        int inlineSize = 4, maxAlign = 4;
        foreach (var (id, value) in t.Fields.OrderByDescending(f => f.Value is byte[] b ? b.Length : 4).ThenBy(f => f.Key))
        {
            int size = value is byte[] b ? b.Length : 4;
            inlineSize = (inlineSize + size - 1) / size * size;
            layout.Add((id, inlineSize, value));
            inlineSize += size;
            maxAlign = Math.Max(maxAlign, size);
        }
        int fieldCount = t.Fields.Count == 0 ? 0 : t.Fields.Keys.Max() + 1;
        int vtableSize = 4 + 2 * fieldCount;

        Align(2);
        // Leave room so the table after the vtable lands on its alignment.
        int vtable = _pos;
        int tableStart = vtable + vtableSize;
        tableStart = (tableStart + maxAlign - 1) / maxAlign * maxAlign;
        Ensure(tableStart - _pos + inlineSize);
        BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(vtable), (ushort)vtableSize);
        BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(vtable + 2), (ushort)inlineSize);
        foreach (var (id, offset, _) in layout)
            BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(vtable + 4 + 2 * id), (ushort)offset);
        BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(tableStart), tableStart - vtable);
        _pos = tableStart + inlineSize;
        foreach (var (_, offset, value) in layout)
            if (value is byte[] b)
                b.CopyTo(_buf, tableStart + offset);
        foreach (var (_, offset, value) in layout)
            if (value is FbNode child)
                PatchOffset(tableStart + offset, Write(child));
        return tableStart;
    }

    private int WriteScalarVector(FbScalarVector v)
    {
        // The elements, not the length prefix, must be aligned.
        Align(v.Alignment);
        _pos += v.Alignment - 4;
        Ensure(4 + v.Data.Length + 1);
        int start = _pos;
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_pos), (uint)(v.Data.Length / v.ElementSize));
        v.Data.CopyTo(_buf, _pos + 4);
        _pos += 4 + v.Data.Length;
        return start;
    }

    private int WriteTableVector(FbTableVector v)
    {
        Align(4);
        Ensure(4 + 4 * v.Items.Count);
        int start = _pos;
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_pos), (uint)v.Items.Count);
        _pos += 4 + 4 * v.Items.Count;
        for (int i = 0; i < v.Items.Count; i++)
            PatchOffset(start + 4 + 4 * i, Write(v.Items[i]));
        return start;
    }

    private int WriteString(FbString s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s.Value);
        Align(4);
        Ensure(4 + bytes.Length + 1);
        int start = _pos;
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_pos), (uint)bytes.Length);
        bytes.CopyTo(_buf, _pos + 4);
        _buf[_pos + 4 + bytes.Length] = 0;
        _pos += 4 + bytes.Length + 1;
        return start;
    }
}
