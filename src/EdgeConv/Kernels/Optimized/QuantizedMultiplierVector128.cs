using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// One TFLite quantized multiplier (Q31 multiplier and shift in [−31, 30]) applied to four int32 lanes,
/// exactly as <see cref="Quantization.FixedPoint.MultiplyByQuantizedMultiplier"/>; for a shift ≤ 0 that is also
/// <see cref="Quantization.FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp"/> (SRDHM, then a rounding
/// divide by 2^−shift). The arithmetic is <see cref="RequantizeInt8Vector128"/>'s (see its remarks), with the
/// per-lane operands broadcast once at load.
/// </summary>
internal readonly struct QuantizedMultiplierVector128
{
    private readonly Vector128<int> _multiplier, _leftScale, _right, _negRight, _mask;
    private readonly Vector128<long> _shiftScale;

    /// <summary>Whether <paramref name="shift"/> is in the range the vector arithmetic covers.</summary>
    public static bool IsApplicable(int shift) => shift is >= -31 and <= 30;

    /// <summary>Broadcasts the operands. Throws <see cref="ArgumentOutOfRangeException"/> unless <see cref="IsApplicable"/>.</summary>
    public QuantizedMultiplierVector128(int multiplier, int shift)
    {
        if (!IsApplicable(shift))
            throw new ArgumentOutOfRangeException(nameof(shift), $"Shift {shift} is outside [-31, 30].");
        int right = Math.Max(-shift, 0);
        _multiplier = Vector128.Create(multiplier);
        _leftScale = Vector128.Create(1 << Math.Max(shift, 0));
        _right = Vector128.Create(right);
        _negRight = Vector128.Create(-right);
        _mask = Vector128.Create((int)((1L << right) - 1));
        _shiftScale = Vector128.Create(1L << (32 - right));
    }

    /// <summary>MultiplyByQuantizedMultiplier on each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply(Vector128<int> x)
    {
        if (AdvSimd.IsSupported)
            return RequantizeInt8Vector128.MultiplyAdvSimd(x, _multiplier, _leftScale, _negRight);
        if (Sse41.IsSupported && Avx2.IsSupported)
            return RequantizeInt8Vector128.MultiplyX86(x, _multiplier, _leftScale, _right, _mask);
        return RequantizeInt8Vector128.MultiplyPortable(x, _multiplier, _leftScale, _mask, _shiftScale, _shiftScale);
    }
}
