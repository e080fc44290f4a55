namespace EdgeConv.Runtime;

/// <summary>Arena offsets per tensor (-1 for tensors that need no arena space) and the arena size.</summary>
internal sealed class ArenaPlan
{
    public required int[] Offsets { get; init; }
    public required int ArenaBytes { get; init; }
}
