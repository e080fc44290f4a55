using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 ADD (or SUB) of two tensors of the same shape, 16 elements at a time, written with the cross-platform
/// <see cref="Vector128"/> API only. Byte for byte the same as <see cref="AddInt8Reference"/> (and
/// <see cref="SubInt8Reference"/>) on same-shape inputs wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para>Per element, TFLite's AddFunc: each input plus its offset, shifted left by <c>LeftShift</c> (20),
/// rescaled with MultiplyByQuantizedMultiplierSmallerThanOneExp; the two added (or subtracted), rescaled to the
/// output the same way, plus the output zero point, clamped. Each rescale is one
/// <see cref="QuantizedMultiplierVector128"/> (for shifts ≤ 0 it is exactly SmallerThanOneExp). No step
/// overflows int32: |x + offset| ≤ 255, so the shifted value is below 2^28 and each rescaled one no larger;
/// the reference wraps nowhere either. The int32 results are narrowed with saturation and then clamped,
/// which equals clamping first because the clamp bounds lie inside int8.</para>
/// <para>Elements after the last multiple of 16 take the reference's scalar rule.</para>
/// <para>Limits: the three shifts in [−31, 0]; the left shift in [0, 23]; the clamp inside int8. An instance is
/// immutable; <see cref="Run"/> allocates nothing and may run on any slice (threads may split the elements).</para>
/// </remarks>
public sealed class AddInt8Vector128
{
    private readonly AddInt8Params _p;
    private readonly bool _subtract;
    private readonly QuantizedMultiplierVector128 _m1, _m2, _mo;

    /// <summary>Whether the kernel computes this ADD/SUB (see the limits in the remarks).</summary>
    public static bool IsApplicable(in AddInt8Params p) =>
        p.Input1Shift is >= -31 and <= 0 && p.Input2Shift is >= -31 and <= 0 && p.OutputShift is >= -31 and <= 0
        && p.LeftShift is >= 0 and <= 23
        && p.ActivationMin >= sbyte.MinValue && p.ActivationMax <= sbyte.MaxValue
        && p.ActivationMin <= sbyte.MaxValue && p.ActivationMax >= sbyte.MinValue;

    /// <summary>Prepares the kernel; <paramref name="subtract"/> makes it SUB. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public AddInt8Vector128(in AddInt8Params p, bool subtract = false)
    {
        if (!IsApplicable(p))
            throw new ArgumentException($"ADD parameters {p} are outside this kernel's limits (shifts in [-31, 0], left shift <= 23, clamp inside int8).", nameof(p));
        _p = p;
        _subtract = subtract;
        _m1 = new QuantizedMultiplierVector128(p.Input1Multiplier, p.Input1Shift);
        _m2 = new QuantizedMultiplierVector128(p.Input2Multiplier, p.Input2Shift);
        _mo = new QuantizedMultiplierVector128(p.OutputMultiplier, p.OutputShift);
    }

    /// <summary>
    /// <paramref name="output"/>[i] = <paramref name="input1"/>[i] ⊕ <paramref name="input2"/>[i] for every i of
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
        var off1 = Vector128.Create(_p.Input1Offset);
        var off2 = Vector128.Create(_p.Input2Offset);
        var min = Vector128.Create((sbyte)_p.ActivationMin);
        var max = Vector128.Create((sbyte)_p.ActivationMax);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            var va = Vector128.LoadUnsafe(ref a, (nuint)i);
            var vb = Vector128.LoadUnsafe(ref b, (nuint)i);
            var al = Vector128.WidenLower(va);
            var ah = Vector128.WidenUpper(va);
            var bl = Vector128.WidenLower(vb);
            var bh = Vector128.WidenUpper(vb);
            var lo = Vector128.NarrowWithSaturation(
                Combine(Vector128.WidenLower(al), Vector128.WidenLower(bl), off1, off2),
                Combine(Vector128.WidenUpper(al), Vector128.WidenUpper(bl), off1, off2));
            var hi = Vector128.NarrowWithSaturation(
                Combine(Vector128.WidenLower(ah), Vector128.WidenLower(bh), off1, off2),
                Combine(Vector128.WidenUpper(ah), Vector128.WidenUpper(bh), off1, off2));
            Vector128.Min(Vector128.Max(Vector128.NarrowWithSaturation(lo, hi), min), max).StoreUnsafe(ref o, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref o, i) = AddInt8Reference.Combine(_p, Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), _subtract);
    }

    /// <summary>Four lanes of AddFunc up to the output zero point (before the clamp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<int> Combine(Vector128<int> x, Vector128<int> y, Vector128<int> off1, Vector128<int> off2)
    {
        var s1 = _m1.Apply(Vector128.ShiftLeft(x + off1, _p.LeftShift));
        var s2 = _m2.Apply(Vector128.ShiftLeft(y + off2, _p.LeftShift));
        return _mo.Apply(_subtract ? s1 - s2 : s1 + s2) + Vector128.Create(_p.OutputOffset);
    }
}
