using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 MEAN over H and W of an NHWC tensor with the channels in <see cref="Vector128"/> lanes: 16 channels a step
/// (8 for a tail, then one by one), summed over every pixel, then divided or requantized as the reference does.
/// Byte for byte the same as <see cref="MeanInt8Reference"/> wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para><b>Sums.</b> The reference sums a channel's raw int8 values in int32; <see cref="Int8ChannelSums"/> gives the
/// same int32 sums (int16 over groups of 256 pixels, widened). A step that would pass the last channel is moved back to end there
/// (recomputing a few channels, each of which depends on its own values only).</para>
/// <para><b>Same quantization</b> (C division of the sum by the count, truncating): in float32, exact while
/// |sum| &lt; 2^24 (see <see cref="Pool2DInt8Vector"/>'s remarks: the correctly rounded quotient truncates to the
/// integer one); |sum| ≤ 128·count, so counts up to 2^16.</para>
/// <para><b>Integer multiplier</b> (current TFLite Micro): sum − z_in·count in int32 (wrapping like the reference's
/// truncation of the int64 difference), <see cref="QuantizedMultiplierVector128"/> with 1/count folded into the
/// multiplier (<see cref="MeanInt8Reference.FoldCount"/>), plus z_out, narrowed with saturation: the reference's clamp
/// to [−128, 127].</para>
/// <para>Other cases (the legacy float rescale, counts above 2^16 with the same quantization) finish each channel
/// with the reference's own scalar step; the sums stay vectorized.</para>
/// <para>An instance is immutable after load; <see cref="Run"/> allocates nothing.</para>
/// </remarks>
public sealed class MeanInt8Vector128
{
    private const int MaxFloatCount = 1 << 16;

    private enum Finish
    {
        Divide,       // same quantization: float division, truncated
        Requantize,   // integer multiplier
        Scalar,       // the reference's scalar step per channel
    }

    private readonly Shape4 _shape;
    private readonly int _count;
    private readonly Finish _finish;
    private readonly MeanInt8Finish _scalar;
    private readonly QuantizedMultiplierVector128 _multiplier;
    private readonly int _zeroSum, _outputZeroPoint;   // −z_in·count (wrapped), z_out

    /// <summary>Whether the kernel computes this MEAN: any non-negative shape; the integer path's folded shift within [−31, 30].</summary>
    public static bool IsApplicable(in MeanInt8Params p, Shape4 shape)
    {
        if (shape.N < 0 || shape.H < 0 || shape.W < 0 || shape.C < 0)
            return false;
        int count = shape.H * shape.W;
        return count == 0 || p.SameQuantization || p.Rescale != MeanInt8Rescale.IntegerMultiplier
            || QuantizedMultiplierVector128.IsApplicable(MeanInt8Reference.FoldCount(p.Multiplier, p.Shift, count).Shift);
    }

    /// <summary>Prepares the kernel for inputs of <paramref name="shape"/>. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public MeanInt8Vector128(in MeanInt8Params p, Shape4 shape)
    {
        if (!IsApplicable(p, shape))
            throw new ArgumentException($"MEAN over {shape} with {p} is outside this kernel's limits.", nameof(p));
        _shape = shape;
        _count = shape.H * shape.W;
        if (_count == 0)
            return;
        _scalar = new MeanInt8Finish(p, _count);
        if (p.SameQuantization)
        {
            _finish = _count <= MaxFloatCount ? Finish.Divide : Finish.Scalar;
        }
        else if (p.Rescale == MeanInt8Rescale.IntegerMultiplier)
        {
            _finish = Finish.Requantize;
            var (multiplier, shift) = _scalar.Folded;
            _multiplier = new QuantizedMultiplierVector128(multiplier, shift);
            _zeroSum = unchecked((int)(-(long)p.InputZeroPoint * _count));
            _outputZeroPoint = p.OutputZeroPoint;
        }
        else
        {
            _finish = Finish.Scalar;
        }
    }

