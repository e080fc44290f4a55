using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// x86 AVX2 per-channel int8 requantization, 8 int32 lanes at a time, byte for byte the same as
/// <see cref="Quantization.FixedPoint.MultiplyByQuantizedMultiplier"/> followed by the output offset and the
/// clamp. Its operands are stored by <em>position</em>, not by channel: a kernel that keeps its
/// accumulators in a permuted channel order (see <see cref="Pack32"/>) gives the channel of every
/// position once, at load, and then requantizes its vectors as they are. Where the kernel can bound its
/// accumulators (see <see cref="IsCompact"/>) a shorter exact form runs.
/// </summary>
/// <remarks>
/// <para><b>General form.</b> <see cref="RequantizeInt8Vector128"/>'s x86 arithmetic (see its remarks)
/// with two changes that remove work and keep it exact: the left shift is <c>VPSLLVD</c> (x·2^left
/// modulo 2^32 is x &lt;&lt; left) and the odd lanes' multipliers are stored already moved to the even dwords.
/// SaturatingRoundingDoublingHighMul's one saturating case, both operands int.MinValue, is fixed up only
/// when some multiplier is int.MinValue (TFLite's QuantizeMultiplier yields multipliers in [2^30, 2^31) or 0).
/// Otherwise |a·b| &lt; 2^62, so <c>a·b + 2^30</c> is exact in 64 bits and its bits 31..62 are the high multiply
/// <c>h = ⌊(a·b + 2^30) / 2^31⌋</c> (gemmlowp's rounding, for both signs). RoundingDivideByPOT is gemmlowp's
/// compare form, which cannot overflow.</para>
/// <para><b>Compact form.</b> For a right shift e ≥ 1, RoundingDivideByPOT(h, e) rounds half away from
/// zero, which is <c>⌊(h + 2^(e−1) − [h &lt; 0]) / 2^e⌋</c> (for h ≥ 0 it rounds half up; for h &lt; 0 the −1
/// turns a tie down and moves nothing else across a multiple of 2^e). Adding the output offset o inside
/// the floor as o·2^e, and C = 2^(e−1) + o·2^e (C = o when e = 0, where the division is the identity)
/// inside the high multiply's floor as C·2^31, the whole epilogue is <c>(H − [H &lt; C]) &gt;&gt; e</c> with
/// <c>H = ⌊(a·b + 2^30 + C·2^31) / 2^31⌋ = h + C</c> (and no −1 when e = 0: its threshold is int.MinValue).
/// It is computed with x = 2a: <c>x·b + 2^31 + C·2^32 = 2·(a·b + 2^30 + C·2^31)</c> has H as its high dword,
/// so the even lanes' H is moved down with a <c>vpshufd</c> instead of shifted, and the odd lanes' a are
/// moved to the even dwords <c>vpmuldq</c> reads with another; a <c>vpblendd</c> joins them. That is 11
/// instructions per 8 lanes, one of them a shift, against 16 with five shifts. It needs no left shift (none of the depthwise layers of the models we measure has one) and,
/// for every channel, <c>2·|a| + 2 + |C| &lt; 2^31</c>: then 2a is exact, |H − 1| ≤ |a| + 2 + |C| stays
/// inside int32 (|h| ≤ |a| + 1), and the 64-bit sum stays below 2^32·(|a| + |C|) + 2^31 &lt; 2^63. The kernel
/// knows its accumulators' range from the weights and bias at load (<c>accumulatorBounds</c>); in real
/// models it is around 2^20, orders of magnitude inside the margin. A bias b per position is folded into the
/// constants as 2·b·M (x·M + 2·b·M = 2·(a + b)·M), so a GEMM epilogue adds nothing before requantizing.</para>
/// <para><b>Widths.</b> Operands come in groups of 8 positions (256-bit kernels) or 16 (512-bit ones; the
/// 256-bit forms read such a group a half at a time). On 16 lanes the compact form joins the even and odd
/// lanes' H with one <c>vpermt2d</c> (each lane's high dword), and the clamp runs on int32 lanes with the
/// bounds as embedded broadcasts before <c>vpmovsdb</c> narrows: 11 vector instructions per 16 lanes to the
/// narrowing.</para>
/// </remarks>
internal sealed class RequantizeInt8X86
{
    /// <summary>Operand vectors per group (see the constructor).</summary>
    private const int VectorsPerGroup = 7;

