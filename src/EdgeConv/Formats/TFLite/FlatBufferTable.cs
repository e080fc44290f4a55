using System.Buffers.Binary;
using System.Text;

namespace EdgeConv.Formats.TFLite;

/// <summary>
/// A bounds-checked view of one FlatBuffers table. Every offset read from the file is checked
/// against the buffer before use, so a hostile file raises <see cref="ModelFormatException"/>
/// and never reads out of range.
/// </summary>
internal readonly struct FlatBufferTable
{
    private readonly byte[] _buffer;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableSize;
    private readonly string _what;

    private FlatBufferTable(byte[] buffer, int position, string what)
    {
        _buffer = buffer;
        _position = position;
        _what = what;
        int soffset = ReadInt32(buffer, position, what);
        long vtable = (long)position - soffset;
        if (vtable < 0 || vtable + 4 > buffer.Length)
            throw new ModelFormatException($"{what}: vtable offset {vtable} is outside the {buffer.Length}-byte model.");
        _vtable = (int)vtable;
        _vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(_vtable));
        if (_vtableSize < 4 || (_vtableSize & 1) != 0 || _vtable + _vtableSize > buffer.Length)
            throw new ModelFormatException($"{what}: vtable of {_vtableSize} bytes at {_vtable} does not fit the model.");
    }

    /// <summary>True when this view points at a table (false for an absent optional table).</summary>
    public bool Exists => _buffer is not null;

    /// <summary>The file's root table.</summary>
    public static FlatBufferTable Root(byte[] buffer, string what)
    {
        if (buffer.Length < 8)
            throw new ModelFormatException($"{what}: {buffer.Length} bytes is too short to be a FlatBuffer.");
        uint root = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (root < 4 || root > buffer.Length - 4)
            throw new ModelFormatException($"{what}: root table offset {root} is outside the {buffer.Length}-byte model.");
        return new FlatBufferTable(buffer, (int)root, what);
    }

    private static int ReadInt32(byte[] buffer, long position, string what)
    {
        if (position < 0 || position + 4 > buffer.Length)
            throw new ModelFormatException($"{what}: offset {position} is outside the {buffer.Length}-byte model.");
        return BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan((int)position));
    }

    /// <summary>Absolute position of a field's inline value, or -1 when the field is absent.</summary>
    private int FieldPosition(int fieldId, int size)
    {
        int entry = 4 + 2 * fieldId;
        if (entry + 2 > _vtableSize)
            return -1;
        int rel = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_vtable + entry));
        if (rel == 0)
            return -1;
        long pos = (long)_position + rel;
        if (pos + size > _buffer.Length)
            throw new ModelFormatException($"{_what}: field {fieldId} at {pos} is outside the model.");
        return (int)pos;
    }

    /// <summary>Follows a uoffset stored at <paramref name="pos"/>.</summary>
    private int Deref(int pos, int fieldId)
    {
        uint rel = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(pos));
        long target = (long)pos + rel;
        if (rel == 0 || target + 4 > _buffer.Length)
            throw new ModelFormatException($"{_what}: field {fieldId} points at {target}, outside the {_buffer.Length}-byte model.");
        return (int)target;
    }

    public bool Has(int fieldId) => FieldPosition(fieldId, 1) >= 0;

    public byte GetByte(int fieldId, byte defaultValue = 0)
    {
        int p = FieldPosition(fieldId, 1);
        return p < 0 ? defaultValue : _buffer[p];
    }

    public sbyte GetSByte(int fieldId, sbyte defaultValue = 0) => unchecked((sbyte)GetByte(fieldId, unchecked((byte)defaultValue)));

    public bool GetBool(int fieldId, bool defaultValue = false) => GetByte(fieldId, defaultValue ? (byte)1 : (byte)0) != 0;

    public int GetInt32(int fieldId, int defaultValue = 0)
    {
        int p = FieldPosition(fieldId, 4);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(p));
    }

    public uint GetUInt32(int fieldId, uint defaultValue = 0)
    {
        int p = FieldPosition(fieldId, 4);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(p));
    }

    public ulong GetUInt64(int fieldId, ulong defaultValue = 0)
    {
        int p = FieldPosition(fieldId, 8);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(p));
    }

    public float GetFloat(int fieldId, float defaultValue = 0f)
    {
        int p = FieldPosition(fieldId, 4);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadSingleLittleEndian(_buffer.AsSpan(p));
    }

    public FlatBufferTable GetTable(int fieldId, string what)
    {
        int p = FieldPosition(fieldId, 4);
        return p < 0 ? default : new FlatBufferTable(_buffer, Deref(p, fieldId), what);
    }

    public string? GetString(int fieldId)
    {
        var (start, length) = GetVectorRange(fieldId, 1);
        return start < 0 ? null : Encoding.UTF8.GetString(_buffer, start, length);
    }

    /// <summary>Start and element count of a vector field, or (-1, 0) when absent.</summary>
    private (int Start, int Count) GetVectorRange(int fieldId, int elementSize)
    {
        int p = FieldPosition(fieldId, 4);
        if (p < 0)
            return (-1, 0);
        int v = Deref(p, fieldId);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(v));
        long start = (long)v + 4;
        if (start + (long)count * elementSize > _buffer.Length)
            throw new ModelFormatException($"{_what}: vector field {fieldId} of {count} elements runs past the end of the model.");
        return ((int)start, (int)count);
    }

    /// <summary>Raw bytes of a [ubyte] vector, or (-1, 0) when absent.</summary>
    public (int Start, int Length) GetByteVector(int fieldId) => GetVectorRange(fieldId, 1);

    public int[]? GetInt32Vector(int fieldId)
    {
        var (start, count) = GetVectorRange(fieldId, 4);
        if (start < 0)
            return null;
        var result = new int[count];
        for (int i = 0; i < count; i++)
            result[i] = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(start + 4 * i));
        return result;
    }

    public long[]? GetInt64Vector(int fieldId)
    {
        var (start, count) = GetVectorRange(fieldId, 8);
        if (start < 0)
            return null;
        var result = new long[count];
        for (int i = 0; i < count; i++)
            result[i] = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(start + 8 * i));
        return result;
    }

    public float[]? GetFloatVector(int fieldId)
    {
        var (start, count) = GetVectorRange(fieldId, 4);
        if (start < 0)
            return null;
        var result = new float[count];
        for (int i = 0; i < count; i++)
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(_buffer.AsSpan(start + 4 * i));
        return result;
    }

    /// <summary>Number of tables in a vector-of-tables field (0 when absent).</summary>
    public int GetTableVectorLength(int fieldId) => GetVectorRange(fieldId, 4).Count;

    public FlatBufferTable GetTableVectorItem(int fieldId, int index, string what)
    {
        var (start, count) = GetVectorRange(fieldId, 4);
        if ((uint)index >= (uint)count)
            throw new ModelFormatException($"{_what}: index {index} outside vector field {fieldId} of {count}.");
        int slot = start + 4 * index;
        return new FlatBufferTable(_buffer, Deref(slot, fieldId), what);
    }
}
