using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>How a <see cref="LookupTableInt8"/> looks its values up.</summary>
public enum LookupTableInt8Isa
{
    /// <summary>One byte load per element, four a step: any CPU.</summary>
    Scalar,
    /// <summary>x86 AVX-512 VBMI: 64 elements a step, two <c>vpermt2b</c> (128 entries each) and a blend on the index's top bit.</summary>
    Avx512Vbmi,
    /// <summary>ARM64 AdvSimd: 16 elements a step, one <c>tbl</c> and three <c>tbx</c> on four registers (64 entries each).</summary>
    AdvSimd,
}

/// <summary>Maps int8 values to int8 values element by element (the reference kernel of a unary op, applied to a span).</summary>
public delegate void Int8Map(ReadOnlySpan<sbyte> input, Span<sbyte> output);

/// <summary>
/// An int8 → int8 function as a 256-entry table: for an op whose output element depends only on its own input
/// element (LOGISTIC, HARD_SWISH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, int8 → int8 QUANTIZE), the table is the
/// op's reference kernel run once, at load, on all 256 int8 values, so a lookup is byte for byte the reference by
/// construction, whatever its arithmetic. <c>Run</c> allocates nothing and may run on any slice; the output may be the input.
/// </summary>
/// <remarks>TFLite's optimized int8 LOGISTIC and TANH do the same (a 256-byte table, 4 <c>tbl</c>/<c>tbx</c> on NEON).</remarks>
public sealed class LookupTableInt8
{
    private readonly byte[] _table = new byte[256];   // entry (byte)x: the value for input x

    /// <summary>Whether this CPU (as the runtime reports it) runs <paramref name="isa"/>.</summary>
    public static bool IsSupported(LookupTableInt8Isa isa) => isa switch
    {
        LookupTableInt8Isa.Scalar => true,
        LookupTableInt8Isa.Avx512Vbmi => Avx512Vbmi.IsSupported,
        LookupTableInt8Isa.AdvSimd => AdvSimd.Arm64.IsSupported,
        _ => false,
    };

    /// <summary>The fastest lookup this CPU runs.</summary>
    public static LookupTableInt8Isa Best =>
        IsSupported(LookupTableInt8Isa.Avx512Vbmi) ? LookupTableInt8Isa.Avx512Vbmi :
        IsSupported(LookupTableInt8Isa.AdvSimd) ? LookupTableInt8Isa.AdvSimd : LookupTableInt8Isa.Scalar;

    /// <summary>The table of <paramref name="map"/> (run once on the 256 int8 values), looked up with <see cref="Best"/>.</summary>
    public static LookupTableInt8 Of(Int8Map map) => Of(map, Best);

    /// <summary>The table of <paramref name="map"/>, looked up with <paramref name="isa"/>.</summary>
    public static LookupTableInt8 Of(Int8Map map, LookupTableInt8Isa isa)
    {
        ArgumentNullException.ThrowIfNull(map);
        var values = new sbyte[256];
        for (int i = 0; i < 256; i++)
            values[i] = (sbyte)i;
        var mapped = new sbyte[256];
        map(values, mapped);
        return new LookupTableInt8(mapped, isa);
    }

    /// <summary>
    /// A table whose entry <c>(byte)x</c> is the value for input x. Throws <see cref="ArgumentException"/> unless it
    /// has 256 entries, <see cref="PlatformNotSupportedException"/> when this CPU lacks <paramref name="isa"/>.
    /// </summary>
    public LookupTableInt8(ReadOnlySpan<sbyte> table, LookupTableInt8Isa isa)
    {
        if (table.Length != 256)
            throw new ArgumentException($"A lookup table has 256 entries, not {table.Length}.", nameof(table));
        if (!IsSupported(isa))
            throw new PlatformNotSupportedException($"{nameof(LookupTableInt8)}: this CPU does not run {isa}.");
        MemoryMarshal.AsBytes(table).CopyTo(_table);
        Isa = isa;
    }

    /// <summary>The lookup this instance runs.</summary>
    public LookupTableInt8Isa Isa { get; }

    /// <summary>The kernel name <c>inspect</c> shows, e.g. <c>LookupTableInt8(Avx512Vbmi)</c>.</summary>
    public string Name => $"{nameof(LookupTableInt8)}({Isa})";

