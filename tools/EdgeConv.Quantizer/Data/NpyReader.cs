using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeConv.Quantizer.Data;

/// <summary>Reads NumPy .npy files (format 1.x/2.x, C order, little-endian float32/float64/uint8/int8) as float arrays.</summary>
public static partial class NpyReader
{
    /// <summary>The array's values as float32 and its shape.</summary>
    public static (float[] Values, int[] Shape) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file.");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int headerStart = major == 1 ? 10 : 12;
        if (headerStart + headerLength > bytes.Length)
            throw new InvalidDataException($"{path}: truncated .npy header.");
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        string descr = DescrPattern().Match(header).Groups[1].Value;
        if (FortranPattern().IsMatch(header))
            throw new InvalidDataException($"{path}: Fortran-ordered arrays are not supported.");
        var shapeText = ShapePattern().Match(header).Groups[1].Value;
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        var data = bytes.AsSpan(headerStart + headerLength);
        int size = descr switch { "<f4" => 4, "<f8" => 8, "|u1" or "|i1" => 1, _ => throw new InvalidDataException($"{path}: dtype '{descr}' is not supported (float32, float64, uint8, int8).") };
        if (data.Length < count * size)
            throw new InvalidDataException($"{path}: {data.Length} data bytes for shape [{string.Join(',', shape)}] of {descr}.");
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]),
                "<f8" => (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]),
                "|u1" => data[i],
                _ => unchecked((sbyte)data[i]),
            };
        return (values, shape);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
