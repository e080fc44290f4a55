using EdgeConv.Cli;

namespace EdgeConv.Tests.Support;

/// <summary>Paths into ../shared; tests skip with a reason when it is absent.</summary>
internal static class SharedFiles
{
    public static string Require(params string[] relative)
    {
        string? root = SharedData.Locate();
        if (root is null)
            Assert.Skip("../shared is not present beside the repository (set EDGECONV_SHARED to point at it).");
        string path = Path.Combine([root!, .. relative]);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Skip($"{path} is not present in ../shared.");
        return path;
    }
}
