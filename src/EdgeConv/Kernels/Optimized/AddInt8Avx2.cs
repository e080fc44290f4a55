using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 ADD (or SUB) of two tensors of the same shape on x86 AVX2, 32 elements a step. Byte for byte the same as
/// <see cref="AddInt8Reference"/> (and <see cref="SubInt8Reference"/>) on same-shape inputs wherever
/// <see cref="IsApplicable"/> holds; runs only where <see cref="IsSupported"/>.
/// </summary>
/// <remarks>
/// <para>Each input: int8 sign-extended to eight int32 lanes (<c>vpmovsxbd</c>) and rescaled by
/// <see cref="AddInt8InputRescale"/> (two <c>vpmulld</c>, no 64-bit product; its remarks prove it exact), or, for an
/// input whose rescale is a plain shift (the one with the larger scale: multiplier 0.5), a shift and an add. Each
/// combination of forms and ADD or SUB is its own instantiation of the loop (<see cref="AddInt8Loop"/>).</para>
/// <para>The output rescale RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(raw, m), r) + z for the sum or
/// difference raw (|raw| &lt; 2^29, so the saturating case raw = int.MinValue never occurs), folded the same way:
/// with the nested floors of <see cref="AddInt8InputRescale"/>'s items 1–4 (L = 0 here),
/// result = ⌊(⌊T / 2^31⌋ − [r ≥ 1]·[raw &lt; 0]) / 2^r⌋ where T = raw·m + 2^30 + [r ≥ 1]·2^(30+r). ⌊T / 2^31⌋ is the
/// high dword of 2T = (2·raw)·m + 2·(2^30 + …): one <c>vpmuldq</c> per even and per odd lane on 2·raw
/// (|2·raw| &lt; 2^30), a 64-bit add of the constant (|2T| &lt; 2^61 + 2^62 + 2^31 &lt; 2^63), the high dwords blended back
/// into eight lanes (|⌊T / 2^31⌋| ≤ 2^29 + 2^30 + 1), the −1 for negative raw, one arithmetic shift by r, plus z.</para>
/// <para>Four groups of eight int32 results are narrowed with saturation (<c>vpackssdw</c>, <c>vpacksswb</c>,
/// then <c>vpermd</c> to undo the per-128-bit-lane order) and clamped; saturating first changes nothing because the
/// clamp bounds lie inside int8. After the 32-element steps come 8-element steps, then the reference's scalar rule.</para>
/// <para>Limits: those of <see cref="AddInt8Vector128"/>. An instance is immutable; <see cref="Run"/> allocates
/// nothing and may run on any slice (threads may split the elements); the output may be one of the inputs.</para>
/// </remarks>
public sealed class AddInt8Avx2
{
    private readonly AddInt8Params _p;
    private readonly bool _subtract;
    private readonly AddInt8InputRescale _r1, _r2;
    private readonly long _outputRounding;   // 2·(2^30 + [r ≥ 1]·2^(30+r))
    private readonly int _outputNegative;     // −1 (all ones) when r ≥ 1: the negative-tie correction applies
    private readonly int _outputShift;        // r

    /// <summary>Whether this CPU runs the kernel (AVX2).</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Whether the kernel computes this ADD/SUB: the limits of <see cref="AddInt8Vector128"/>.</summary>
    public static bool IsApplicable(in AddInt8Params p) => AddInt8Vector128.IsApplicable(p);

    /// <summary>
    /// Prepares the kernel; <paramref name="subtract"/> makes it SUB. Throws <see cref="ArgumentException"/> unless
    /// <see cref="IsApplicable"/>, <see cref="PlatformNotSupportedException"/> unless <see cref="IsSupported"/>.
    /// </summary>
    public AddInt8Avx2(in AddInt8Params p, bool subtract = false)
    {
        if (!IsApplicable(p))
            throw new ArgumentException($"ADD parameters {p} are outside this kernel's limits (left shift 20, shifts in [-31, 0], multipliers >= 0, int8 zero points and clamp).", nameof(p));
        if (!IsSupported)
            throw new PlatformNotSupportedException("AddInt8Avx2 needs AVX2.");
        _p = p;
        _subtract = subtract;
        _r1 = new AddInt8InputRescale(p.Input1Offset, p.Input1Multiplier, p.Input1Shift, p.LeftShift);
        _r2 = new AddInt8InputRescale(p.Input2Offset, p.Input2Multiplier, p.Input2Shift, p.LeftShift);
        int r = -p.OutputShift;
        _outputRounding = 2 * ((1L << 30) + (r >= 1 ? 1L << (30 + r) : 0));
        _outputNegative = r >= 1 ? -1 : 0;
        _outputShift = r;
    }