    // Per group of G positions (G = 8 or 16: one 256- or 512-bit vector of each operand), the seven vectors one
    // form uses, so that a kernel streams no others: compact: 0 Q31 multiplier, 1 odd multiplier (position 2i
    // holds position 2i+1's, as VPMULDQ reads even dwords), 2 and 3 the 64-bit constants 2^31 + C·2^32 + 2·bias·M
    // of the even and the odd positions, 4 the threshold C (int.MinValue when e = 0), 5 the right shift
    // e = max(-shift, 0); general: 0 left shift max(shift, 0), 1 multiplier, 2 odd multiplier, 3 e, 4 mask
    // 2^e - 1, 5 mask >> 1, 6 bias. One array, so a kernel walks one reference.
    private readonly AlignedBuffer<int> _operands;   // 64-byte aligned: a 512-bit operand load never splits a cache line
    private readonly int _group;
    private readonly bool _anyMinMultiplier;   // the general form's MIN·MIN saturation is needed
    private readonly int _outputOffset;
    private readonly sbyte _min, _max;
    private readonly int _minInt, _maxInt;
    private readonly bool _clamps;   // the clamp is narrower than int8: otherwise the narrowing's saturation is the clamp

    /// <summary>
    /// Whether the first <paramref name="channels"/> channels can be requantized here: those of
    /// <see cref="RequantizeInt8Vector128.IsApplicable"/>.
    /// </summary>
    public static bool IsApplicable(RequantParams q, int channels) => RequantizeInt8Vector128.IsApplicable(q, channels);

