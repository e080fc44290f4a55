using EdgeConv.Graph;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// CAST as TFLite runs it (<c>micro/kernels/cast.cc</c>, <c>copyCast</c>): a C++ <c>static_cast</c>
/// of each value, ignoring quantization (an int8 value 5 becomes 5.0f, not its real value). Inputs
/// BOOL, INT8, INT32 or FLOAT32; outputs FLOAT32, INT32, INT8 or BOOL.
/// </summary>
public static class CastReference
{
    /// <summary>True when the pair of types is one this kernel converts.</summary>
    public static bool Supports(ElementType from, ElementType to) =>
        from is ElementType.Bool or ElementType.Int8 or ElementType.Int32 or ElementType.Float32
        && to is ElementType.Float32 or ElementType.Int32 or ElementType.Int8 or ElementType.Bool;

    /// <summary>Converts <paramref name="count"/> elements of <paramref name="input"/> into <paramref name="output"/>.</summary>
    public static void Run(ElementType from, ReadOnlySpan<byte> input, ElementType to, Span<byte> output, int count)
    {
        if (!Supports(from, to))
            throw new ArgumentException($"CAST from {from} to {to} is not supported.", nameof(from));
        int inSize = ElementTypeInfo.SizeOf(from), outSize = ElementTypeInfo.SizeOf(to);
        if (input.Length < count * inSize || output.Length < count * outSize)
            throw new ArgumentException($"CAST of {count} elements needs {count * inSize} input and {count * outSize} output bytes.", nameof(count));
        for (int i = 0; i < count; i++)
            Write(to, output, i, Read(from, input, i));
    }

    // Every supported value fits a double exactly, so one intermediate serves each pair.
    private static double Read(ElementType type, ReadOnlySpan<byte> bytes, int i) => type switch
    {
        ElementType.Bool => bytes[i] != 0 ? 1.0 : 0.0,
        ElementType.Int8 => (sbyte)bytes[i],
        ElementType.Int32 => BitConverter.ToInt32(bytes.Slice(i * 4, 4)),
        _ => BitConverter.ToSingle(bytes.Slice(i * 4, 4)),
    };

    private static void Write(ElementType type, Span<byte> bytes, int i, double v)
    {
        switch (type)
        {
            case ElementType.Bool: bytes[i] = v != 0.0 ? (byte)1 : (byte)0; break;
            case ElementType.Int8: bytes[i] = unchecked((byte)(sbyte)(int)v); break; // static_cast<int8_t>: truncate, wrap
            case ElementType.Int32: BitConverter.TryWriteBytes(bytes.Slice(i * 4, 4), Saturate(v)); break;
            default: BitConverter.TryWriteBytes(bytes.Slice(i * 4, 4), (float)v); break;
        }
    }

    // C++ leaves out-of-range float->int undefined; x86 and ARM compilers differ, so pin it down as .NET does.
    private static int Saturate(double v) => double.IsNaN(v) ? 0 : v >= int.MaxValue ? int.MaxValue : v <= int.MinValue ? int.MinValue : (int)v;
}
