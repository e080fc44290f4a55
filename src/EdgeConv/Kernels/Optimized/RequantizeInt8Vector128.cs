using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Per-channel int8 requantization, four int32 lanes at a time, byte for byte the same as
/// <see cref="FixedPoint.MultiplyByQuantizedMultiplier"/> followed by the output offset and the clamp
/// (TFLite's reference conv epilogue). Prepared once at load from a <see cref="RequantParams"/>; shared
/// by the optimized conv kernels.
/// </summary>
/// <remarks>
/// <para>Three exact implementations of <c>MultiplyByQuantizedMultiplier(x, m, shift)</c>, chosen by the
/// JIT from the <c>IsSupported</c> checks (constants at JIT time, so the others are dropped):</para>
/// <list type="bullet">
/// <item>ARM64 (AdvSimd): <c>MUL</c> by 2^left (wrapping, like the C++ left shift), <c>SQRDMULH</c>,
/// then <c>SRSHL</c> by −right after TFLite's fix-up (subtract 1 from negative values when right &gt; 0,
/// saturating). gemmlowp's SaturatingRoundingDoublingHighMul is
/// <c>trunc((ab + nudge) / 2^31)</c> with nudge 2^30 for ab ≥ 0 and 1 − 2^30 below; for ab &lt; 0,
/// trunc(y / 2^31) = floor((y + 2^31 − 1) / 2^31), so both signs give <c>floor((ab + 2^30) / 2^31)</c>
/// = <c>(2ab + 2^31) &gt;&gt; 32</c>, which is SQRDMULH, saturating at MIN·MIN like gemmlowp.
/// SRSHL rounds ties up; RoundingDivideByPOT rounds them away from zero, so a negative tie must round
/// down: subtracting 1 first moves exactly the negative ties down and changes no other negative value
/// (x − 1 + 2^(e−1) crosses a multiple of 2^e only when x + 2^(e−1) is one, i.e. at a tie). At
/// x = int.MinValue the saturating add keeps MIN, which divides exactly.</item>
/// <item>x86 (SSE4.1 + AVX2): the high multiply as <c>PMULDQ</c> on even and odd lanes (exact 64-bit
/// products), <c>(ab + 2^30) &gt;&gt; 31</c> per lane (its low 32 bits are the same after a logical or an
/// arithmetic shift), blended back; the MIN·MIN case XOR-ed to MAX; RoundingDivideByPOT in gemmlowp's
/// own form (mask, threshold, compare) with <c>VPSRAVD</c> for the per-lane shift.</item>
/// <item>Portable (<see cref="Vector128"/> only): the same arithmetic with 64-bit lanes (widen, multiply,
/// add, shift, narrow); the per-lane arithmetic right shift <c>x &gt;&gt; e</c> as the high half of
/// <c>x · 2^(32−e)</c> in 64 bits (exact: floor(x·2^(32−e) / 2^32) = floor(x / 2^e)).</item>
/// </list>
/// <para>Then the output offset is added with int32 wrap-around (as the reference does), the result
/// narrowed with saturation to int8 and clamped; saturating first changes nothing because the clamp
/// bounds lie inside int8.</para>
/// <para>Limits: shifts in [−31, 30] (every shift TFLite's QuantizeMultiplier yields for conv scales);
/// any int32 multiplier.</para>
/// </remarks>
public sealed class RequantizeInt8Vector128
{
    private readonly int[] _shift;        // TFLite shift, for the scalar path
    private readonly int[] _multiplier;   // Q31, padded with zeros to a multiple of 16 channels
    private readonly int[] _leftScale;    // 2^max(shift, 0)
    private readonly int[] _right;        // max(-shift, 0)
    private readonly int[] _negRight;     // -right: SRSHL's shift (ARM64), stored so that no NEG runs per vector
    private readonly int[] _mask;         // 2^right - 1
    private readonly int[] _shiftScale;   // low and high halves of 2^(32-right) as int64 pairs, for the portable shift
    private readonly int _outputOffset;
    private readonly sbyte _min, _max;

