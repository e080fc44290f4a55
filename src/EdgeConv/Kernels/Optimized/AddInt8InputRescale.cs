using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// One input's rescale in TFLite's int8 ADD/SUB,
/// <c>MultiplyByQuantizedMultiplierSmallerThanOneExp((v + offset) &lt;&lt; 20, m, shift)</c> for an int8 v, as int32
/// multiplies, adds and shifts: no 64-bit product. Shared by <see cref="AddInt8Vector128"/> and <see cref="AddInt8X86"/>.
/// </summary>
/// <remarks>
/// <para>With x = v + offset (|x| ≤ 255), L = 20 the left shift, r = −shift ∈ [0, 31] and m ≥ 0:</para>
/// <list type="number">
/// <item>SaturatingRoundingDoublingHighMul(a, m) = ⌊(a·m + 2^30) / 2^31⌋ for every a, m but a = m = int.MinValue
/// (<see cref="RequantizeInt8Vector128"/>'s remarks); a = x·2^L is far from that. Dividing numerator and denominator
/// by 2^L: u = ⌊(x·m + 2^(30−L)) / 2^(31−L)⌋.</item>
/// <item>RoundingDivideByPOT(u, r) = ⌊(u + 2^(r−1) − [u &lt; 0]) / 2^r⌋ for r ≥ 1 (ties away from zero: gemmlowp's
/// remainder-against-threshold test says exactly this), and u for r = 0.</item>
/// <item>⌊(⌊A / p⌋ + c) / q⌋ = ⌊(A + c·p) / (p·q)⌋ for integers A, c and p, q ≥ 1, so the result is
/// ⌊(x·m + K) / 2^S⌋ with S = 31 − L + r and K = 2^(30−L) + [r ≥ 1]·(2^(r−1) − [u &lt; 0])·2^(31−L).</item>
/// <item>[u &lt; 0] may be replaced by [x &lt; 0]: for x ≥ 0 (m ≥ 0) u ≥ 0; for x &lt; 0 with u ≥ 0, u is 0 (as
/// x·m + 2^(30−L) &lt; 2^(31−L)), and then ⌊(0 + 2^(r−1) − 1) / 2^r⌋ = 0 as well. So the correction
/// −2^(31−L) applies to the lanes with v &lt; −offset: a compare and an AND.</item>
/// <item>Split m = m_h·2^k + m_l and the constant C = offset·m + K₀ = C_h·2^k + C_l (0 ≤ m_l, C_l &lt; 2^k,
/// k = min(S, 16), K₀ the uncorrected K). Then x·m + K = (v·m_h + C_h)·2^k + lo with
/// lo = v·m_l + C_l − [x &lt; 0]·2^(31−L), and ⌊(x·m + K) / 2^k⌋ = v·m_h + C_h + (lo &gt;&gt; k): an arithmetic shift
/// is a floor. The remaining ⌊· / 2^(S−k)⌋ is one more arithmetic shift (item 3 with c = 0).</item>
/// </list>
/// <para>No int32 overflows: |v·m_l| &lt; 2^7·2^16, C_l &lt; 2^16, 2^(31−L) = 2^11; |v·m_h| ≤ 2^7·2^(31−k) ≤ 2^27 (k ≥ 11);
/// |C_h| ≤ (2^7·2^31 + 2^(S−1) + 2^10) / 2^k + 1 ≤ 2^27 + 2^25 + 2 (k ≥ 11, S − k ≤ 26); and the whole sum,
/// ⌊(x·m + K) / 2^k⌋, is below 2^(39−k) + 2^(S−1−k) + 1 ≤ 2^28 + 2^25 + 1 in magnitude.</para>
/// <para>Limits: left shift 20 (TFLite's constant for int8), shift in [−31, 0], multiplier ≥ 0, offset in
/// [−127, 128] (minus an int8 zero point).</para>
/// </remarks>
internal readonly struct AddInt8InputRescale
{
    /// <summary>m_h, m_l, C_h, C_l of the remarks.</summary>
    public readonly int MulHigh, MulLow, AddHigh, AddLow;
    /// <summary>−offset: lanes with v below it have x &lt; 0.</summary>
    public readonly int NegativeBelow;
    /// <summary>−2^(31−L) for r ≥ 1, else 0.</summary>
    public readonly int NegativeAdjust;
    /// <summary>k, and S − k.</summary>
    public readonly int LowShift, HighShift;

    /// <summary>Whether the formula covers this input (see the limits in the remarks).</summary>
    public static bool IsApplicable(int offset, int multiplier, int shift, int leftShift) =>
        leftShift == AddInt8Reference.Int8LeftShift && multiplier >= 0 && shift is >= -31 and <= 0 && offset is >= -127 and <= 128;

    /// <summary>Derives the constants. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public AddInt8InputRescale(int offset, int multiplier, int shift, int leftShift)
    {
        if (!IsApplicable(offset, multiplier, shift, leftShift))
            throw new ArgumentException($"Input rescale offset {offset} multiplier {multiplier} shift {shift} left shift {leftShift} is outside the formula's limits.", nameof(multiplier));
        int r = -shift;
        int s = 31 - leftShift + r;
        int k = Math.Min(s, 16);
        long k0 = (1L << (30 - leftShift)) + (r >= 1 ? 1L << (r - 1 + 31 - leftShift) : 0);
        long c = (long)offset * multiplier + k0;
        MulHigh = multiplier >> k;
        MulLow = multiplier & ((1 << k) - 1);
        AddHigh = checked((int)(c >> k));
        AddLow = (int)(c & ((1L << k) - 1));
        NegativeBelow = -offset;
        NegativeAdjust = r >= 1 ? -(1 << (31 - leftShift)) : 0;
        LowShift = k;
        HighShift = s - k;
    }

    /// <summary>
    /// Whether the rescale is <c>(v &lt;&lt; ShiftLeft) + C_h</c>: m_l = 0, no negative correction (r = 0), S = k, m_h a
    /// power of two. Then lo = C_l ∈ [0, 2^k) and lo &gt;&gt; k = 0. It is the case of the input with the larger scale,
    /// whose multiplier is 0.5 = 2^30 · 2^−31 with shift 0.
    /// </summary>
    public bool IsShift => MulLow == 0 && NegativeAdjust == 0 && HighShift == 0 && MulHigh > 0 && (MulHigh & (MulHigh - 1)) == 0;

    /// <summary>log2(m_h), where <see cref="IsShift"/>.</summary>
    public int ShiftLeft => System.Numerics.BitOperations.Log2((uint)MulHigh);

    /// <summary>The rescaled input for int8 value <paramref name="v"/>, in scalar code (the tests check the formula with it).</summary>
    public int Apply(int v)
    {
        int lo = v * MulLow + AddLow + (v < NegativeBelow ? NegativeAdjust : 0);
        return (v * MulHigh + AddHigh + (lo >> LowShift)) >> HighShift;
    }

    /// <summary>What the reference computes for int8 value <paramref name="v"/>: the specification of <see cref="Apply(int)"/>.</summary>
    internal static int Reference(int v, int offset, int multiplier, int shift, int leftShift) =>
        FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp((v + offset) * (1 << leftShift), multiplier, shift);
}

