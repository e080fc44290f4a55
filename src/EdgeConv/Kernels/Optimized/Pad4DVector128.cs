using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// PAD / PADV2 of a tensor of rank 1 to 4 (seen as NHWC, with leading 1s) whose elements are 1, 2, 4 or 8 bytes,
/// writing every output byte once: whole images and rows of padding as block fills, an input row without channel
/// padding as one block copy, and with channel padding each pixel as an exact small copy between two small fills.
/// Byte for byte the same as <see cref="Reference.PadReference"/> wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para>The reference fills the whole output with the pad value, then copies the input in as runs; a channel pad
/// (BlazeFace's 24 → 28 channels) makes each run a pixel, found by divisions per run. Here the output is walked
/// once in order: an image or row outside the input is filled; a row inside is its left padding, its W pixels,
/// its right padding.</para>
/// <para>Fills and copies of n bytes are exact and stay inside [0, n): n ≥ 16 is 16-byte steps and a last step
/// moved back to end at n (overlapping the one before: a copy reads only the source, and a fill stores the same
/// repeating pattern there); 8 ≤ n &lt; 16 is two 8-byte moves at 0 and n − 8, and likewise 4, 2, 1. A fill stores the
/// pad value repeated, at offsets that are multiples of the element size (n is, and so is every step ≥ the element
/// size), so every element gets the value's bytes in order. Large copies go to <see cref="Unsafe.CopyBlockUnaligned(ref byte, ref readonly byte, uint)"/>.</para>
/// <para>An instance is immutable after load; <see cref="Run"/> allocates nothing.</para>
/// </remarks>
public sealed class Pad4DVector128
{
    private const int LargeCopy = 256;   // bytes from which a copy goes to the runtime's memmove

    private readonly Shape4 _in, _out;    // in elements
    private readonly int _elementSize, _beforeN, _beforeH, _beforeW, _beforeC;
    private readonly Vector128<byte> _pattern;

    /// <summary>Whether the kernel computes this pad: rank 1 to 4, padding never negative, elements of 1, 2, 4 or 8 bytes.</summary>
    public static bool IsApplicable(ReadOnlySpan<int> inDims, ReadOnlySpan<int> before, ReadOnlySpan<int> outDims, int elementSize)
    {
        if (inDims.Length is < 1 or > 4 || before.Length != inDims.Length || outDims.Length != inDims.Length || elementSize is not (1 or 2 or 4 or 8))
            return false;
        for (int d = 0; d < inDims.Length; d++)
            if (inDims[d] < 0 || before[d] < 0 || outDims[d] < inDims[d] + before[d])
                return false;
        return true;
    }

    /// <summary>
    /// Prepares the kernel for <paramref name="inDims"/> padded by <paramref name="before"/> (and whatever makes
    /// <paramref name="outDims"/>) with one element <paramref name="padValue"/>. Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.
    /// </summary>
    public Pad4DVector128(ReadOnlySpan<int> inDims, ReadOnlySpan<int> before, ReadOnlySpan<int> outDims, ReadOnlySpan<byte> padValue)
    {
        if (!IsApplicable(inDims, before, outDims, padValue.Length))
            throw new ArgumentException($"PAD of rank {inDims.Length} with {padValue.Length}-byte elements is outside this kernel's limits.", nameof(inDims));
        _in = Shape4.FromDims(inDims);
        _out = Shape4.FromDims(outDims);
        Span<int> b = [0, 0, 0, 0];
        before.CopyTo(b[(4 - before.Length)..]);
        (_beforeN, _beforeH, _beforeW, _beforeC) = (b[0], b[1], b[2], b[3]);
        _elementSize = padValue.Length;
        Span<byte> pattern = stackalloc byte[16];
        for (int i = 0; i < pattern.Length; i += padValue.Length)
            padValue.CopyTo(pattern[i..]);
        _pattern = Vector128.Create((ReadOnlySpan<byte>)pattern);
    }

