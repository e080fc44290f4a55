using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="TransposeStrided"/> against <see cref="TransposeReference"/>, byte for byte: every rank up to 6,
/// random permutations, dimensions of 0, 1 and more, element sizes with and without a loop of their own, both
/// loop orders of the last two dimensions; MobileNetV2's NCHW→NHWC input; bad arguments.
/// </summary>
[Trait("Category", "Kernel")]
public class TransposeStridedTests
{
    [Fact]
    public void RandomShapesPermutationsAndElementSizes_EqualReference()
    {
        var rng = new Random(71);
        for (int trial = 0; trial < 600; trial++)
        {
            int rank = rng.Next(0, 7);
            var dims = Enumerable.Range(0, rank).Select(_ => rng.Next(8) == 0 ? RandomPick(rng, 0, 1) : rng.Next(1, 7)).ToArray();
            var perm = Enumerable.Range(0, rank).OrderBy(_ => rng.Next()).ToArray();
            int size = RandomPick(rng, 1, 1, 2, 3, 4, 8);
            AssertEqualsReference(dims, perm, size, rng, $"trial {trial}");
        }
    }

    [Fact]
    public void NchwToNhwc_OfAnImage_EqualsReference()
    {
        var rng = new Random(72);
        AssertEqualsReference([1, 3, 224, 224], [0, 2, 3, 1], 1, rng, "1x3x224x224 to NHWC");
        AssertEqualsReference([2, 5, 7, 9], [0, 2, 3, 1], 4, rng, "2x5x7x9 float to NHWC");
        AssertEqualsReference([1, 7, 9, 5], [0, 3, 1, 2], 1, rng, "NHWC to NCHW");
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new TransposeStrided([2, 3], [0, 0], 1));
        Assert.Throws<ArgumentException>(() => new TransposeStrided([2, 3], [0, 2], 1));
        Assert.Throws<ArgumentException>(() => new TransposeStrided([2, 3], [1, 0, 2], 1));
        Assert.Throws<ArgumentException>(() => new TransposeStrided([1, 1, 1, 1, 1, 1, 1], [0, 1, 2, 3, 4, 5, 6], 1));
        Assert.Throws<ArgumentException>(() => new TransposeStrided([2, -1], [1, 0], 1));
        Assert.Throws<ArgumentException>(() => new TransposeStrided([2, 3], [1, 0], 0));
        var kernel = new TransposeStrided([2, 3], [1, 0], 4);
        Assert.Throws<ArgumentException>(() => kernel.Run(new byte[23], new byte[24]));
        Assert.Throws<ArgumentException>(() => kernel.Run(new byte[24], new byte[20]));
    }

    [Fact]
    public void Run_AllocatesNothing()
    {
        var kernel = new TransposeStrided([1, 3, 8, 8], [0, 2, 3, 1], 1);
        var input = new byte[192];
        var output = new byte[192];
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(input, output));
    }

    private static void AssertEqualsReference(int[] dims, int[] perm, int size, Random rng, string context)
    {
        int elements = dims.Aggregate(1, (a, b) => a * b);
        var input = new byte[elements * size];
        rng.NextBytes(input);
        var expected = new byte[input.Length];
        TransposeReference.Run(input, dims, perm, size, expected);
        var actual = new byte[input.Length];
        var kernel = new TransposeStrided(dims, perm, size);
        Assert.Equal(elements, kernel.Elements);
        kernel.Run(input, actual);
        Assert.True(expected.AsSpan().SequenceEqual(actual),
            $"{context}: dims [{string.Join(',', dims)}] perm [{string.Join(',', perm)}] size {size}: first difference at byte {expected.AsSpan().CommonPrefixLength(actual)}");
    }

    private static int RandomPick(Random rng, params int[] values) => values[rng.Next(values.Length)];
}