/// <summary>One input's rescale on vector lanes, in one of two forms (see <see cref="AddInt8InputRescale.IsShift"/>).</summary>
internal interface IAddInt8Rescale
{
    /// <summary>The rescale of four int8 values, held as int32 lanes.</summary>
    Vector128<int> Apply(Vector128<int> v);

    /// <summary>The rescale of eight int8 values, held as int32 lanes.</summary>
    Vector256<int> Apply(Vector256<int> v);
}

/// <summary><see cref="AddInt8InputRescale"/> in full, its constants broadcast (the lower halves serve 128-bit lanes).</summary>
internal readonly struct AddInt8GeneralRescale(in AddInt8InputRescale r) : IAddInt8Rescale
{
    private readonly Vector256<int> _mulHigh = Vector256.Create(r.MulHigh), _mulLow = Vector256.Create(r.MulLow);
    private readonly Vector256<int> _addHigh = Vector256.Create(r.AddHigh), _addLow = Vector256.Create(r.AddLow);
    private readonly Vector256<int> _negativeBelow = Vector256.Create(r.NegativeBelow), _negativeAdjust = Vector256.Create(r.NegativeAdjust);
    private readonly int _lowShift = r.LowShift, _highShift = r.HighShift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply(Vector128<int> v)
    {
        var lo = v * _mulLow.GetLower() + _addLow.GetLower() + (Vector128.GreaterThan(_negativeBelow.GetLower(), v) & _negativeAdjust.GetLower());
        var hi = v * _mulHigh.GetLower() + _addHigh.GetLower() + Vector128.ShiftRightArithmetic(lo, _lowShift);
        return Vector128.ShiftRightArithmetic(hi, _highShift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Apply(Vector256<int> v)
    {
        var lo = v * _mulLow + _addLow + (Vector256.GreaterThan(_negativeBelow, v) & _negativeAdjust);
        var hi = v * _mulHigh + _addHigh + Vector256.ShiftRightArithmetic(lo, _lowShift);
        return Vector256.ShiftRightArithmetic(hi, _highShift);
    }
}

/// <summary><see cref="AddInt8InputRescale"/> where <see cref="AddInt8InputRescale.IsShift"/>: (v &lt;&lt; p) + C_h.</summary>
internal readonly struct AddInt8ShiftRescale(in AddInt8InputRescale r) : IAddInt8Rescale
{
    private readonly Vector256<int> _add = Vector256.Create(r.AddHigh);
    private readonly int _shift = r.ShiftLeft;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply(Vector128<int> v) => Vector128.ShiftLeft(v, _shift) + _add.GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Apply(Vector256<int> v) => Vector256.ShiftLeft(v, _shift) + _add;
}

/// <summary>ADD or SUB of the two rescaled inputs.</summary>
internal interface IAddInt8Combine
{
    /// <summary>s1 ⊕ s2 on four lanes.</summary>
    static abstract Vector128<int> Combine(Vector128<int> s1, Vector128<int> s2);

    /// <summary>s1 ⊕ s2 on eight lanes.</summary>
    static abstract Vector256<int> Combine(Vector256<int> s1, Vector256<int> s2);
}

/// <summary>ADD: s1 + s2.</summary>
internal readonly struct AddInt8Add : IAddInt8Combine
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Combine(Vector128<int> s1, Vector128<int> s2) => s1 + s2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Combine(Vector256<int> s1, Vector256<int> s2) => s1 + s2;
}

/// <summary>SUB: s1 − s2.</summary>
internal readonly struct AddInt8Sub : IAddInt8Combine
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Combine(Vector128<int> s1, Vector128<int> s2) => s1 - s2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Combine(Vector256<int> s1, Vector256<int> s2) => s1 - s2;
}