    /// <summary>
    /// Prepares the operands of every position: <paramref name="channelAt"/>[p] is the channel whose
    /// accumulator lane p holds, or −1 for a padding lane (requantized with multiplier 0; its result is
    /// never stored); its length must be a multiple of <paramref name="group"/> (8 for the 256-bit forms, 16
    /// for the 512-bit ones, whose operands the 256-bit forms also read, a half at a time, with stride 16).
    /// <paramref name="bias"/> (empty: none) is added per position before requantizing, folded into the
    /// compact form's constants. <paramref name="accumulatorBounds"/>[c] bounds |accumulator + bias| of
    /// channel c as the kernel computes it (in int32), or is <see cref="long.MaxValue"/> when unknown; the
    /// compact form runs when every bound leaves the margin the remarks give (and |accumulator| alone stays
    /// below 2^30, which <paramref name="accumulatorBounds"/> minus |bias| then bounds).
    /// </summary>
    public RequantizeInt8X86(RequantParams q, ReadOnlySpan<int> channelAt, ReadOnlySpan<long> accumulatorBounds,
        int group = 8, ReadOnlySpan<int> bias = default)
    {
        ArgumentNullException.ThrowIfNull(q);
        int channels = 0;
        foreach (int c in channelAt)
            channels = Math.Max(channels, c + 1);
        if (group is not (8 or 16) || channelAt.Length % group != 0 || !IsApplicable(q, channels) || accumulatorBounds.Length < channels
            || (!bias.IsEmpty && bias.Length != channelAt.Length))
            throw new ArgumentException($"Requantization of {channelAt.Length} positions needs a multiple of {group} (8 or 16), a bound per channel, " +
                "a bias per position or none, shifts in [-31, 30] and a clamp inside int8.", nameof(q));
        _group = group;
        IsCompact = true;
        for (int c = 0; c < channels; c++)
        {
            int right = -q.Shifts[c];
            long bound = accumulatorBounds[c];
            // No left shift, and 2·|a| + 2 + |C| < 2^31 (see the remarks); long arithmetic cannot overflow here.
            if (right < 0 || bound >= 1L << 30 || 2 * bound + 2 + Math.Abs(CompactOffset(right, q.OutputOffset)) >= 1L << 31)
                IsCompact = false;
            _anyMinMultiplier |= q.Multipliers[c] == int.MinValue;
        }
        if (!bias.IsEmpty)
            for (int p = 0; p < channelAt.Length; p++)
                if (channelAt[p] >= 0 && (long)accumulatorBounds[channelAt[p]] + Math.Abs((long)bias[p]) >= 1L << 30)
                    IsCompact = false;   // the accumulator without its bias, doubled, must stay exact in int32

        int v = group;   // ints per operand vector
        int length = channelAt.Length / v * VectorsPerGroup * v;
        _operands = new AlignedBuffer<int>(length);
        var operands = _operands.Span;
        var rounding = MemoryMarshal.Cast<int, long>(operands);
        for (int p = 0; p < channelAt.Length; p++)
        {
            int c = channelAt[p];
            int shift = c < 0 ? 0 : q.Shifts[c], multiplier = c < 0 ? 0 : q.Multipliers[c], b = c < 0 || bias.IsEmpty ? 0 : bias[p];
            int right = Math.Max(-shift, 0), mask = (int)((1L << right) - 1);
            long compact = CompactOffset(right, c < 0 ? 0 : q.OutputOffset);
            int at = OperandsAt(p, group);
            int m = IsCompact ? 0 : v;       // where the multiplier vector is
            operands[at + m] = multiplier;
            if (p % 2 == 1)
                operands[at + m + v - 1] = multiplier;
            if (IsCompact)
            {
                // The 64-bit constants: qword i of vector 2 (3) belongs to position 2i (2i+1) of the group.
                rounding[(at - p % v) / 2 + (p % 2 == 0 ? v : 3 * v / 2) + p % v / 2] = (1L << 31) + (compact << 32) + 2L * b * multiplier;
                operands[at + 4 * v] = right == 0 ? int.MinValue : (int)compact;
                operands[at + 5 * v] = right;
            }
            else
            {
                operands[at] = Math.Max(shift, 0);
                operands[at + 3 * v] = right;
                operands[at + 4 * v] = mask;
                operands[at + 5 * v] = mask >> 1;
                operands[at + 6 * v] = b;
            }
        }
        _outputOffset = q.OutputOffset;
        _min = (sbyte)q.ActivationMin;
        _max = (sbyte)q.ActivationMax;
        (_minInt, _maxInt) = (_min, _max);
        _clamps = _min > sbyte.MinValue || _max < sbyte.MaxValue;
    }

    /// <summary>C = 2^(e−1) + o·2^e for a right shift e ≥ 1, o when e = 0: what the compact form adds to the high multiply.</summary>
    private static long CompactOffset(int right, int outputOffset) => (right == 0 ? 0 : 1L << (right - 1)) + outputOffset * (1L << right);

    /// <summary>Whether the compact form runs (<see cref="ApplyCompact(Vector256{int}, ref int, int)"/>); otherwise <see cref="ApplyGeneral(Vector256{int}, ref int, int)"/>.</summary>
    public bool IsCompact { get; }

    /// <summary>The operands of position 0 (see <see cref="OperandsAt"/>).</summary>
    public ref int Operands => ref _operands.Start;

    /// <summary>Where, in ints after <see cref="Operands"/>, the operands of positions <paramref name="p"/>.. (p a multiple of 8) start, groups being <paramref name="group"/> positions wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OperandsAt(int p, int group = 8) => (int)((uint)p / (uint)group * (uint)(VectorsPerGroup * group) + (uint)p % (uint)group);

