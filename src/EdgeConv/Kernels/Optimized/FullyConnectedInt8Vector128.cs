using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Int8 FULLY_CONNECTED (input [batches, depth], filter [units, depth], per-tensor or per-channel
/// requantization) as a <see cref="GemmInt8Vector128"/> over batches × units × depth, written with the
/// cross-platform <see cref="Vector128"/> API only. Byte for byte the same as
/// <see cref="Reference.FullyConnectedInt8Reference"/> wherever <see cref="IsApplicable"/> holds.
/// </summary>
/// <remarks>
/// <para>Prepared once at load: the filter widened to int16 and the input zero point folded into the bias,
/// <c>bias[u] + inOff·Σd filter[u, d]</c>; the reference's <c>Σd f·(x + inOff) + bias</c> expands to the same
/// sum, and both sides wrap modulo 2^32 alike. A per-tensor layer passes its one multiplier replicated per
/// unit, as the reference does.</para>
/// <para>On x86 with AVX-VNNI and on ARM64 (SDOT, else SMLAL by element) the GEMM is <see cref="GemmInt8Tile4x16"/>
/// (one row at a time for a single batch row, 4 rows otherwise), chosen once in the constructor; <see cref="Path"/> says which runs.</para>
/// <para>Limits: filter zero point 0; weights in [−127, 127]; shifts in [−31, 30]; clamp inside int8.
/// <see cref="Run(ReadOnlySpan{sbyte}, Span{sbyte}, int, int)"/> allocates nothing and needs no scratch; an
/// instance is immutable after load and may run on several threads at once.</para>
/// </remarks>
public sealed class FullyConnectedInt8Vector128
{
    private readonly short[] _filter;   // [units][depth], widened
    private readonly int[] _bias;       // folded
    private readonly RequantizeInt8Vector128? _requant;   // the portable GEMM's; the dot-product GEMM has its own
    private readonly int _depth, _units;
    private readonly GemmInt8Tile4x16? _dot;

    /// <summary>The GEMM this instance runs: <c>AvxVnni</c>, <c>ArmDp</c>, <c>ArmNeon</c> (<see cref="GemmInt8Tile4x16"/>) or <c>Vector128</c>.</summary>
    public string Path => _dot is not null ? _dot.Isa.ToString() : "Vector128";

    /// <summary>Whether the kernel computes this layer: filter zero point 0, no weight of -128, shifts in [−31, 30], clamp inside int8.</summary>
    public static bool IsApplicable(RequantParams q, ReadOnlySpan<sbyte> filter, int units, int depth)
    {
        ArgumentNullException.ThrowIfNull(q);
        return units >= 1 && depth >= 1 && (long)units * depth == filter.Length
            && q.FilterOffset == 0 && filter.IndexOf(sbyte.MinValue) < 0
            && RequantizeInt8Vector128.IsApplicable(q, units);
    }

    /// <summary>
    /// Packs the weights and folds the input zero point into the bias. <paramref name="bias"/> may be empty.
    /// Throws <see cref="ArgumentException"/> unless <see cref="IsApplicable"/>.
    /// </summary>
    public FullyConnectedInt8Vector128(RequantParams q, ReadOnlySpan<sbyte> filter, int units, int depth, ReadOnlySpan<int> bias)
        : this(q, filter, units, depth, bias, GemmInt8Tile4x16.Best)
    {
    }

    /// <summary>
    /// As the public constructor, with the <see cref="GemmInt8Tile4x16"/> micro-kernel to run (<paramref name="tile"/>;
    /// null keeps the portable GEMM): tests run each one this CPU has.
    /// </summary>
    internal FullyConnectedInt8Vector128(RequantParams q, ReadOnlySpan<sbyte> filter, int units, int depth, ReadOnlySpan<int> bias, GemmInt8Tile4x16Isa? tile)
    {
        if (!IsApplicable(q, filter, units, depth))
            throw new ArgumentException($"Fully connected {depth} -> {units} is outside this kernel's limits " +
                "(filter offset 0, weights in [-127,127], shifts in [-31,30], clamp inside int8).", nameof(filter));
        if (!bias.IsEmpty && bias.Length != units)
            throw new ArgumentException($"Bias has {bias.Length} values, expected {units}.", nameof(bias));
        _units = units;
        _depth = depth;
        if (tile is { } isa && depth <= GemmInt8Tile4x16.MaxDepth)
        {
            _dot = new GemmInt8Tile4x16(filter, units, depth, bias, q, isa);
            (_filter, _bias) = ([], []);
            return;
        }
        _requant = new RequantizeInt8Vector128(q, units);
        (_filter, _bias) = GemmInt8Vector128.Pack(filter, units, depth, depth, bias, q.InputOffset);
    }

    /// <summary>Runs every batch row: <paramref name="input"/> [batches, depth] to <paramref name="output"/> [batches, units].</summary>
    public void Run(ReadOnlySpan<sbyte> input, Span<sbyte> output, int batches) => Run(input, output, 0, batches);

    /// <summary>
    /// Computes batch rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of <paramref name="output"/>
    /// ([batches, units]) from <paramref name="input"/> ([batches, depth]). Allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<sbyte> input, Span<sbyte> output, int rowStart, int rowEnd)
    {
        if (rowStart < 0 || rowStart > rowEnd)
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"Rows [{rowStart}, {rowEnd}) are not a range.");
        if (input.Length < (long)rowEnd * _depth || output.Length < (long)rowEnd * _units)
            throw new ArgumentException($"Input ({input.Length}) or output ({output.Length}) is shorter than {rowEnd} rows of {_depth} -> {_units}.", nameof(input));
        if (rowStart == rowEnd)
            return;
        if (_dot is not null)
        {
            _dot.Run(ref MemoryMarshal.GetReference(input[(rowStart * _depth)..]), _depth, rowEnd - rowStart,
                ref MemoryMarshal.GetReference(output[(rowStart * _units)..]), _units);
            return;
        }
        GemmInt8Vector128.Run(ref MemoryMarshal.GetReference(input[(rowStart * _depth)..]), _depth, rowEnd - rowStart, _depth,
            ref MemoryMarshal.GetArrayDataReference(_filter), _units, ref MemoryMarshal.GetArrayDataReference(_bias),
            _requant!, 0, ref MemoryMarshal.GetReference(output[(rowStart * _units)..]), _units);
    }
}