    /// <summary>
    /// Averages <paramref name="input"/> (NHWC, the prepared shape) over H and W into <paramref name="output"/>
    /// (N·C values, channel-minor). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        int c = _shape.C, outputCount = _shape.N * c;
        if (input.Length < _shape.FlatSize || output.Length < outputCount)
            throw new ArgumentException($"Tensors ({input.Length}, {output.Length}) are shorter than {_shape} and its {outputCount} means.", nameof(input));
        if (_count == 0)
        {
            // As the reference: an empty reduction gives zeros.
            output[..outputCount].Clear();
            return;
        }
        ref sbyte inRef = ref MemoryMarshal.GetReference(input);
        ref sbyte outRef = ref MemoryMarshal.GetReference(output);
        for (int n = 0; n < _shape.N; n++)
        {
            ref sbyte src = ref Unsafe.Add(ref inRef, (nint)n * _count * c);
            ref sbyte dst = ref Unsafe.Add(ref outRef, (nint)n * c);
            int ch = 0;
            for (; ch + 16 <= c; ch += 16)
                Mean16(ref src, ref dst, ch);
            if (ch < c && c >= 16)
            {
                Mean16(ref src, ref dst, c - 16);
                continue;
            }
            for (; ch + 8 <= c; ch += 8)
                Mean8(ref src, ref dst, ch);
            if (ch < c && c >= 8)
            {
                Mean8(ref src, ref dst, c - 8);
                continue;
            }
            for (; ch < c; ch++)
            {
                int sum = 0;
                for (int i = 0; i < _count; i++)
                    sum += Unsafe.Add(ref src, (nint)i * c + ch);
                Unsafe.Add(ref dst, ch) = _scalar.Apply(sum);
            }
        }
    }

    private void Mean16(ref sbyte src, ref sbyte dst, int ch)
    {
        Int8ChannelSums.Sum16(ref Unsafe.Add(ref src, ch), _count, 1, _shape.C, 0, Int8ChannelSums.MaxInt16Taps, out var a0, out var a1, out var a2, out var a3);
        if (_finish == Finish.Scalar)
        {
            FinishScalar(a0, ref Unsafe.Add(ref dst, ch));
            FinishScalar(a1, ref Unsafe.Add(ref dst, ch + 4));
            FinishScalar(a2, ref Unsafe.Add(ref dst, ch + 8));
            FinishScalar(a3, ref Unsafe.Add(ref dst, ch + 12));
            return;
        }
        var lo = Vector128.NarrowWithSaturation(FinishVector(a0), FinishVector(a1));
        var hi = Vector128.NarrowWithSaturation(FinishVector(a2), FinishVector(a3));
        Vector128.NarrowWithSaturation(lo, hi).StoreUnsafe(ref Unsafe.Add(ref dst, ch));
    }

    private void Mean8(ref sbyte src, ref sbyte dst, int ch)
    {
        Int8ChannelSums.Sum8(ref Unsafe.Add(ref src, ch), _count, 1, _shape.C, 0, Int8ChannelSums.MaxInt16Taps, out var a0, out var a1);
        if (_finish == Finish.Scalar)
        {
            FinishScalar(a0, ref Unsafe.Add(ref dst, ch));
            FinishScalar(a1, ref Unsafe.Add(ref dst, ch + 4));
            return;
        }
        var words = Vector128.NarrowWithSaturation(FinishVector(a0), FinishVector(a1));
        Int8ChannelSums.Store8(ref Unsafe.Add(ref dst, ch), Vector128.NarrowWithSaturation(words, words));
    }

    /// <summary>Four channels' sums to their outputs as int32 (inside int8 already, or saturated by the caller's narrowing as the reference clamps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<int> FinishVector(Vector128<int> sum) =>
        _finish == Finish.Divide
            ? Vector128.ConvertToInt32Native(Vector128.ConvertToSingle(sum) / Vector128.Create((float)_count))
            : _multiplier.Apply(sum + Vector128.Create(_zeroSum)) + Vector128.Create(_outputZeroPoint);

    private void FinishScalar(Vector128<int> sums, ref sbyte dst)
    {
        for (int j = 0; j < 4; j++)
            Unsafe.Add(ref dst, j) = _scalar.Apply(sums.GetElement(j));
    }
}