    /// <summary>
    /// <paramref name="output"/>[i] = <paramref name="input1"/>[i] ⊕ <paramref name="input2"/>[i] for every i of
    /// <paramref name="output"/> (both inputs at least as long). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input1, ReadOnlySpan<sbyte> input2, Span<sbyte> output) =>
        AddInt8Loop.Run(new Loop(this), _p, _subtract, _r1, _r2, input1, input2, output);

    /// <summary>The 32- and 8-element steps.</summary>
    private readonly struct Loop(AddInt8Avx2 kernel) : IAddInt8Loop
    {
        public int Run<TOp, T1, T2>(T1 r1, T2 r2, ref sbyte a, ref sbyte b, ref sbyte o, int n)
            where TOp : struct, IAddInt8Combine where T1 : struct, IAddInt8Rescale where T2 : struct, IAddInt8Rescale
        {
            // Every constant in a local, so that the JIT keeps them in registers across the loop.
            var output = new OutputRescale(kernel._p.OutputMultiplier, kernel._outputRounding, kernel._outputNegative, kernel._outputShift, kernel._p.OutputOffset);
            var min = Vector256.Create((sbyte)kernel._p.ActivationMin);
            var max = Vector256.Create((sbyte)kernel._p.ActivationMax);
            var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            int i = 0;
            for (; i <= n - 32; i += 32)
            {
                var w0 = Avx2.PackSignedSaturate(
                    output.Apply(TOp.Combine(r1.Apply(Load8(ref a, i)), r2.Apply(Load8(ref b, i)))),
                    output.Apply(TOp.Combine(r1.Apply(Load8(ref a, i + 8)), r2.Apply(Load8(ref b, i + 8)))));
                var w1 = Avx2.PackSignedSaturate(
                    output.Apply(TOp.Combine(r1.Apply(Load8(ref a, i + 16)), r2.Apply(Load8(ref b, i + 16)))),
                    output.Apply(TOp.Combine(r1.Apply(Load8(ref a, i + 24)), r2.Apply(Load8(ref b, i + 24)))));
                var packed = Avx2.PackSignedSaturate(w0, w1);
                var ordered = Avx2.PermuteVar8x32(packed.AsInt32(), order).AsSByte();
                Vector256.Min(Vector256.Max(ordered, min), max).StoreUnsafe(ref o, (nuint)i);
            }
            for (; i <= n - 8; i += 8)
            {
                var e = output.Apply(TOp.Combine(r1.Apply(Load8(ref a, i)), r2.Apply(Load8(ref b, i))));
                var words = Avx2.PackSignedSaturate(e, e);
                var ordered = Avx2.PermuteVar8x32(Avx2.PackSignedSaturate(words, words).AsInt32(), order).AsSByte();
                var clamped = Vector256.Min(Vector256.Max(ordered, min), max);
                Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref o, i)), clamped.AsInt64().ToScalar());
            }
            return i;
        }
    }

    /// <summary>Eight int8 values at <paramref name="at"/>, sign-extended to int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load8(ref sbyte start, int at) =>
        Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref start, at)))).AsSByte());

    /// <summary>The output rescale of the remarks, plus the zero point, with its constants broadcast.</summary>
    private readonly struct OutputRescale(int multiplier, long rounding, int negative, int shift, int offset)
    {
        private readonly Vector256<int> _multiplier = Vector256.Create(multiplier), _negative = Vector256.Create(negative), _offset = Vector256.Create(offset);
        private readonly Vector256<long> _rounding = Vector256.Create(rounding);
        private readonly int _shift = shift;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Apply(Vector256<int> raw)
        {
            var twice = raw + raw;
            var even = Avx2.Multiply(twice, _multiplier) + _rounding;
            var odd = Avx2.Multiply(Avx2.ShiftRightLogical(twice.AsInt64(), 32).AsInt32(), _multiplier) + _rounding;
            var high = Avx2.Blend(Avx2.ShiftRightLogical(even, 32).AsInt32(), odd.AsInt32(), 0b1010_1010);
            high += Vector256.ShiftRightArithmetic(raw, 31) & _negative;
            return Vector256.ShiftRightArithmetic(high, _shift) + _offset;
        }
    }
}
