using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// TRANSPOSE as strided copies, for any element size and rank up to 6: the output is written in order, its
/// last two dimensions as two nested loops that read the input with the strides the permutation gives them,
/// the dimensions before those walked by an odometer. Moves the same bytes to the same places as
/// <see cref="Reference.TransposeReference"/>, which copies one element per call (an NCHW→NHWC input layer
/// of 224×224×3 took half a millisecond there).
/// </summary>
/// <remarks>Prepared once at load; <see cref="Run"/> allocates nothing.</remarks>
public sealed class TransposeStrided
{
    private const int MaxRank = 6;

    private readonly int[] _outDims;   // output dimensions, padded in front with 1s to rank 2 at least
    private readonly int[] _strides;   // input stride, in elements, of each output dimension
    private readonly int _elementSize;

    /// <summary>Elements in the tensor.</summary>
    public int Elements { get; }

    /// <summary>
    /// Prepares the copy of a tensor of <paramref name="inDims"/> whose output dimension i is input dimension
    /// <paramref name="perm"/>[i]. Throws <see cref="ArgumentException"/> for a rank above 6, a perm that is not a
    /// permutation, a negative dimension or an element size below 1.
    /// </summary>
    public TransposeStrided(ReadOnlySpan<int> inDims, ReadOnlySpan<int> perm, int elementSize)
    {
        int rank = inDims.Length;
        if (rank > MaxRank || perm.Length != rank || elementSize < 1)
            throw new ArgumentException($"Transpose of rank {rank} with a perm of {perm.Length} entries and {elementSize}-byte elements: rank at most {MaxRank}, one perm entry per dimension, elements of at least one byte.", nameof(perm));
        Span<bool> seen = stackalloc bool[MaxRank];
        Span<long> inStrides = stackalloc long[MaxRank];
        long elements = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (inDims[d] < 0)
                throw new ArgumentException($"Dimension {d} is {inDims[d]}.", nameof(inDims));
            inStrides[d] = elements;
            elements *= inDims[d];
            if (elements * elementSize > int.MaxValue)
                throw new ArgumentException($"A tensor of [{string.Join(',', inDims.ToArray())}] x {elementSize} bytes is too large.", nameof(inDims));
        }
        int padded = Math.Max(rank, 2);
        _outDims = new int[padded];
        _strides = new int[padded];
        _outDims.AsSpan().Fill(1);
        for (int i = 0; i < rank; i++)
        {
            int p = perm[i];
            if ((uint)p >= (uint)rank || seen[p])
                throw new ArgumentException($"perm [{string.Join(',', perm.ToArray())}] is not a permutation of 0..{rank - 1}.", nameof(perm));
            seen[p] = true;
            _outDims[padded - rank + i] = inDims[p];
            _strides[padded - rank + i] = (int)inStrides[p];
        }
        _elementSize = elementSize;
        Elements = (int)elements;
    }

    /// <summary>Writes the transposed <paramref name="input"/> to <paramref name="output"/>; both hold at least <see cref="Elements"/> elements.</summary>
    public void Run(ReadOnlySpan<byte> input, Span<byte> output)
    {
        long bytes = (long)Elements * _elementSize;
        if (input.Length < bytes || output.Length < bytes)
            throw new ArgumentException($"Transpose of {Elements} elements of {_elementSize} bytes: input has {input.Length} bytes, output {output.Length}.", nameof(input));
        if (Elements == 0)
            return;
        switch (_elementSize)
        {
            case 1:
                Walk<byte>(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(output));
                break;
            case 2:
                Walk<short>(ref Unsafe.As<byte, short>(ref MemoryMarshal.GetReference(input)), ref Unsafe.As<byte, short>(ref MemoryMarshal.GetReference(output)));
                break;
            case 4:
                Walk<int>(ref Unsafe.As<byte, int>(ref MemoryMarshal.GetReference(input)), ref Unsafe.As<byte, int>(ref MemoryMarshal.GetReference(output)));
                break;
            case 8:
                Walk<long>(ref Unsafe.As<byte, long>(ref MemoryMarshal.GetReference(input)), ref Unsafe.As<byte, long>(ref MemoryMarshal.GetReference(output)));
                break;
            default:
                WalkBytes(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(output));
                break;
        }
    }

    /// <summary>The odometer over the outer dimensions, the last two as nested loops, elements of type <typeparamref name="T"/>.</summary>
    private void Walk<T>(ref T input, ref T output) where T : unmanaged
    {
        int rank = _outDims.Length, rows = _outDims[rank - 2], cols = _outDims[rank - 1];
        nint rowStride = _strides[rank - 2], colStride = _strides[rank - 1];
        Span<int> index = stackalloc int[MaxRank];
        int outer = Elements / (rows * cols);
        nint from = 0, to = 0;
        for (int block = 0; block < outer; block++)
        {
            if (cols < rows)
            {
                // The longer loop inside (NCHW to NHWC: 224 pixels of 3 channels, not 3 channels 224 times).
                for (int c = 0; c < cols; c++)
                {
                    ref T src = ref Unsafe.Add(ref input, from + c * colStride);
                    ref T dst = ref Unsafe.Add(ref output, to + c);
                    for (int r = 0; r < rows; r++)
                        Unsafe.Add(ref dst, r * cols) = Unsafe.Add(ref src, r * rowStride);
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    ref T src = ref Unsafe.Add(ref input, from + r * rowStride);
                    ref T dst = ref Unsafe.Add(ref output, to + r * cols);
                    for (int c = 0; c < cols; c++)
                        Unsafe.Add(ref dst, c) = Unsafe.Add(ref src, c * colStride);
                }
            }
            to += (nint)rows * cols;
            from = Advance(index, from);
        }
    }

    /// <summary><see cref="Walk{T}"/> for element sizes without a type of their own.</summary>
    private void WalkBytes(ref byte input, ref byte output)
    {
        int rank = _outDims.Length, rows = _outDims[rank - 2], cols = _outDims[rank - 1], size = _elementSize;
        nint rowStride = _strides[rank - 2], colStride = _strides[rank - 1];
        Span<int> index = stackalloc int[MaxRank];
        int outer = Elements / (rows * cols);
        nint from = 0, to = 0;
        for (int block = 0; block < outer; block++)
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref output, to * size), ref Unsafe.Add(ref input, (from + r * rowStride + c * colStride) * size), (uint)size);
                    to++;
                }
            from = Advance(index, from);
        }
    }

    /// <summary>Steps the odometer over the output dimensions before the last two; returns the next block's input offset.</summary>
    private nint Advance(Span<int> index, nint from)
    {
        for (int d = _outDims.Length - 3; d >= 0; d--)
        {
            from += _strides[d];
            if (++index[d] < _outDims[d])
                return from;
            from -= (nint)_strides[d] * _outDims[d];
            index[d] = 0;
        }
        return from;
    }
}