    /// <summary>
    /// General form: x = acc·2^left; the 64-bit products x·M + 2^30 of the even and the odd lanes, bits
    /// 31..62 of each blended back (h), MIN·MIN saturated where some multiplier is int.MinValue;
    /// RoundingDivideByPOT in gemmlowp's compare form; the output offset.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<int> General(Vector256<int> acc, Vector256<int> left, Vector256<int> multiplier, Vector256<int> oddMultiplier,
        Vector256<int> right, Vector256<int> mask, Vector256<int> halfMask)
    {
        var rounding = Vector256.Create(1L << 30);
        var x = Avx2.ShiftLeftLogicalVariable(acc, left.AsUInt32());
        var even = Avx2.Multiply(x, multiplier) + rounding;
        var odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), oddMultiplier) + rounding;
        // Lane 2i: low dword of (even >> 31); lane 2i+1: high dword of (odd << 1).
        var high = Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(), Avx2.ShiftLeftLogical(odd, 1).AsInt32(), 0b1010_1010);
        if (_anyMinMultiplier)
            high ^= Vector256.Equals(x, Vector256.Create(int.MinValue)) & Vector256.Equals(multiplier, Vector256.Create(int.MinValue));
        var rounded = Avx2.ShiftRightArithmeticVariable(high, right.AsUInt32())
            - Avx2.CompareGreaterThan(high & mask, halfMask - Avx2.ShiftRightArithmetic(high, 31));
        return rounded + Vector256.Create(_outputOffset);
    }

    /// <summary><see cref="General(Vector256{int}, Vector256{int}, Vector256{int}, Vector256{int}, Vector256{int}, Vector256{int}, Vector256{int})"/> on 16 lanes (AVX-512F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<int> General(Vector512<int> acc, ref int operands)
    {
        const int v = 16;
        var multiplier = Vector512.LoadUnsafe(ref operands, v);
        var rounding = Vector512.Create(1L << 30);
        var x = Avx512F.ShiftLeftLogicalVariable(acc, Vector512.LoadUnsafe(ref operands).AsUInt32());
        var even = Avx512F.Multiply(x, multiplier) + rounding;
        var odd = Avx512F.Multiply(Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Vector512.LoadUnsafe(ref operands, 2 * v)) + rounding;
        var high = Vector512.ConditionalSelect(Vector512.Create(unchecked((long)0xFFFF_FFFF_0000_0000UL)),
            Avx512F.ShiftLeftLogical(odd, 1), Avx512F.ShiftRightLogical(even, 31)).AsInt32();
        if (_anyMinMultiplier)
            high ^= Vector512.Equals(x, Vector512.Create(int.MinValue)) & Vector512.Equals(multiplier, Vector512.Create(int.MinValue));
        var remainder = high & Vector512.LoadUnsafe(ref operands, 4 * v);
        var threshold = Vector512.LoadUnsafe(ref operands, 5 * v) - Vector512.ShiftRightArithmetic(high, 31);
        var shifted = Avx512F.ShiftRightArithmeticVariable(high, Vector512.LoadUnsafe(ref operands, 3 * v).AsUInt32());
        return shifted - Vector512.GreaterThan(remainder, threshold) + Vector512.Create(_outputOffset);
    }

    /// <summary>
    /// Compact form: with x = 2·acc, the 64-bit x·M + 2^31 + C·2^32 (+ 2·bias·M) has H in its high dword, for
    /// the even lanes (moved down by <c>vpshufd</c>) and the odd ones (whose acc <c>vpshufd</c> moved to the even
    /// dwords <c>vpmuldq</c> reads); then (H − [H &lt; C]) &gt;&gt; e. The operands are the compact layout's vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Compact(Vector256<int> acc, Vector256<int> multiplier, Vector256<int> oddMultiplier,
        Vector256<long> evenConstant, Vector256<long> oddConstant, Vector256<int> threshold, Vector256<int> right)
    {
        var x = acc + acc;
        var even = Avx2.Multiply(x, multiplier) + evenConstant;
        var odd = Avx2.Multiply(Avx2.Shuffle(x, 0b11_11_01_01), oddMultiplier) + oddConstant;
        var h = Avx2.Blend(Avx2.Shuffle(even.AsInt32(), 0b11_11_01_01), odd.AsInt32(), 0b1010_1010);
        h += Avx2.CompareGreaterThan(threshold, h);   // − [H < C]
        return Avx2.ShiftRightArithmeticVariable(h, right.AsUInt32());
    }

    /// <summary>Operand vector <paramref name="k"/> of the group at <paramref name="operands"/>, vectors <paramref name="stride"/> ints apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load(ref int operands, int k, int stride) => Vector256.LoadUnsafe(ref operands, (nuint)(k * stride));

    /// <summary>
    /// MultiplyByQuantizedMultiplier of acc + bias, plus the output offset (int32 wrap-around), on the 8 positions
    /// whose <paramref name="operands"/> these are (in groups of <paramref name="stride"/> positions: 16 reads one half of
    /// a 512-bit group); any accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> ApplyGeneral(Vector256<int> acc, ref int operands, int stride = 8) =>
        General(acc + Load(ref operands, 6, stride), Load(ref operands, 0, stride), Load(ref operands, 1, stride), Load(ref operands, 2, stride),
            Load(ref operands, 3, stride), Load(ref operands, 4, stride), Load(ref operands, 5, stride));

    /// <summary><see cref="ApplyGeneral(Vector256{int}, ref int, int)"/> on two vectors of the same positions (two pixels), loading the operands once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ApplyGeneral(ref Vector256<int> a, ref Vector256<int> b, ref int operands)
    {
        const int v = 8;
        var (left, multiplier, oddMultiplier) = (Load(ref operands, 0, v), Load(ref operands, 1, v), Load(ref operands, 2, v));
        var (right, mask, halfMask, bias) = (Load(ref operands, 3, v), Load(ref operands, 4, v), Load(ref operands, 5, v), Load(ref operands, 6, v));
        a = General(a + bias, left, multiplier, oddMultiplier, right, mask, halfMask);
        b = General(b + bias, left, multiplier, oddMultiplier, right, mask, halfMask);
    }

    /// <summary>The same as <see cref="ApplyGeneral(Vector256{int}, ref int, int)"/> in the compact form; only where <see cref="IsCompact"/> (accumulators within their bounds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ApplyCompact(Vector256<int> acc, ref int operands, int stride = 8) =>
        Compact(acc, Load(ref operands, 0, stride), Load(ref operands, 1, stride), Load(ref operands, 2, stride).AsInt64(),
            Load(ref operands, 3, stride).AsInt64(), Load(ref operands, 4, stride), Load(ref operands, 5, stride));

    /// <summary><see cref="ApplyCompact(Vector256{int}, ref int, int)"/> on two vectors of the same positions (two pixels), loading the operands once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyCompact(ref Vector256<int> a, ref Vector256<int> b, ref int operands)
    {
        const int v = 8;
        var (multiplier, oddMultiplier, threshold, right) = (Load(ref operands, 0, v), Load(ref operands, 1, v), Load(ref operands, 4, v), Load(ref operands, 5, v));
        var (evenConstant, oddConstant) = (Load(ref operands, 2, v).AsInt64(), Load(ref operands, 3, v).AsInt64());
        a = Compact(a, multiplier, oddMultiplier, evenConstant, oddConstant, threshold, right);
        b = Compact(b, multiplier, oddMultiplier, evenConstant, oddConstant, threshold, right);
    }

    /// <summary><see cref="ApplyGeneral(Vector256{int}, ref int, int)"/> on the 16 positions of a 16-wide group (AVX-512F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<int> ApplyGeneral(Vector512<int> acc, ref int operands) => General(acc + Vector512.LoadUnsafe(ref operands, 6 * 16), ref operands);

    /// <summary><see cref="ApplyCompact(Vector256{int}, ref int, int)"/> on the 16 positions of a 16-wide group (AVX-512F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ApplyCompact(Vector512<int> acc, ref int operands)
    {
        const int v = 16;
        const byte oddDwords = 0b11_11_01_01;   // vpshufd: dwords 1 and 3 to the even places
        var x = acc + acc;
        var even = Avx512F.Multiply(x, Vector512.LoadUnsafe(ref operands)) + Vector512.LoadUnsafe(ref operands, 2 * v).AsInt64();
        var odd = Avx512F.Multiply(Avx512F.Shuffle(x, oddDwords), Vector512.LoadUnsafe(ref operands, v)) + Vector512.LoadUnsafe(ref operands, 3 * v).AsInt64();
        // One vpermt2d takes each lane's H, the high dword of its qword: even lanes' from even, odd lanes' from odd.
        var h = Avx512F.PermuteVar16x32x2(even.AsInt32(), Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31), odd.AsInt32());
        h += Vector512.GreaterThan(Vector512.LoadUnsafe(ref operands, 4 * v), h);   // − [H < C]
        return Avx512F.ShiftRightArithmeticVariable(h, Vector512.LoadUnsafe(ref operands, 5 * v).AsUInt32());
    }

    /// <summary>Clamps 16 requantized lanes and narrows them to int8 in order (<c>vpmovsdb</c>) (AVX-512F).</summary>
    /// <remarks>Clamped as int32, where the bounds are embedded broadcasts of the fields: no broadcast instructions.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Pack16(Vector512<int> r) =>
        Avx512F.ConvertToVector128SByteWithSaturation(_clamps ? Vector512.Min(Vector512.Max(r, Vector512.Create(_minInt)), Vector512.Create(_maxInt)) : r);

    /// <summary>The activation clamp on 32 int8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<sbyte> Clamp(Vector256<sbyte> v) => _clamps ? Vector256.Min(Vector256.Max(v, Vector256.Create(_min)), Vector256.Create(_max)) : v;

    /// <summary>
    /// Narrows four requantized vectors to 32 int8 values with saturation and clamps them. The bytes come
    /// out in the order r0.lane0, r1.lane0, r2.lane0, r3.lane0, r0.lane1, r1.lane1, r2.lane1, r3.lane1 (4
    /// values each, a lane being a 128-bit half): 32 channels c..c+31 come out in order when vector k holds
    /// channels c+4k..+3 in its lower half and c+16+4k..+3 in its upper half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<sbyte> Pack32(Vector256<int> r0, Vector256<int> r1, Vector256<int> r2, Vector256<int> r3)
    {
        var b = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(r0, r1), Avx2.PackSignedSaturate(r2, r3));
        return _clamps ? Vector256.Min(Vector256.Max(b, Vector256.Create(_min)), Vector256.Create(_max)) : b;
    }

    /// <summary>
    /// Narrows two requantized vectors to 16 int8 values with saturation and clamps them, in the order
    /// r0.lane0, r1.lane0, r0.lane1, r1.lane1 (4 values each): 16 channels c..c+15 come out in order when
    /// vector k holds channels c+4k..+3 in its lower half and c+8+4k..+3 in its upper half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Pack16(Vector256<int> r0, Vector256<int> r1)
    {
        var w = Avx2.PackSignedSaturate(r0, r1);
        var b = Sse2.PackSignedSaturate(w.GetLower(), w.GetUpper());
        return _clamps ? Vector128.Min(Vector128.Max(b, Vector128.Create(_min)), Vector128.Create(_max)) : b;
    }

    /// <summary>Narrows one requantized vector to 8 int8 values, in lane order, with saturation and clamps them; the result is in the lower 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Pack8(Vector256<int> r)
    {
        var w = Sse2.PackSignedSaturate(r.GetLower(), r.GetUpper());
        var b = Sse2.PackSignedSaturate(w, w);
        return _clamps ? Vector128.Min(Vector128.Max(b, Vector128.Create(_min)), Vector128.Create(_max)) : b;
    }
}
