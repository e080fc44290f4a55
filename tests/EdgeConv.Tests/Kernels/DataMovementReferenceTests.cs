using EdgeConv.Kernels.Reference;

namespace EdgeConv.Tests.Kernels;

/// <summary>PAD, TRANSPOSE and CONCATENATION move bytes; they are checked exactly against index arithmetic.</summary>
public class DataMovementReferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Pad_PlacesInputAndFillsTheRest(int elementSize)
    {
        int[] inDims = [1, 2, 3, 2], before = [0, 1, 0, 1], after = [0, 2, 1, 0];
        int[] outDims = inDims.Select((d, i) => d + before[i] + after[i]).ToArray();
        int inCount = inDims.Aggregate(1, (a, b) => a * b), outCount = outDims.Aggregate(1, (a, b) => a * b);
        var input = Enumerable.Range(0, inCount * elementSize).Select(i => (byte)(i + 1)).ToArray();
        byte[] pad = Enumerable.Repeat((byte)0xEE, elementSize).ToArray();
        var output = new byte[outCount * elementSize];
        PadReference.Run(input, inDims, before, outDims, pad, output);
        for (int o = 0; o < outCount; o++)
        {
            int rem = o, inIndex = 0, stride = 1;
            bool inside = true;
            var idx = new int[4];
            for (int d = 3; d >= 0; d--) { idx[d] = rem % outDims[d]; rem /= outDims[d]; }
            for (int d = 3; d >= 0; d--)
            {
                int i = idx[d] - before[d];
                if (i < 0 || i >= inDims[d]) inside = false;
                inIndex += i * stride;
                stride *= inDims[d];
            }
            for (int k = 0; k < elementSize; k++)
                Assert.Equal(inside ? input[inIndex * elementSize + k] : (byte)0xEE, output[o * elementSize + k]);
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
