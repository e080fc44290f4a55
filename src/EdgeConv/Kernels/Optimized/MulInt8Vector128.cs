using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 MUL of two tensors of the same shape, 16 elements at a time, written with the cross-platform
/// <see cref="Vector128"/> API only. Byte for byte the same as <see cref="MulInt8Reference"/> on same-shape inputs
/// wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para>Per element, TFLite's MulElementwise: (x + o1)·(y + o2), rescaled with MultiplyByQuantizedMultiplier, plus
/// the output zero point, clamped. Each factor is in [−255, 255], so the product (|·| ≤ 65,025) is exact in int32 and
/// the rescale is one <see cref="QuantizedMultiplierVector128"/>; with a shift of at most 15 the product shifted left
/// stays inside int32 (65,025·2^15 &lt; 2^31), so no lane wraps where the reference would not. The int32 results
/// are narrowed with saturation and then clamped, which equals clamping first because the clamp bounds lie inside int8.
/// The elements after the last multiple of 16 take one more step on padded copies.</para>
/// <para>Limits: offsets minus int8 zero points; shift in [−31, 15]; the clamp inside int8. An instance is immutable;
/// <see cref="Run"/> allocates nothing and may run on any slice; the output may be one of the inputs.</para>
/// </remarks>
public sealed class MulInt8Vector128
{
    private readonly MulInt8Params _p;
    private readonly QuantizedMultiplierVector128 _mo;

    /// <summary>Whether the kernel computes this MUL (see the limits in the remarks).</summary>
    public static bool IsApplicable(in MulInt8Params p) =>
        p.Input1Offset is >= -127 and <= 128 && p.Input2Offset is >= -127 and <= 128
        && p.OutputShift is >= -31 and <= 15
        && p.ActivationMin >= sbyte.MinValue && p.ActivationMax <= sbyte.MaxValue
        && p.ActivationMin <= sbyte.MaxValue && p.ActivationMax >= sbyte.MinValue;

    /// <summary>Prepares the kernel. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public MulInt8Vector128(in MulInt8Params p)
    {
        if (!IsApplicable(p))
            throw new ArgumentException($"MUL parameters {p} are outside this kernel's limits (int8 zero points and clamp, shift in [-31, 15]).", nameof(p));
        _p = p;
        _mo = new QuantizedMultiplierVector128(p.OutputMultiplier, p.OutputShift);
    }

    /// <summary>
    /// <paramref name="output"/>[i] = <paramref name="input1"/>[i] · <paramref name="input2"/>[i] for every i of
    /// <paramref name="output"/> (both inputs at least as long). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input1, ReadOnlySpan<sbyte> input2, Span<sbyte> output)
    {
        int n = output.Length;
        if (input1.Length < n || input2.Length < n)
            throw new ArgumentException($"Inputs ({input1.Length}, {input2.Length}) are shorter than the output ({n}).", nameof(input1));
        ref sbyte a = ref MemoryMarshal.GetReference(input1);
        ref sbyte b = ref MemoryMarshal.GetReference(input2);
        ref sbyte o = ref MemoryMarshal.GetReference(output);
        int i = Steps(ref a, ref b, ref o, n);
        int rest = n - i;
        if (rest > 0)
        {
            // The last elements (a channel row's end, run after run) through one more step on copies padded to 16:
            // the padding lanes are never stored, and the copies keep an output that is one of the inputs right.
            Span<sbyte> tail = stackalloc sbyte[48];
            input1.Slice(i, rest).CopyTo(tail);
            input2.Slice(i, rest).CopyTo(tail[16..]);
            ref sbyte t = ref MemoryMarshal.GetReference(tail);
            Steps(ref t, ref Unsafe.Add(ref t, 16), ref Unsafe.Add(ref t, 32), 16);
            tail.Slice(32, rest).CopyTo(output[i..]);
        }
    }

    /// <summary>The 16-element steps; returns where the scalar tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Steps(ref sbyte a, ref sbyte b, ref sbyte o, int n)
    {
        // Every constant in a local, so that the JIT keeps them in registers across the loop.
        var mo = _mo;
        var offset1 = Vector128.Create((short)_p.Input1Offset);
        var offset2 = Vector128.Create((short)_p.Input2Offset);
        var offset = Vector128.Create(_p.OutputOffset);
        var min = Vector128.Create((sbyte)_p.ActivationMin);
        var max = Vector128.Create((sbyte)_p.ActivationMax);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            var va = Vector128.LoadUnsafe(ref a, (nuint)i);
            var vb = Vector128.LoadUnsafe(ref b, (nuint)i);
            var al = Vector128.WidenLower(va) + offset1;
            var ah = Vector128.WidenUpper(va) + offset1;
            var bl = Vector128.WidenLower(vb) + offset2;
            var bh = Vector128.WidenUpper(vb) + offset2;
            var lo = Vector128.NarrowWithSaturation(
                mo.Apply(Vector128.WidenLower(al) * Vector128.WidenLower(bl)) + offset,
                mo.Apply(Vector128.WidenUpper(al) * Vector128.WidenUpper(bl)) + offset);
            var hi = Vector128.NarrowWithSaturation(
                mo.Apply(Vector128.WidenLower(ah) * Vector128.WidenLower(bh)) + offset,
                mo.Apply(Vector128.WidenUpper(ah) * Vector128.WidenUpper(bh)) + offset);
            Vector128.Min(Vector128.Max(Vector128.NarrowWithSaturation(lo, hi), min), max).StoreUnsafe(ref o, (nuint)i);
        }
        return i;
    }
}
