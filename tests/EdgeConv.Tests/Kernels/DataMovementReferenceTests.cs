using EdgeConv.Kernels.Reference;

namespace EdgeConv.Tests.Kernels;

/// <summary>PAD, TRANSPOSE and CONCATENATION move bytes; they are checked exactly against index arithmetic.</summary>
public class DataMovementReferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Pad_PlacesInputAndFillsTheRest(int elementSize)
        => AssertPadded([1, 2, 3, 2], [0, 1, 0, 1], [0, 2, 1, 0], elementSize);

    /// <summary>
    /// Random ranks 1–6, element sizes 1, 2, 3 and 4, pads of 0–2 on either side of each dimension, often
    /// none on the trailing dimensions (so the copies join them into longer runs), now and then an empty dimension.
    /// </summary>
    [Fact]
    public void Pad_RandomShapes_PlaceInputAndFillTheRest()
    {
        var rng = new Random(61);
        for (int trial = 0; trial < 300; trial++)
        {
            int rank = rng.Next(1, 7);
            int[] inDims = new int[rank], before = new int[rank], after = new int[rank];
            int unpaddedTail = rng.Next(rank + 1);
            for (int d = 0; d < rank; d++)
            {
                inDims[d] = rng.Next(20) == 0 ? 0 : rng.Next(1, 5);
                bool padded = d < rank - unpaddedTail;
                before[d] = padded ? rng.Next(3) : 0;
                after[d] = padded ? rng.Next(3) : 0;
            }
            AssertPadded(inDims, before, after, rng.Next(1, 5));
        }
    }

    /// <summary>Pads a counting input and checks every output element by index arithmetic.</summary>
    private static void AssertPadded(int[] inDims, int[] before, int[] after, int elementSize)
    {
        int rank = inDims.Length;
        int[] outDims = inDims.Select((d, i) => d + before[i] + after[i]).ToArray();
        int inCount = inDims.Aggregate(1, (a, b) => a * b), outCount = outDims.Aggregate(1, (a, b) => a * b);
        var input = Enumerable.Range(0, inCount * elementSize).Select(i => (byte)(i % 251 + 1)).ToArray();
        byte[] pad = Enumerable.Range(0, elementSize).Select(k => (byte)(0xEE - k)).ToArray();
        var output = new byte[outCount * elementSize];
        PadReference.Run(input, inDims, before, outDims, pad, output);
        var idx = new int[rank];
        for (int o = 0; o < outCount; o++)
        {
            int rem = o, inIndex = 0, stride = 1;
            bool inside = true;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % outDims[d]; rem /= outDims[d]; }
            for (int d = rank - 1; d >= 0; d--)
            {
                int i = idx[d] - before[d];
                if (i < 0 || i >= inDims[d]) inside = false;
                inIndex += i * stride;
                stride *= inDims[d];
            }
            for (int k = 0; k < elementSize; k++)
                Assert.Equal(inside ? input[inIndex * elementSize + k] : pad[k], output[o * elementSize + k]);
        }
    }

    [Fact]
    public void Transpose_NchwToNhwc_AndEveryPermutationOfRank3()
    {
        // NCHW [1,3,2,2] -> NHWC [1,2,2,3].
        var input = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        var output = new byte[12];
        TransposeReference.Run(input, [1, 3, 2, 2], [0, 2, 3, 1], 1, output);
        Assert.Equal(new byte[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, output);

        int[] dims = [2, 3, 4];
        var data = Enumerable.Range(0, 24).Select(i => (byte)i).ToArray();
        foreach (var perm in new[] { new[] { 0, 1, 2 }, [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0] })
        {
            var result = new byte[24];
            TransposeReference.Run(data, dims, perm, 1, result);
            int[] outDims = perm.Select(p => dims[p]).ToArray();
            for (int a = 0; a < outDims[0]; a++)
            for (int b = 0; b < outDims[1]; b++)
            for (int c = 0; c < outDims[2]; c++)
            {
                var src = new int[3];
                src[perm[0]] = a; src[perm[1]] = b; src[perm[2]] = c;
                Assert.Equal(data[(src[0] * 3 + src[1]) * 4 + src[2]], result[(a * outDims[1] + b) * outDims[2] + c]);
            }
        }
    }

    [Fact]
    public void Concatenation_InterleavesChunksPerOuterIndex()
    {
        // [2,2] ++ [2,3] on axis 1 -> [2,5].
        byte[] a = [1, 2, 3, 4], b = [5, 6, 7, 8, 9, 10];
        var output = new byte[10];
        ConcatenationReference.CopyChunk(a, 2, 2, 5, 0, output);
        ConcatenationReference.CopyChunk(b, 2, 3, 5, 2, output);
        Assert.Equal(new byte[] { 1, 2, 5, 6, 7, 3, 4, 8, 9, 10 }, output);
    }
}
