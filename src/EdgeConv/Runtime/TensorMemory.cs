using System.Runtime.InteropServices;
using EdgeConv.Graph;
using EdgeConv.Kernels;

namespace EdgeConv.Runtime;

/// <summary>
/// Where every tensor's bytes live during one interpreter's invokes: constants in the model
/// bytes (read in place), everything else at its planned offset in the interpreter's arena.
/// </summary>
internal sealed class TensorMemory
{
    private readonly AlignedBuffer<byte> _arena;
    private readonly byte[] _constants;
    private readonly int[] _offsets;
    private readonly int[] _lengths;
    private readonly bool[] _isConstant;
    private readonly int _scratchOffset, _scratchBytes, _scratchStride;

    /// <param name="arena">The interpreter's arena.</param>
    /// <param name="graph">The model graph.</param>
    /// <param name="plan">Tensor offsets in the arena.</param>
    /// <param name="scratchOffset">Where the first thread's scratch starts.</param>
    /// <param name="scratchBytes">Scratch bytes per thread.</param>
    /// <param name="scratchStride">Distance between two threads' scratch (64-byte aligned).</param>
    public TensorMemory(AlignedBuffer<byte> arena, ModelGraph graph, ArenaPlan plan, int scratchOffset = 0, int scratchBytes = 0, int scratchStride = 0)
    {
        _arena = arena;
        _scratchOffset = scratchOffset;
        _scratchBytes = scratchBytes;
        _scratchStride = scratchStride;
        _constants = graph.Data;
        int n = graph.Tensors.Length;
        _offsets = new int[n];
        _lengths = new int[n];
        _isConstant = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var t = graph.Tensors[i];
            _lengths[i] = t.ByteLength;
            if (t.IsConstant)
            {
                _isConstant[i] = true;
                _offsets[i] = t.DataOffset;
            }
            else if (plan.Offsets[i] >= 0)
            {
                _offsets[i] = plan.Offsets[i];
            }
            else
            {
                _lengths[i] = 0; // never touched by any op
            }
        }
    }

    public int ArenaBytes => _arena.Length;

    /// <summary>The calling thread's scratch when an op runs whole (see <see cref="Operations.Operation.ScratchBytes"/>); its contents do not survive from one op to the next.</summary>
    public Span<byte> Scratch => ScratchSlice(0);

    /// <summary>The scratch of worker slice <paramref name="slice"/> (0 is the invoking thread).</summary>
    public Span<byte> ScratchSlice(int slice) => _arena.Span.Slice(_scratchOffset + slice * _scratchStride, _scratchBytes);

    public Span<byte> Bytes(int tensor) => _isConstant[tensor]
        ? throw new InvalidOperationException($"Tensor {tensor} is constant and cannot be written.")
        : _arena.Span.Slice(_offsets[tensor], _lengths[tensor]);

    public ReadOnlySpan<byte> ReadBytes(int tensor) => _isConstant[tensor]
        ? _constants.AsSpan(_offsets[tensor], _lengths[tensor])
        : _arena.Span.Slice(_offsets[tensor], _lengths[tensor]);

    public ReadOnlySpan<T> Read<T>(int tensor) where T : struct => MemoryMarshal.Cast<byte, T>(ReadBytes(tensor));

    public Span<T> Write<T>(int tensor) where T : struct => MemoryMarshal.Cast<byte, T>(Bytes(tensor));
}