/// <summary>The vector loop of an ADD/SUB kernel, generic in the operator and in each input's rescale form.</summary>
internal interface IAddInt8Loop
{
    /// <summary>Runs the vector steps over elements [0, <paramref name="n"/>); returns the index where the scalar tail starts.</summary>
    int Run<TOp, T1, T2>(T1 r1, T2 r2, ref sbyte a, ref sbyte b, ref sbyte o, int n)
        where TOp : struct, IAddInt8Combine where T1 : struct, IAddInt8Rescale where T2 : struct, IAddInt8Rescale;
}

/// <summary>
/// What the ADD/SUB kernels share around their vector loops: the span checks, the operator and both rescale forms
/// picked as types (so that the loop body has no branch), and the tail: one more pass on padded copies.
/// </summary>
internal static class AddInt8Loop
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <see cref="AddInt8Vector128.IsApplicable"/>: the limits every ADD/SUB kernel shares.</summary>
    public static void CheckApplicable(in AddInt8Params p)
    {
        if (!AddInt8Vector128.IsApplicable(p))
            throw new ArgumentException($"ADD parameters {p} are outside the ADD kernels' limits (left shift 20, shifts in [-31, 0], multipliers >= 0, int8 zero points and clamp).", nameof(p));
    }

    /// <summary>
    /// <paramref name="output"/>[i] = <paramref name="input1"/>[i] ⊕ <paramref name="input2"/>[i] for every i of
    /// <paramref name="output"/> (both inputs at least as long).
    /// </summary>
    public static void Run<TLoop>(TLoop loop, in AddInt8Params p, bool subtract, in AddInt8InputRescale r1, in AddInt8InputRescale r2,
        ReadOnlySpan<sbyte> input1, ReadOnlySpan<sbyte> input2, Span<sbyte> output) where TLoop : struct, IAddInt8Loop
    {
        int n = output.Length;
        if (input1.Length < n || input2.Length < n)
            throw new ArgumentException($"Inputs ({input1.Length}, {input2.Length}) are shorter than the output ({n}).", nameof(input1));
        ref sbyte a = ref MemoryMarshal.GetReference(input1);
        ref sbyte b = ref MemoryMarshal.GetReference(input2);
        ref sbyte o = ref MemoryMarshal.GetReference(output);
        var args = new Args(ref a, ref b, ref o, n);
        int i = subtract ? Run<TLoop, AddInt8Sub>(loop, r1, r2, args) : Run<TLoop, AddInt8Add>(loop, r1, r2, args);
        int rest = n - i;
        if (rest is > 0 and < TailBytes)
        {
            // The last elements, fewer than a step (a channel row's end, run after run), through one more pass of the
            // vector loop on copies padded to TailBytes: the padding lanes are never stored, and the copies keep an
            // output that is one of the inputs right. One pass costs less than a few elements of the scalar rule.
            Span<sbyte> tail = stackalloc sbyte[3 * TailBytes];
            input1.Slice(i, rest).CopyTo(tail);
            input2.Slice(i, rest).CopyTo(tail[TailBytes..]);
            ref sbyte t = ref MemoryMarshal.GetReference(tail);
            var padded = new Args(ref t, ref Unsafe.Add(ref t, TailBytes), ref Unsafe.Add(ref t, 2 * TailBytes), TailBytes);
            int done = subtract ? Run<TLoop, AddInt8Sub>(loop, r1, r2, padded) : Run<TLoop, AddInt8Add>(loop, r1, r2, padded);
            if (done == TailBytes)
            {
                tail.Slice(2 * TailBytes, rest).CopyTo(output[i..]);
                return;
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref o, i) = AddInt8Reference.Combine(p, Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), subtract);
    }

    /// <summary>Every vector loop's steps divide this (AVX-512 and Vector128: 16; AVX2: 8 after its 32s).</summary>
    private const int TailBytes = 16;

    /// <summary>The spans' starts and the length, passed along the dispatch.</summary>
    private readonly ref struct Args(ref sbyte a, ref sbyte b, ref sbyte o, int n)
    {
        public readonly ref sbyte A = ref a, B = ref b, O = ref o;
        public readonly int N = n;
    }

    private static int Run<TLoop, TOp>(TLoop loop, in AddInt8InputRescale r1, in AddInt8InputRescale r2, in Args args)
        where TLoop : struct, IAddInt8Loop where TOp : struct, IAddInt8Combine =>
        r1.IsShift ? Run<TLoop, TOp, AddInt8ShiftRescale>(loop, new AddInt8ShiftRescale(r1), r2, args)
        : Run<TLoop, TOp, AddInt8GeneralRescale>(loop, new AddInt8GeneralRescale(r1), r2, args);

    private static int Run<TLoop, TOp, T1>(TLoop loop, T1 f1, in AddInt8InputRescale r2, in Args args)
        where TLoop : struct, IAddInt8Loop where TOp : struct, IAddInt8Combine where T1 : struct, IAddInt8Rescale =>
        r2.IsShift ? loop.Run<TOp, T1, AddInt8ShiftRescale>(f1, new AddInt8ShiftRescale(r2), ref args.A, ref args.B, ref args.O, args.N)
        : loop.Run<TOp, T1, AddInt8GeneralRescale>(f1, new AddInt8GeneralRescale(r2), ref args.A, ref args.B, ref args.O, args.N);
}