    /// <summary>Whether every shift of the first <paramref name="channels"/> channels is in [−31, 30] and the clamp inside int8.</summary>
    public static bool IsApplicable(RequantParams q, int channels)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (q.Multipliers.Length < channels || q.Shifts.Length < channels)
            return false;
        if (q.ActivationMin < sbyte.MinValue || q.ActivationMax > sbyte.MaxValue || q.ActivationMin > q.ActivationMax)
            return false;
        for (int c = 0; c < channels; c++)
            if (q.Shifts[c] is < -31 or > 30)
                return false;
        return true;
    }

    /// <summary>Prepares the per-channel vectors for <paramref name="channels"/> output channels. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public RequantizeInt8Vector128(RequantParams q, int channels)
    {
        if (!IsApplicable(q, channels))
            throw new ArgumentException($"Requantization for {channels} channels needs shifts in [-31, 30] and a clamp inside int8.", nameof(q));
        int padded = (channels + 15) & ~15;
        _shift = new int[padded];
        _multiplier = new int[padded];
        _leftScale = new int[padded];
        _right = new int[padded];
        _negRight = new int[padded];
        _mask = new int[padded];
        _shiftScale = new int[2 * padded];
        for (int c = 0; c < padded; c++)
        {
            int shift = c < channels ? q.Shifts[c] : 0;
            _shift[c] = shift;
            _multiplier[c] = c < channels ? q.Multipliers[c] : 0;
            _leftScale[c] = 1 << Math.Max(shift, 0);
            _right[c] = Math.Max(-shift, 0);
            _negRight[c] = -_right[c];
            _mask[c] = (int)((1L << _right[c]) - 1);
            long scale = 1L << (32 - _right[c]);
            _shiftScale[2 * c] = (int)scale;
            _shiftScale[2 * c + 1] = (int)(scale >> 32);
        }
        _outputOffset = q.OutputOffset;
        _min = (sbyte)q.ActivationMin;
        _max = (sbyte)q.ActivationMax;
    }

    /// <summary>Requantizes 16 accumulators of channels <paramref name="channel"/>..+15 to int8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Requantize16(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3, int channel) =>
        new View(this).Requantize16(a0, a1, a2, a3, (nuint)channel);

    /// <summary>Requantizes 8 accumulators of channels <paramref name="channel"/>..+7; the result is in the lower 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Requantize8(Vector128<int> a0, Vector128<int> a1, int channel) =>
        new View(this).Requantize8(a0, a1, (nuint)channel);

    /// <summary>Requantizes 4 accumulators of channels <paramref name="channel"/>..+3; the result is in the lower 4 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Requantize4(Vector128<int> a0, int channel) => new View(this).Requantize4(a0, (nuint)channel);

    /// <summary>
    /// The per-channel arrays and the constants, read once into a local for a kernel's loop. A loop that stores
    /// through a <c>ref</c> cannot keep an object's fields in registers (the store might alias them), so
    /// calling the requantizer itself reloads them for every vector: on ARM64, per 16 channels, three array
    /// references with a null check before each of the 12 loads, the output offset and both clamp bounds.
    /// </summary>
    internal readonly ref struct View
    {
        private readonly ref int _multiplier, _leftScale, _right, _negRight, _mask, _shiftScale;
        private readonly Vector128<int> _outputOffset;
        private readonly Vector128<sbyte> _min, _max;

        public View(RequantizeInt8Vector128 r)
        {
            _multiplier = ref MemoryMarshal.GetArrayDataReference(r._multiplier);
            _leftScale = ref MemoryMarshal.GetArrayDataReference(r._leftScale);
            _right = ref MemoryMarshal.GetArrayDataReference(r._right);
            _negRight = ref MemoryMarshal.GetArrayDataReference(r._negRight);
            _mask = ref MemoryMarshal.GetArrayDataReference(r._mask);
            _shiftScale = ref MemoryMarshal.GetArrayDataReference(r._shiftScale);
            _outputOffset = Vector128.Create(r._outputOffset);
            _min = Vector128.Create(r._min);
            _max = Vector128.Create(r._max);
        }

        /// <summary><see cref="RequantizeInt8Vector128.Requantize16"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> Requantize16(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3, nuint channel)
        {
            var at = At(channel);
            var lo = Vector128.NarrowWithSaturation(at.Apply(a0, 0), at.Apply(a1, 4));
            var hi = Vector128.NarrowWithSaturation(at.Apply(a2, 8), at.Apply(a3, 12));
            return Clamp(Vector128.NarrowWithSaturation(lo, hi));
        }

        /// <summary><see cref="RequantizeInt8Vector128.Requantize8"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> Requantize8(Vector128<int> a0, Vector128<int> a1, nuint channel)
        {
            var at = At(channel);
            var lo = Vector128.NarrowWithSaturation(at.Apply(a0, 0), at.Apply(a1, 4));
            return Clamp(Vector128.NarrowWithSaturation(lo, lo));
        }

        /// <summary><see cref="RequantizeInt8Vector128.Requantize4"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> Requantize4(Vector128<int> a0, nuint channel)
        {
            var lo = Vector128.NarrowWithSaturation(At(channel).Apply(a0, 0), Vector128<int>.Zero);
            return Clamp(Vector128.NarrowWithSaturation(lo, lo));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector128<sbyte> Clamp(Vector128<sbyte> v) => Vector128.Min(Vector128.Max(v, _min), _max);

        /// <summary>The operands from <paramref name="channel"/> on: one address per array, the quartets at constant offsets from it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Channels At(nuint channel) => new(ref Unsafe.Add(ref _multiplier, channel), ref Unsafe.Add(ref _leftScale, channel),
            ref Unsafe.Add(ref _right, channel), ref Unsafe.Add(ref _negRight, channel), ref Unsafe.Add(ref _mask, channel),
            ref Unsafe.Add(ref _shiftScale, 2 * channel), _outputOffset);

        /// <summary>The operand arrays from one channel on (see <see cref="At"/>).</summary>
        private readonly ref struct Channels(ref int multiplier, ref int leftScale, ref int right, ref int negRight, ref int mask,
            ref int shiftScale, Vector128<int> outputOffset)
        {
            private readonly ref int _multiplier = ref multiplier, _leftScale = ref leftScale, _right = ref right, _negRight = ref negRight,
                _mask = ref mask, _shiftScale = ref shiftScale;
            private readonly Vector128<int> _outputOffset = outputOffset;

            /// <summary>MultiplyByQuantizedMultiplier plus the output offset for the 4 channels <paramref name="k"/> after the first.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector128<int> Apply(Vector128<int> acc, nuint k)
            {
                var multiplier = Vector128.LoadUnsafe(ref _multiplier, k);
                var left = Vector128.LoadUnsafe(ref _leftScale, k);
                Vector128<int> r;
                if (AdvSimd.IsSupported)
                    r = MultiplyAdvSimd(acc, multiplier, left, Vector128.LoadUnsafe(ref _negRight, k));
                else if (Sse41.IsSupported && Avx2.IsSupported)
                    r = MultiplyX86(acc, multiplier, left, Vector128.LoadUnsafe(ref _right, k), Vector128.LoadUnsafe(ref _mask, k));
                else
                    r = MultiplyPortable(acc, multiplier, left, Vector128.LoadUnsafe(ref _mask, k),
                        Vector128.LoadUnsafe(ref _shiftScale, 2 * k).AsInt64(), Vector128.LoadUnsafe(ref _shiftScale, 2 * k + 4).AsInt64());
                return r + _outputOffset;
            }
        }
    }

    /// <summary>
    /// x86 AVX2: requantizes two pixels' accumulators of channels <paramref name="channel"/>..+3 at once,
    /// the first pixel in lanes 0–3 of <paramref name="acc"/>, the second in lanes 4–7; the result holds the
    /// first pixel's 4 bytes in bytes 0–3 and the second's in bytes 16–19. Only where <see cref="Avx2"/> is supported.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<sbyte> Requantize4x2(Vector256<int> acc, int channel)
    {
        nuint at = (nuint)channel;
        var r = MultiplyX86(acc, Twice(_multiplier, at), Twice(_leftScale, at), Twice(_right, at), Twice(_mask, at)) + Vector256.Create(_outputOffset);
        var w = Avx2.PackSignedSaturate(r, r);
        var b = Avx2.PackSignedSaturate(w, w);
        return Vector256.Min(Vector256.Max(b, Vector256.Create(_min)), Vector256.Create(_max));
    }

    /// <summary>The 4 values of <paramref name="array"/> at <paramref name="at"/> in both halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Twice(int[] array, nuint at) =>
        Vector256.Create(Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), at), Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), at));

    /// <summary>Requantizes one accumulator of <paramref name="channel"/> (the scalar reference epilogue).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Requantize1(int acc, int channel)
    {
        int r = unchecked(FixedPoint.MultiplyByQuantizedMultiplier(acc, _multiplier[channel], _shift[channel]) + _outputOffset);
        return (sbyte)Math.Clamp(r, _min, _max);
    }

    /// <summary>Which implementation <see cref="MultiplyByQuantizedMultiplier"/> runs (tests call each one the CPU has).</summary>
    internal enum Isa
    {
        Portable,
        X86,
        AdvSimd,
        /// <summary>The 256-bit x86 form (8 lanes, AVX2) used by <see cref="Requantize4x2"/>.</summary>
        X86x8,
    }

    /// <summary>Whether this CPU runs <paramref name="isa"/>.</summary>
    internal static bool IsSupported(Isa isa) => isa switch
    {
        Isa.X86 or Isa.X86x8 => Sse41.IsSupported && Avx2.IsSupported,
        Isa.AdvSimd => AdvSimd.IsSupported,
        _ => true,
    };

    /// <summary>
    /// MultiplyByQuantizedMultiplier per lane with TFLite shifts (in [−31, 30]) by one implementation,
    /// deriving the per-lane operands the way the constructor does; for tests.
    /// </summary>
    internal static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, Vector128<int> multiplier, Vector128<int> shift, Isa isa)
    {
        Span<int> left = stackalloc int[4], right = stackalloc int[4], mask = stackalloc int[4];
        Span<long> scale = stackalloc long[4];
        for (int i = 0; i < 4; i++)
        {
            int s = shift[i];
            left[i] = 1 << Math.Max(s, 0);
            right[i] = Math.Max(-s, 0);
            mask[i] = (int)((1L << right[i]) - 1);
            scale[i] = 1L << (32 - right[i]);
        }
        var l = Vector128.Create((ReadOnlySpan<int>)left);
        var r = Vector128.Create((ReadOnlySpan<int>)right);
        var mk = Vector128.Create((ReadOnlySpan<int>)mask);
        return isa switch
        {
            Isa.AdvSimd => MultiplyAdvSimd(x, multiplier, l, -r),
            Isa.X86 => MultiplyX86(x, multiplier, l, r, mk),
            Isa.X86x8 => Halves(MultiplyX86(Vector256.Create(x, x), Vector256.Create(multiplier, multiplier), Vector256.Create(l, l), Vector256.Create(r, r), Vector256.Create(mk, mk))),
            _ => MultiplyPortable(x, multiplier, l, mk, Vector128.Create(scale[0], scale[1]), Vector128.Create(scale[2], scale[3])),
        };
    }

    /// <summary>The lower half when both halves agree (they computed the same lanes), else something else, which fails the caller's comparison.</summary>
    private static Vector128<int> Halves(Vector256<int> v) => v.GetLower() == v.GetUpper() ? v.GetLower() : ~v.GetLower();

    /// <summary>
    /// ARM64: x·2^left (wrapping), SQRDMULH, TFLite's negative-tie fix-up, SRSHL by −right. Exact; see the remarks.
    /// <paramref name="leftScale"/> is 2^left, <paramref name="negRight"/> minus the right shift (−31..0): its sign
    /// bit, ANDed with the product's, is the fix-up's condition (a negative value and a right shift).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> MultiplyAdvSimd(Vector128<int> x, Vector128<int> multiplier, Vector128<int> leftScale, Vector128<int> negRight)
    {
        var r = AdvSimd.MultiplyRoundedDoublingSaturateHigh(AdvSimd.Multiply(x, leftScale), multiplier);
        var fixup = AdvSimd.ShiftRightArithmetic(AdvSimd.And(r, negRight), 31);
        return AdvSimd.ShiftArithmeticRounded(AdvSimd.AddSaturate(r, fixup), negRight);
    }

    /// <summary>x86 (SSE4.1 + AVX2): PMULDQ high multiply on even and odd lanes, gemmlowp's RoundingDivideByPOT with VPSRAVD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> MultiplyX86(Vector128<int> x, Vector128<int> multiplier, Vector128<int> leftScale, Vector128<int> right, Vector128<int> mask)
    {
        x = Sse41.MultiplyLow(x, leftScale);
        var rounding = Vector128.Create(1L << 30);
        var even = Sse2.Add(Sse41.Multiply(x, multiplier), rounding);
        var odd = Sse2.Add(Sse41.Multiply(Sse2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(),
            Sse2.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32()), rounding);
        // Result of lane 2i: low dword of (even >> 31); of lane 2i+1: high dword of (odd << 1).
        var high = Sse41.Blend(Sse2.ShiftRightLogical(even, 31).AsInt16(), Sse2.ShiftLeftLogical(odd, 1).AsInt16(), 0b1100_1100).AsInt32();
        high ^= Saturated(x, multiplier);
        return RoundingDivideByPot(high, Avx2.ShiftRightArithmeticVariable(high, right.AsUInt32()), mask);
    }

    /// <summary><see cref="MultiplyX86(Vector128{int}, Vector128{int}, Vector128{int}, Vector128{int}, Vector128{int})"/> on 8 lanes (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyX86(Vector256<int> x, Vector256<int> multiplier, Vector256<int> leftScale, Vector256<int> right, Vector256<int> mask)
    {
        x = Avx2.MultiplyLow(x, leftScale);
        var rounding = Vector256.Create(1L << 30);
        var even = Avx2.Add(Avx2.Multiply(x, multiplier), rounding);
        var odd = Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(),
            Avx2.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32()), rounding);
        var high = Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt16(), Avx2.ShiftLeftLogical(odd, 1).AsInt16(), 0b1100_1100).AsInt32();
        var min = Vector256.Create(int.MinValue);
        high ^= Vector256.Equals(x, min) & Vector256.Equals(multiplier, min);
        var remainder = high & mask;
        var threshold = Vector256.ShiftRightArithmetic(mask, 1) - Vector256.ShiftRightArithmetic(high, 31);
        return Avx2.ShiftRightArithmeticVariable(high, right.AsUInt32()) - Vector256.GreaterThan(remainder, threshold);
    }

    /// <summary>Portable Vector128: 64-bit lane products; the per-lane shift as a 64-bit multiply by <paramref name="scaleLo"/>/<paramref name="scaleHi"/> = 2^(32−right).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> MultiplyPortable(Vector128<int> x, Vector128<int> multiplier, Vector128<int> leftScale,
        Vector128<int> mask, Vector128<long> scaleLo, Vector128<long> scaleHi)
    {
        x *= leftScale;
        var rounding = Vector128.Create(1L << 30);
        var lo = Vector128.ShiftRightLogical(Vector128.WidenLower(x) * Vector128.WidenLower(multiplier) + rounding, 31);
        var hi = Vector128.ShiftRightLogical(Vector128.WidenUpper(x) * Vector128.WidenUpper(multiplier) + rounding, 31);
        var high = Vector128.Narrow(lo, hi) ^ Saturated(x, multiplier);
        var shiftedLo = Vector128.ShiftRightLogical(Vector128.WidenLower(high) * scaleLo, 32);
        var shiftedHi = Vector128.ShiftRightLogical(Vector128.WidenUpper(high) * scaleHi, 32);
        return RoundingDivideByPot(high, Vector128.Narrow(shiftedLo, shiftedHi), mask);
    }

    /// <summary>All ones in the lanes where gemmlowp saturates (both operands int.MinValue): XOR turns the wrapped MIN into MAX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Saturated(Vector128<int> x, Vector128<int> multiplier)
    {
        var min = Vector128.Create(int.MinValue);
        return Vector128.Equals(x, min) & Vector128.Equals(multiplier, min);
    }

    /// <summary>gemmlowp RoundingDivideByPOT given <paramref name="shifted"/> = x &gt;&gt; exponent and mask = 2^exponent − 1: ties away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> RoundingDivideByPot(Vector128<int> x, Vector128<int> shifted, Vector128<int> mask)
    {
        var remainder = x & mask;
        var threshold = Vector128.ShiftRightArithmetic(mask, 1) - Vector128.ShiftRightArithmetic(x, 31);
        return shifted - Vector128.GreaterThan(remainder, threshold);
    }
}
