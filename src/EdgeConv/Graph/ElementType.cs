namespace EdgeConv.Graph;

/// <summary>Tensor element types, numbered as TFLite's schema numbers them.</summary>
public enum ElementType : sbyte
{
    /// <summary>32-bit IEEE float.</summary>
    Float32 = 0,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 1,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 2,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 3,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 4,
    /// <summary>String (unsupported).</summary>
    String = 5,
    /// <summary>Boolean.</summary>
    Bool = 6,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 7,
    /// <summary>Complex64 (unsupported).</summary>
    Complex64 = 8,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 9,
}

/// <summary>Sizes and names of <see cref="ElementType"/>.</summary>
public static class ElementTypeInfo
{
    /// <summary>Bytes per element, or 0 for types EdgeConv does not store.</summary>
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Float32 or ElementType.Int32 => 4,
        ElementType.Int8 or ElementType.UInt8 or ElementType.Bool => 1,
        ElementType.Int16 or ElementType.Float16 => 2,
        ElementType.Int64 => 8,
        _ => 0,
    };
}
