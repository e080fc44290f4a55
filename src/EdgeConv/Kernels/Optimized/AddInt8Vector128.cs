using System.Runtime.CompilerServices;
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
/// output the same way, plus the output zero point, clamped. Each input's rescale is
/// <see cref="AddInt8InputRescale"/>: int32 multiplies and shifts whose exactness its remarks prove (or a shift and
/// an add for the input with the larger scale; see <see cref="AddInt8Loop"/>). The output
/// rescale is one <see cref="QuantizedMultiplierVector128"/> (for shifts ≤ 0 it is exactly SmallerThanOneExp).
/// No step overflows int32: each rescaled input is at most 255·2^20·m/2^31 &lt; 2^28 in magnitude, so their sum
/// or difference is below 2^29; the reference wraps nowhere either. The int32 results are narrowed with
/// saturation and then clamped, which equals clamping first because the clamp bounds lie inside int8.</para>
/// <para>Elements after the last multiple of 16 take one more step on padded copies (<see cref="AddInt8Loop"/>).</para>
/// <para>Limits: left shift 20; the three shifts in [−31, 0]; multipliers ≥ 0; offsets minus int8 zero points;
/// the clamp inside int8 (every ADD/SUB that <see cref="AddInt8Reference.Prepare"/> and
/// <see cref="SubInt8Reference.Prepare"/> produce). An instance is immutable; <see cref="Run"/> allocates nothing and
/// may run on any slice (threads may split the elements).</para>
/// </remarks>
public sealed class AddInt8Vector128
{
    private readonly AddInt8Params _p;
    private readonly bool _subtract;
    private readonly AddInt8InputRescale _r1, _r2;
    private readonly QuantizedMultiplierVector128 _mo;

    /// <summary>Whether the kernel computes this ADD/SUB (see the limits in the remarks).</summary>
    public static bool IsApplicable(in AddInt8Params p) =>
        AddInt8InputRescale.IsApplicable(p.Input1Offset, p.Input1Multiplier, p.Input1Shift, p.LeftShift)
        && AddInt8InputRescale.IsApplicable(p.Input2Offset, p.Input2Multiplier, p.Input2Shift, p.LeftShift)
        && p.OutputMultiplier >= 0 && p.OutputShift is >= -31 and <= 0
        && p.ActivationMin >= sbyte.MinValue && p.ActivationMax <= sbyte.MaxValue
        && p.ActivationMin <= sbyte.MaxValue && p.ActivationMax >= sbyte.MinValue;

    /// <summary>Prepares the kernel; <paramref name="subtract"/> makes it SUB. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public AddInt8Vector128(in AddInt8Params p, bool subtract = false)
    {
        AddInt8Loop.CheckApplicable(p);
        _p = p;
        _subtract = subtract;
        _r1 = new AddInt8InputRescale(p.Input1Offset, p.Input1Multiplier, p.Input1Shift, p.LeftShift);
        _r2 = new AddInt8InputRescale(p.Input2Offset, p.Input2Multiplier, p.Input2Shift, p.LeftShift);
        _mo = new QuantizedMultiplierVector128(p.OutputMultiplier, p.OutputShift);
    }

    /// <summary>
    /// <paramref name="output"/>[i] = <paramref name="input1"/>[i] ⊕ <paramref name="input2"/>[i] for every i of
    /// <paramref name="output"/> (both inputs at least as long). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input1, ReadOnlySpan<sbyte> input2, Span<sbyte> output) =>
        AddInt8Loop.Run(new Loop(this), _p, _subtract, _r1, _r2, input1, input2, output);

    /// <summary>The 16-element steps.</summary>
    private readonly struct Loop(AddInt8Vector128 kernel) : IAddInt8Loop
    {
        public int Run<TOp, T1, T2>(T1 r1, T2 r2, ref sbyte a, ref sbyte b, ref sbyte o, int n)
            where TOp : struct, IAddInt8Combine where T1 : struct, IAddInt8Rescale where T2 : struct, IAddInt8Rescale
        {
            // Every constant in a local, so that the JIT keeps them in registers across the loop.
            var mo = kernel._mo;
            var offset = Vector128.Create(kernel._p.OutputOffset);
            var min = Vector128.Create((sbyte)kernel._p.ActivationMin);
            var max = Vector128.Create((sbyte)kernel._p.ActivationMax);
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
                    mo.Apply(TOp.Combine(r1.Apply(Vector128.WidenLower(al)), r2.Apply(Vector128.WidenLower(bl)))) + offset,
                    mo.Apply(TOp.Combine(r1.Apply(Vector128.WidenUpper(al)), r2.Apply(Vector128.WidenUpper(bl)))) + offset);
                var hi = Vector128.NarrowWithSaturation(
                    mo.Apply(TOp.Combine(r1.Apply(Vector128.WidenLower(ah)), r2.Apply(Vector128.WidenLower(bh)))) + offset,
                    mo.Apply(TOp.Combine(r1.Apply(Vector128.WidenUpper(ah)), r2.Apply(Vector128.WidenUpper(bh)))) + offset);
                Vector128.Min(Vector128.Max(Vector128.NarrowWithSaturation(lo, hi), min), max).StoreUnsafe(ref o, (nuint)i);
            }
            return i;
        }
    }
}