    /// <summary>Pads <paramref name="input"/> into <paramref name="output"/>. Allocates nothing.</summary>
    public void Run(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int e = _elementSize;
        if (input.Length < (long)_in.FlatSize * e || output.Length < (long)_out.FlatSize * e)
            throw new ArgumentException($"Tensors ({input.Length}, {output.Length} bytes) are shorter than {_in} and {_out} of {e}-byte elements.", nameof(input));
        int inPixel = _in.C * e, outPixel = _out.C * e, before = _beforeC * e, after = outPixel - before - inPixel;
        int inRow = _in.W * inPixel, outRow = _out.W * outPixel;
        int left = _beforeW * outPixel, right = outRow - left - _in.W * outPixel;
        bool channelPad = before != 0 || after != 0;
        ref byte src = ref MemoryMarshal.GetReference(input);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        nint o = 0;
        for (int n = 0; n < _out.N; n++)
        {
            int inN = n - _beforeN;
            if ((uint)inN >= (uint)_in.N)
            {
                Fill(ref Unsafe.Add(ref dst, o), _out.H * outRow);
                o += _out.H * outRow;
                continue;
            }
            for (int y = 0; y < _out.H; y++, o += outRow)
            {
                int inY = y - _beforeH;
                if ((uint)inY >= (uint)_in.H)
                {
                    Fill(ref Unsafe.Add(ref dst, o), outRow);
                    continue;
                }
                ref byte s = ref Unsafe.Add(ref src, ((nint)inN * _in.H + inY) * inRow);
                ref byte d = ref Unsafe.Add(ref dst, o);
                Fill(ref d, left);
                d = ref Unsafe.Add(ref d, left);
                if (!channelPad)
                {
                    Copy(ref d, ref s, inRow);
                    d = ref Unsafe.Add(ref d, inRow);
                }
                else
                {
                    for (int x = 0; x < _in.W; x++)
                    {
                        Fill(ref d, before);
                        Copy(ref Unsafe.Add(ref d, before), ref Unsafe.Add(ref s, (nint)x * inPixel), inPixel);
                        Fill(ref Unsafe.Add(ref d, before + inPixel), after);
                        d = ref Unsafe.Add(ref d, outPixel);
                    }
                }
                Fill(ref d, right);
            }
        }
    }

    /// <summary>The pad value repeated over exactly <paramref name="n"/> bytes (a multiple of the element size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Fill(ref byte d, int n)
    {
        var p = _pattern;
        if (n >= 16)
        {
            int i = 0;
            for (; i <= n - 16; i += 16)
                p.StoreUnsafe(ref d, (nuint)i);
            if (i < n)
                p.StoreUnsafe(ref d, (nuint)(n - 16));
        }
        else if (n >= 8)
        {
            ulong v = p.AsUInt64().ToScalar();
            Unsafe.WriteUnaligned(ref d, v);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 8), v);
        }
        else if (n >= 4)
        {
            uint v = p.AsUInt32().ToScalar();
            Unsafe.WriteUnaligned(ref d, v);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 4), v);
        }
        else if (n >= 2)
        {
            ushort v = p.AsUInt16().ToScalar();
            Unsafe.WriteUnaligned(ref d, v);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 2), v);
        }
        else if (n == 1)
        {
            d = p.ToScalar();
        }
    }

    /// <summary>Exactly <paramref name="n"/> bytes from <paramref name="s"/> to <paramref name="d"/> (which do not overlap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref byte d, ref byte s, int n)
    {
        if (n >= LargeCopy)
        {
            Unsafe.CopyBlockUnaligned(ref d, ref s, (uint)n);
        }
        else if (n >= 16)
        {
            int i = 0;
            for (; i <= n - 16; i += 16)
                Vector128.LoadUnsafe(ref s, (nuint)i).StoreUnsafe(ref d, (nuint)i);
            if (i < n)
                Vector128.LoadUnsafe(ref s, (nuint)(n - 16)).StoreUnsafe(ref d, (nuint)(n - 16));
        }
        else if (n >= 8)
        {
            ulong head = Unsafe.ReadUnaligned<ulong>(ref s), tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, n - 8));
            Unsafe.WriteUnaligned(ref d, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 8), tail);
        }
        else if (n >= 4)
        {
            uint head = Unsafe.ReadUnaligned<uint>(ref s), tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, n - 4));
            Unsafe.WriteUnaligned(ref d, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 4), tail);
        }
        else if (n >= 2)
        {
            ushort head = Unsafe.ReadUnaligned<ushort>(ref s), tail = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref s, n - 2));
            Unsafe.WriteUnaligned(ref d, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, n - 2), tail);
        }
        else if (n == 1)
        {
            d = s;
        }
    }
}
