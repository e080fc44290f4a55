using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;

namespace EdgeConv.Kernels.Optimized;

/// <summary>The widest vector a kernel of the <c>…Vector</c> family uses for its main steps.</summary>
public enum VectorWidth
{
    /// <summary>16 bytes (<see cref="Vector128"/>): SSE on x86, NEON on ARM64, software elsewhere.</summary>
    Vector128 = 128,
    /// <summary>32 bytes (<see cref="Vector256"/>): AVX2 on x86; software where it is not accelerated.</summary>
    Vector256 = 256,
}

/// <summary>
/// Int8 MAX_POOL_2D and AVERAGE_POOL_2D (NHWC, any filter, stride and padding, fused clamp) with the
/// channels in vector lanes, written with the cross-platform <see cref="Vector128"/> and
/// <see cref="Vector256"/> APIs. Byte for byte the same as <see cref="Reference.Pool2DInt8Reference"/>
/// wherever <see cref="IsApplicable"/> holds, at either <see cref="VectorWidth"/>.
/// </summary>
/// <remarks>
/// <para>Per output pixel the window is clipped to the image exactly as the reference clips it
/// (<see cref="ConvGeometry.ClippedWindow"/>); the taps inside are read as whole channel blocks: 32 channels
/// per step (<see cref="VectorWidth.Vector256"/> only), then 16, then 8, then one by one. A block that would
/// pass the last channel is moved back to end there instead, recomputing a few channels: every channel's
/// result depends on that channel's taps only, so the overlap writes the same bytes twice.</para>
/// <para><b>Max</b>: the lane-wise maximum of the taps, starting from −128 as the reference does, then the
/// clamp.</para>
/// <para><b>Average</b>: the reference sums the taps in int32 and divides with
/// <c>sum &gt; 0 ? (sum + n/2)/n : (sum − n/2)/n</c> (C division, truncating), n the clipped tap count. Here the
/// taps are summed by <see cref="Int8ChannelSums"/> (int16 over groups of rows of at most 256 taps, widened into
/// int32), which gives the reference's int32 sum. The division is done in float32:
/// x = sum ± n/2 and n are exact floats while |x| &lt; 2^24, and the correctly rounded quotient truncates to the
/// integer quotient. (If x/n is an integer q, it is |q| &lt; 2^24, a float. Otherwise x = q·n + j with
/// 0 &lt; |j| &lt; n, so |x/n| is at least 1/n from the next integer away from zero, while rounding moves it by at most
/// |x/n|·2^−24 &lt; 1/n; and it never rounds below |q|, a float.) The limit n ≤ 2^16 keeps |x| ≤ 128.5·2^16 &lt; 2^24.
/// The quotient is an average of int8 values rounded to nearest, so it lies in int8; it is narrowed with saturation
/// (which changes nothing) and clamped.</para>
/// <para>Limits: filter width ≤ 256 taps and filter area ≤ 2^16 for the average; the clamp inside int8. An
/// instance is immutable after load; <see cref="Run"/> allocates nothing and may run on several threads at once,
/// each on its own output rows.</para>
/// </remarks>
public sealed class Pool2DInt8Vector
{
    private readonly ConvGeometry _g;
    private readonly int _fh, _fw, _groupRows;
    private readonly sbyte _min, _max;
    private readonly bool _isMax;
    private readonly Shape4 _inShape, _outShape;

    /// <summary>The width <see cref="Best"/> picks on this CPU: 256 bits where <see cref="Vector256"/> is accelerated.</summary>
    public static VectorWidth Best => Vector256.IsHardwareAccelerated ? VectorWidth.Vector256 : VectorWidth.Vector128;

    /// <summary>Whether the kernel computes this pooling (see the limits in the remarks).</summary>
    public static bool IsApplicable(bool isMax, int filterH, int filterW, int actMin, int actMax, Shape4 inShape, Shape4 outShape) =>
        filterH >= 1 && filterW >= 1 && (isMax || (filterW <= Int8ChannelSums.MaxInt16Taps && (long)filterH * filterW <= 1 << 16))
        && actMin >= sbyte.MinValue && actMax <= sbyte.MaxValue && actMin <= actMax
        && inShape.C == outShape.C && inShape.N == outShape.N
        && inShape.N >= 0 && inShape.H >= 0 && inShape.W >= 0 && inShape.C >= 0 && outShape.H >= 0 && outShape.W >= 0;