    /// <summary>
    /// <paramref name="output"/>[i] = table[<paramref name="input"/>[i]] for every i of <paramref name="output"/>
    /// (the input at least as long). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        int n = output.Length;
        if (input.Length < n)
            throw new ArgumentException($"Input ({input.Length}) is shorter than the output ({n}).", nameof(input));
        ref byte x = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(input));
        ref byte y = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output));
        int i = Isa switch
        {
            LookupTableInt8Isa.Avx512Vbmi => RunAvx512Vbmi(ref x, ref y, n),
            LookupTableInt8Isa.AdvSimd => RunAdvSimd(ref x, ref y, n),
            _ => 0,
        };
        RunScalar(ref x, ref y, i, n);
    }

    /// <summary>Elements [<paramref name="i"/>, <paramref name="n"/>), four a step, then one at a time.</summary>
    private void RunScalar(ref byte x, ref byte y, int i, int n)
    {
        ref byte t = ref MemoryMarshal.GetArrayDataReference(_table);
        for (; i <= n - 4; i += 4)
        {
            // All four loaded before any store, so no load waits on a store that may alias it (the output may be the input).
            byte a = Unsafe.Add(ref t, Unsafe.Add(ref x, i)), b = Unsafe.Add(ref t, Unsafe.Add(ref x, i + 1));
            byte c = Unsafe.Add(ref t, Unsafe.Add(ref x, i + 2)), d = Unsafe.Add(ref t, Unsafe.Add(ref x, i + 3));
            Unsafe.Add(ref y, i) = a;
            Unsafe.Add(ref y, i + 1) = b;
            Unsafe.Add(ref y, i + 2) = c;
            Unsafe.Add(ref y, i + 3) = d;
        }
        for (; i < n; i++)
            Unsafe.Add(ref y, i) = Unsafe.Add(ref t, Unsafe.Add(ref x, i));
    }

    /// <summary>64 elements a step; returns where the scalar tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RunAvx512Vbmi(ref byte x, ref byte y, int n)
    {
        ref byte t = ref MemoryMarshal.GetArrayDataReference(_table);
        var t0 = Vector512.LoadUnsafe(ref t);
        var t1 = Vector512.LoadUnsafe(ref t, 64);
        var t2 = Vector512.LoadUnsafe(ref t, 128);
        var t3 = Vector512.LoadUnsafe(ref t, 192);
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            var index = Vector512.LoadUnsafe(ref x, (nuint)i);
            // vpermt2b reads the low 7 bits of each index: entries 0-127 from (t0, t1), 128-255 from (t2, t3).
            var low = Avx512Vbmi.PermuteVar64x8x2(t0, index, t1);
            var high = Avx512Vbmi.PermuteVar64x8x2(t2, index, t3);
            Vector512.ConditionalSelect(Vector512.LessThan(index.AsSByte(), Vector512<sbyte>.Zero).AsByte(), high, low).StoreUnsafe(ref y, (nuint)i);
        }
        return i;
    }

    /// <summary>16 elements a step; returns where the scalar tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RunAdvSimd(ref byte x, ref byte y, int n)
    {
        ref byte t = ref MemoryMarshal.GetArrayDataReference(_table);
        var q0 = (Vector128.LoadUnsafe(ref t), Vector128.LoadUnsafe(ref t, 16), Vector128.LoadUnsafe(ref t, 32), Vector128.LoadUnsafe(ref t, 48));
        var q1 = (Vector128.LoadUnsafe(ref t, 64), Vector128.LoadUnsafe(ref t, 80), Vector128.LoadUnsafe(ref t, 96), Vector128.LoadUnsafe(ref t, 112));
        var q2 = (Vector128.LoadUnsafe(ref t, 128), Vector128.LoadUnsafe(ref t, 144), Vector128.LoadUnsafe(ref t, 160), Vector128.LoadUnsafe(ref t, 176));
        var q3 = (Vector128.LoadUnsafe(ref t, 192), Vector128.LoadUnsafe(ref t, 208), Vector128.LoadUnsafe(ref t, 224), Vector128.LoadUnsafe(ref t, 240));
        var step = Vector128.Create((byte)64);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            // tbl gives 0 for an index past its 64 entries, tbx keeps what is there: each quarter fills its own lanes.
            var index = Vector128.LoadUnsafe(ref x, (nuint)i);
            var r = AdvSimd.Arm64.VectorTableLookup(q0, index);
            index -= step;
            r = AdvSimd.Arm64.VectorTableLookupExtension(r, q1, index);
            index -= step;
            r = AdvSimd.Arm64.VectorTableLookupExtension(r, q2, index);
            index -= step;
            AdvSimd.Arm64.VectorTableLookupExtension(r, q3, index).StoreUnsafe(ref y, (nuint)i);
        }
        return i;
    }
}
