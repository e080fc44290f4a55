using EdgeConv.Formats;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>
/// TFLite ops the importer emits that EdgeConv's runtime does not run yet. A test that reaches
/// one skips with the op's name; once the kernel lands the same test runs and must match.
/// </summary>
internal static class PendingRuntimeOps
{
    private static readonly (int Code, string Name)[] Ops =
    [
        (19, "RELU"), (20, "RELU_N1_TO_1"), (21, "RELU6"), (23, "RESIZE_BILINEAR"), (41, "SUB"), (53, "CAST"),
        (55, "MAXIMUM"), (57, "MINIMUM"), (65, "SLICE"), (71, "EQUAL"), (97, "RESIZE_NEAREST_NEIGHBOR"), (98, "LEAKY_RELU"),
    ];

    /// <summary>The pending op a model error is about, or null when the error is something else.</summary>
    public static string? Blocking(ModelFormatException e)
    {
        if (!e.Message.Contains("not supported by EdgeConv", StringComparison.Ordinal))
            return null;
        foreach (var (code, name) in Ops)
            if (e.Message.Contains($"(BUILTIN_{code})", StringComparison.Ordinal) || e.Message.Contains($"({name})", StringComparison.Ordinal))
                return name;
        return null;
    }

    /// <summary>Names of the pending ops a graph uses.</summary>
    public static IEnumerable<string> UsedBy(EdgeConv.Graph.ModelGraph graph) =>
        graph.Operators.Select(o => (int)o.Op).Distinct().SelectMany(c => Ops.Where(p => p.Code == c).Select(p => p.Name));
}