    /// <summary>Prepares the kernel. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.</summary>
    public Pool2DInt8Vector(bool isMax, ConvGeometry g, int filterH, int filterW, int actMin, int actMax,
        Shape4 inShape, Shape4 outShape, VectorWidth width)
    {
        if (!IsApplicable(isMax, filterH, filterW, actMin, actMax, inShape, outShape))
            throw new ArgumentException($"{(isMax ? "Max" : "Average")} pooling {filterH}x{filterW} clamp [{actMin},{actMax}] {inShape}->{outShape} is outside this kernel's limits.", nameof(filterH));
        (_isMax, _g, _fh, _fw, _inShape, _outShape, Width) = (isMax, g, filterH, filterW, inShape, outShape, width);
        _min = (sbyte)actMin;
        _max = (sbyte)actMax;
        _groupRows = Int8ChannelSums.GroupRows(filterW);
    }

    /// <summary>The vector width of the main steps.</summary>
    public VectorWidth Width { get; }

    /// <summary>The kernel's name with its operator and width, e.g. <c>MaxPoolInt8Vector256</c>.</summary>
    public string Name => $"{(_isMax ? "MaxPool" : "AveragePool")}Int8Vector{(int)Width}";

    /// <summary>
    /// Pools output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>), a row being one (batch, output y)
    /// pair. Returns false when an average window holds no tap (the reference fails then; what was written is
    /// unspecified). Allocates nothing.
    /// </summary>
    public bool Run(ReadOnlySpan<sbyte> input, Span<sbyte> output, int rowStart, int rowEnd)
    {
        if (input.Length < _inShape.FlatSize || output.Length < _outShape.FlatSize)
            throw new ArgumentException($"Tensors ({input.Length}, {output.Length}) are shorter than {_inShape} and {_outShape}.", nameof(input));
        if ((uint)rowStart > (uint)rowEnd || rowEnd > _outShape.N * _outShape.H)
            throw new ArgumentOutOfRangeException(nameof(rowEnd), $"Rows [{rowStart}, {rowEnd}) are outside [0, {_outShape.N * _outShape.H}).");
        int c = _inShape.C;
        if (c == 0)
            return true;
        ref sbyte inRef = ref MemoryMarshal.GetReference(input);
        ref sbyte outRef = ref MemoryMarshal.GetReference(output);
        int rowStride = _inShape.W * c;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / _outShape.H, oy = row % _outShape.H;
            for (int ox = 0; ox < _outShape.W; ox++)
            {
                var (inY0, inX0, fy0, fy1, fx0, fx1) = _g.ClippedWindow(oy, ox, _fh, _fw, _inShape.H, _inShape.W);
                int rows = fy1 - fy0, cols = fx1 - fx0;
                ref sbyte dst = ref Unsafe.Add(ref outRef, (nint)(((long)row * _outShape.W + ox) * c));
                if (rows <= 0 || cols <= 0)
                {
                    // No tap: the reference's max is the clamp of −128; its average fails.
                    if (!_isMax)
                        return false;
                    MemoryMarshal.CreateSpan(ref dst, c).Fill(Math.Clamp(sbyte.MinValue, _min, _max));
                    continue;
                }
                ref sbyte first = ref Unsafe.Add(ref inRef, (nint)_inShape.Offset(b, inY0 + fy0, inX0 + fx0, 0));
                if (_isMax && rows == 2 && cols == 2 && c >= 16)
                {
                    Max2x2(ref first, rowStride, c, ref dst);
                    continue;
                }
                var w = new Window(ref first, rows, cols, rowStride, c);
                if (_isMax)
                    MaxPixel(w, ref dst, c);
                else
                    AveragePixel(w, ref dst, c, rows * cols);
            }
        }
        return true;
    }

    /// <summary>The in-image taps of one window: the first one's channel 0, the tap grid and the strides (bytes).</summary>
    private readonly ref struct Window(ref sbyte first, int rows, int cols, int rowStride, int pixelStride)
    {
        public readonly ref sbyte First = ref first;
        public readonly int Rows = rows, Cols = cols, RowStride = rowStride, PixelStride = pixelStride;

        /// <summary>Tap (y, x) at channel <paramref name="channel"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref sbyte At(int y, int x, int channel) => ref Unsafe.Add(ref First, (nint)y * RowStride + (nint)x * PixelStride + channel);
    }

    /// <summary>
    /// The max of a window of 2×2 taps in the image (a 2×2 pool's, or a larger one's clipped at a corner), at least 16
    /// channels: the taps' loads written out, and no per-channel-block call (BlazeFace's 2×2 pools spent more on
    /// the generic window's loops and calls than on the loads). 16 channels a step at any width: a second,
    /// 256-bit copy of the loop saved 0.2 µs on BlazeFace's 42-channel pool and nothing on its 28-channel one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Max2x2(ref sbyte p, int rowStride, int c, ref sbyte dst)
    {
        ref sbyte q = ref Unsafe.Add(ref p, rowStride);
        var (lo, hi) = (Vector128.Create(_min), Vector128.Create(_max));
        for (int ch = 0; ; ch += 16)
        {
            // The last step ends at c, overlapping the one before it.
            if (ch > c - 16)
                ch = c - 16;
            var m = Vector128.Max(Vector128.Max(Vector128.LoadUnsafe(ref p, (nuint)ch), Vector128.LoadUnsafe(ref p, (nuint)(ch + c))),
                Vector128.Max(Vector128.LoadUnsafe(ref q, (nuint)ch), Vector128.LoadUnsafe(ref q, (nuint)(ch + c))));
            Vector128.Min(Vector128.Max(m, lo), hi).StoreUnsafe(ref dst, (nuint)ch);
            if (ch == c - 16)
                return;
        }
    }

    private void MaxPixel(in Window w, ref sbyte dst, int c)
    {
        int ch = 0;
        if (Width == VectorWidth.Vector256)
        {
            for (; ch + 32 <= c; ch += 32)
                Max32(w, ref dst, ch);
            if (ch < c && c >= 32)
            {
                Max32(w, ref dst, c - 32);
                return;
            }
        }
        for (; ch + 16 <= c; ch += 16)
            Max16(w, ref dst, ch);
        if (ch < c && c >= 16)
        {
            Max16(w, ref dst, c - 16);
            return;
        }
        for (; ch + 8 <= c; ch += 8)
            Max8(w, ref dst, ch);
        if (ch < c && c >= 8)
        {
            Max8(w, ref dst, c - 8);
            return;
        }
        for (; ch < c; ch++)
        {
            int max = sbyte.MinValue;
            for (int y = 0; y < w.Rows; y++)
                for (int x = 0; x < w.Cols; x++)
                    max = Math.Max(max, w.At(y, x, ch));
            Unsafe.Add(ref dst, ch) = (sbyte)Math.Clamp(max, _min, _max);
        }
    }

    private void Max32(in Window w, ref sbyte dst, int ch)
    {
        var acc = Vector256.Create(sbyte.MinValue);
        for (int y = 0; y < w.Rows; y++)
            for (int x = 0; x < w.Cols; x++)
                acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref w.At(y, x, ch)));
        Vector256.Min(Vector256.Max(acc, Vector256.Create(_min)), Vector256.Create(_max)).StoreUnsafe(ref Unsafe.Add(ref dst, ch));
    }

    private void Max16(in Window w, ref sbyte dst, int ch)
    {
        var acc = Vector128.Create(sbyte.MinValue);
        for (int y = 0; y < w.Rows; y++)
            for (int x = 0; x < w.Cols; x++)
                acc = Vector128.Max(acc, Vector128.LoadUnsafe(ref w.At(y, x, ch)));
        Vector128.Min(Vector128.Max(acc, Vector128.Create(_min)), Vector128.Create(_max)).StoreUnsafe(ref Unsafe.Add(ref dst, ch));
    }

    private void Max8(in Window w, ref sbyte dst, int ch)
    {
        var acc = Vector128.Create(sbyte.MinValue);
        for (int y = 0; y < w.Rows; y++)
            for (int x = 0; x < w.Cols; x++)
                acc = Vector128.Max(acc, Int8ChannelSums.Load8(ref w.At(y, x, ch)));
        Int8ChannelSums.Store8(ref Unsafe.Add(ref dst, ch), Vector128.Min(Vector128.Max(acc, Vector128.Create(_min)), Vector128.Create(_max)));
    }

    private void AveragePixel(in Window w, ref sbyte dst, int c, int count)
    {
        var d = new Divisor(count);
        int ch = 0;
        if (Width == VectorWidth.Vector256)
        {
            for (; ch + 32 <= c; ch += 32)
                Average32(w, ref dst, ch, d);
            if (ch < c && c >= 32)
            {
                Average32(w, ref dst, c - 32, d);
                return;
            }
        }
        for (; ch + 16 <= c; ch += 16)
            Average16(w, ref dst, ch, d);
        if (ch < c && c >= 16)
        {
            Average16(w, ref dst, c - 16, d);
            return;
        }
        for (; ch + 8 <= c; ch += 8)
            Average8(w, ref dst, ch, d);
        if (ch < c && c >= 8)
        {
            Average8(w, ref dst, c - 8, d);
            return;
        }
        for (; ch < c; ch++)
        {
            int acc = 0;
            for (int y = 0; y < w.Rows; y++)
                for (int x = 0; x < w.Cols; x++)
                    acc += w.At(y, x, ch);
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
            Unsafe.Add(ref dst, ch) = (sbyte)Math.Clamp(acc, _min, _max);
        }
    }

    private void Average32(in Window w, ref sbyte dst, int ch, in Divisor d)
    {
        Int8ChannelSums.Sum32(ref w.At(0, 0, ch), w.Rows, w.Cols, w.RowStride, w.PixelStride, _groupRows, out var a0, out var a1, out var a2, out var a3);
        var lo = Vector256.NarrowWithSaturation(d.Divide(a0), d.Divide(a1));
        var hi = Vector256.NarrowWithSaturation(d.Divide(a2), d.Divide(a3));
        var r = Vector256.NarrowWithSaturation(lo, hi);
        Vector256.Min(Vector256.Max(r, Vector256.Create(_min)), Vector256.Create(_max)).StoreUnsafe(ref Unsafe.Add(ref dst, ch));
    }

    private void Average16(in Window w, ref sbyte dst, int ch, in Divisor d)
    {
        Int8ChannelSums.Sum16(ref w.At(0, 0, ch), w.Rows, w.Cols, w.RowStride, w.PixelStride, _groupRows, out var a0, out var a1, out var a2, out var a3);
        var lo = Vector128.NarrowWithSaturation(d.Divide(a0), d.Divide(a1));
        var hi = Vector128.NarrowWithSaturation(d.Divide(a2), d.Divide(a3));
        var r = Vector128.NarrowWithSaturation(lo, hi);
        Vector128.Min(Vector128.Max(r, Vector128.Create(_min)), Vector128.Create(_max)).StoreUnsafe(ref Unsafe.Add(ref dst, ch));
    }

    private void Average8(in Window w, ref sbyte dst, int ch, in Divisor d)
    {
        Int8ChannelSums.Sum8(ref w.At(0, 0, ch), w.Rows, w.Cols, w.RowStride, w.PixelStride, _groupRows, out var a0, out var a1);
        var n = Vector128.NarrowWithSaturation(d.Divide(a0), d.Divide(a1));
        var r = Vector128.NarrowWithSaturation(n, n);
        Int8ChannelSums.Store8(ref Unsafe.Add(ref dst, ch), Vector128.Min(Vector128.Max(r, Vector128.Create(_min)), Vector128.Create(_max)));
    }

    /// <summary>The reference's rounded division by one pixel's tap count, in float32 (exact: see the remarks).</summary>
    private readonly struct Divisor(int count)
    {
        private readonly int _half = count / 2;
        private readonly float _count = count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Divide(Vector256<int> sum)
        {
            var half = Vector256.Create(_half);
            var x = sum + Vector256.ConditionalSelect(Vector256.GreaterThan(sum, Vector256<int>.Zero), half, -half);
            return Vector256.ConvertToInt32Native(Vector256.ConvertToSingle(x) / Vector256.Create(_count));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Divide(Vector128<int> sum)
        {
            var half = Vector128.Create(_half);
            var x = sum + Vector128.ConditionalSelect(Vector128.GreaterThan(sum, Vector128<int>.Zero), half, -half);
            return Vector128.ConvertToInt32Native(Vector128.ConvertToSingle(x) / Vector128.Create(_count));
        }
    }
}
