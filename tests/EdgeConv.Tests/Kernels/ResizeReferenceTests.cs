using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR reference kernels.</summary>
public class ResizeReferenceTests
{
    [Theory]
    // 3 -> 5: scale 0.6 (floor), 0.5 (align_corners, round half away), half-pixel (x + 0.5) * scale.
    [InlineData(3, 5, false, false, new[] { 0, 0, 1, 1, 2 })]
    [InlineData(3, 5, true, false, new[] { 0, 1, 1, 2, 2 })]
    [InlineData(3, 5, false, true, new[] { 0, 0, 1, 2, 2 })]
    [InlineData(3, 5, true, true, new[] { 0, 1, 1, 2, 2 })]
    // 5 -> 2: scale 2.5; half-pixel samples 1.25 and 3.75.
    [InlineData(5, 2, false, false, new[] { 0, 2 })]
    [InlineData(5, 2, false, true, new[] { 1, 3 })]
    [InlineData(5, 2, true, false, new[] { 0, 4 })]
    [InlineData(4, 1, true, false, new[] { 0 })]  // one output: align_corners falls back to in / out
    public void NearestIndex_HandComputed(int inSize, int outSize, bool align, bool half, int[] expected)
    {
        var got = Enumerable.Range(0, outSize).Select(i => ResizeNearestNeighborReference.NearestIndex(i, inSize, outSize, align, half)).ToArray();
        Assert.Equal(expected, got);
    }

    [Fact]
    public void NearestNeighbor_CopiesWholePixels()
    {
        // [1,2,3,2] -> [1,3,5,2], no flags: rows [0,0,1], columns [0,0,1,1,2] (see above).
        var inShape = new Shape4(1, 2, 3, 2);
        var outShape = new Shape4(1, 3, 5, 2);
        sbyte[] input = [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121];
        var output = new sbyte[outShape.FlatSize];
        ResizeNearestNeighborReference.Run(false, false, inShape, input, outShape, output);
        sbyte[] row0 = [0, 1, 0, 1, 10, 11, 10, 11, 20, 21];
        sbyte[] row1 = [100, 101, 100, 101, 110, 111, 110, 111, 120, 121];
        Assert.Equal(row0.Concat(row0).Concat(row1).ToArray(), output);
        Assert.Throws<ArgumentException>(() => ResizeNearestNeighborReference.Run(false, false, inShape, input, new Shape4(1, 3, 5, 3), new sbyte[45]));
    }

    private static sbyte[] Bilinear1D(sbyte[] row, int outWidth, bool align, bool half)
    {
        var output = new sbyte[outWidth];
        ResizeBilinearInt8Reference.Run(align, half, new Shape4(1, 1, row.Length, 1), row, new Shape4(1, 1, outWidth, 1), output);
        return output;
    }

    [Fact]
    public void BilinearInt8_HandComputed()
    {
        // 2 -> 4: scale_10 = (2048 + 2) / 4 = 512; positions 0, 512, 1024, 1536 (the last clamps to column 1).
        Assert.Equal(new sbyte[] { -100, 0, 100, 100 }, Bilinear1D([-100, 100], 4, false, false));
        // Half-pixel: positions -256 (both taps column 0, weights 1280 and -256), 256, 768, 1280.
        Assert.Equal(new sbyte[] { -100, -50, 50, 100 }, Bilinear1D([-100, 100], 4, false, true));
        // Ties round away from zero: 3 * 512 / 1024 = 1.5 -> 2, -1.5 -> -2; 0 stays 0.
        Assert.Equal(new sbyte[] { 3, 2, 0, 0 }, Bilinear1D([3, 0], 4, false, false));
        Assert.Equal(new sbyte[] { -3, -2, 0, 0 }, Bilinear1D([-3, 0], 4, false, false));
        // align_corners 3 -> 5: scale_10 = (2048 + 2) / 4 = 512; midpoints 15.5 -> 16 and 30.5 -> 31.
        Assert.Equal(new sbyte[] { 10, 16, 21, 31, 40 }, Bilinear1D([10, 21, 40], 5, true, false));
        // Extremes stay in range; the midpoint -0.5 rounds away from zero to -1.
        Assert.Equal(new sbyte[] { -128, -1, 127, 127 }, Bilinear1D([-128, 127], 4, false, false));
    }

    [Fact]
    public void BilinearInt8_TwoDimensional_HandComputed()
    {
        // [2x2] -> [3x3] align_corners: scale_10 = 512 both ways; centre = (a + b + c + d) / 4.
        var output = new sbyte[9];
        ResizeBilinearInt8Reference.Run(true, false, new Shape4(1, 2, 2, 1), [0, 10, 20, 31], new Shape4(1, 3, 3, 1), output);
        // Edges: (0+10)/2 = 5, (0+20)/2 = 10, (10+31)/2 = 20.5 -> 21, (20+31)/2 = 25.5 -> 26; centre 61/4 = 15.25 -> 15.
        Assert.Equal(new sbyte[] { 0, 5, 10, 10, 15, 21, 20, 26, 31 }, output);
    }

    [Fact]
    public void Bilinear_RejectsWhatTfliteRejects()
    {
        var s = new Shape4(1, 2, 2, 1);
        Assert.Throws<ArgumentException>(() => ResizeBilinearInt8Reference.Validate(true, true, s, s));
        Assert.Throws<ArgumentException>(() => ResizeBilinearFloat.Validate(true, true, s, s));
        // 1 -> 2048: scale_10 rounds to 1, so the last sample lands on column 1 of a 1-wide input.
        Assert.Throws<ArgumentException>(() => ResizeBilinearInt8Reference.Validate(false, false, new Shape4(1, 1, 1, 1), new Shape4(1, 1, 2048, 1)));
        ResizeBilinearInt8Reference.Validate(false, false, new Shape4(1, 1, 1, 1), new Shape4(1, 1, 1024, 1));
    }

    // Nearest neighbour picks the same pixels for int8 and float, so the dequantized outputs agree exactly.
    [Fact]
    public void NearestNeighbor_Int8MatchesFloat_Exactly()
    {
        var rng = new Random(97);
        for (int channels = 1; channels <= 67; channels++)
        {
            var inShape = new Shape4(rng.Next(1, 3), rng.Next(1, 7), rng.Next(1, 7), channels);
            var outShape = inShape with { H = rng.Next(1, 9), W = rng.Next(1, 9) };
            bool align = rng.Next(2) == 0, half = rng.Next(2) == 0;
            float s = QuantTestHelpers.Scale(rng, 0.01f, 0.1f);
            int z = QuantTestHelpers.ZeroPoint(rng);
            sbyte[] q = RandomTensors.Int8(rng, inShape.FlatSize);
            var got = new sbyte[outShape.FlatSize];
            var want = new float[outShape.FlatSize];
            ResizeNearestNeighborReference.Run(align, half, inShape, q, outShape, got);
            ResizeNearestNeighborReference.Run(align, half, inShape, QuantTestHelpers.Dequantize(q, s, z), outShape, want);
            Assert.Equal(want, QuantTestHelpers.Dequantize(got, s, z));
        }
    }

    // (in, out) pairs whose 10-bit scale is exact and even, so the integer kernel samples the same
    // positions with the same weights as the float kernel.
    private static readonly (int In, int Out)[] ExactPairs = [(2, 4), (3, 4), (4, 8), (4, 2), (5, 8), (3, 2), (1, 4), (2, 1), (3, 3), (6, 4), (7, 8)];
    private static readonly (int In, int Out)[] ExactAlignedPairs = [(3, 5), (5, 3), (2, 5), (4, 7), (3, 3), (5, 9), (2, 3), (1, 4), (4, 2), (2, 1)];

    // Tolerance with exact positions: the integer kernel rounds the exact weighted sum once (0.5 LSB);
    // the float kernel's own rounding is ~1e-7 relative, far below 0.001 LSB. Bound 0.5 + 0.001.
    [Fact]
    public void BilinearInt8_MatchesFloat_WhenPositionsAreExact()
    {
        var rng = new Random(23);
        for (int channels = 1; channels <= 67; channels++)
        {
            int mode = rng.Next(3);
            bool align = mode == 1, half = mode == 2;
            var pairs = align ? ExactAlignedPairs : ExactPairs;
            var (ih, oh) = RandomTensors.Pick(rng, pairs);
            var (iw, ow) = RandomTensors.Pick(rng, pairs);
            CompareWithFloat(rng, new Shape4(rng.Next(1, 3), ih, iw, channels), new Shape4(0, oh, ow, 0), align, half, 0.501, channels);
        }
    }

    // Tolerance for any sizes: the integer kernel's 10-bit scale is rounded, so its sample positions
    // drift from the float ones by d pixels (measured per axis below, at most (out + 1) / 2048). The
    // bilinear surface is continuous and piecewise linear with slope at most L = the largest
    // difference between input values, so the outputs differ by at most L * (dy + dx) besides the
    // final 0.5 LSB rounding. Bound 0.5 + L * (dy + dx) + 0.001.
    [Fact]
    public void BilinearInt8_MatchesFloat_WithinPositionDrift()
    {
        var rng = new Random(29);
        for (int channels = 1; channels <= 67; channels++)
        {
            int mode = rng.Next(3);
            bool align = mode == 1, half = mode == 2;
            var inShape = new Shape4(rng.Next(1, 3), rng.Next(1, 8), rng.Next(1, 8), channels);
            var outShape = new Shape4(0, rng.Next(1, 12), rng.Next(1, 12), 0);
            double drift = Drift(inShape.H, outShape.H, align, half) + Drift(inShape.W, outShape.W, align, half);
            CompareWithFloat(rng, inShape, outShape, align, half, 0.501 + 255 * drift, channels);
        }
    }

    private static double Drift(int inSize, int outSize, bool align, bool half)
    {
        int s10 = ResizeBilinearInt8Reference.Scale10(inSize, outSize, align);
        float s = ResizeBilinearFloat.Scale(inSize, outSize, align);
        double worst = 0;
        for (int i = 0; i < outSize; i++)
        {
            // Both positions clamped to the input, where the surface is constant beyond the edges.
            double p10 = Math.Clamp(ResizeBilinearInt8Reference.Position(i, s10, half, inSize).Position / 1024.0, 0, inSize - 1);
            double pf = Math.Clamp(ResizeBilinearFloat.Position(i, s, half, inSize).Position, 0, inSize - 1);
            worst = Math.Max(worst, Math.Abs(p10 - pf));
        }
        return worst;
    }

    private static void CompareWithFloat(Random rng, Shape4 inShape, Shape4 outHw, bool align, bool half, double toleranceLsb, int channels)
    {
        var outShape = inShape with { H = outHw.H, W = outHw.W };
        float s = QuantTestHelpers.Scale(rng, 0.01f, 0.1f);
        int z = QuantTestHelpers.ZeroPoint(rng);
        sbyte[] q = RandomTensors.Int8(rng, inShape.FlatSize);
        var got = new sbyte[outShape.FlatSize];
        var want = new float[outShape.FlatSize];
        ResizeBilinearInt8Reference.Run(align, half, inShape, q, outShape, got);
        ResizeBilinearFloat.Run(align, half, inShape, QuantTestHelpers.Dequantize(q, s, z), outShape, want);
        QuantTestHelpers.AssertClose(got, want, s, z, toleranceLsb,
            $"C={channels} {inShape}->{outShape} align={align} half={half}");
    }

    private static readonly float[] ExpectedHalfPixel = [-1f, -0.5f, 0.5f, 1f];
    private static readonly float[] ExpectedPlain = [-1f, 0f, 1f, 1f];

    [Fact]
    public void BilinearFloat_HandComputed()
    {
        var o = new float[4];
        ResizeBilinearFloat.Run(false, true, new Shape4(1, 1, 2, 1), [-1f, 1f], new Shape4(1, 1, 4, 1), o);
        Assert.Equal(ExpectedHalfPixel, o);
        ResizeBilinearFloat.Run(false, false, new Shape4(1, 1, 2, 1), [-1f, 1f], new Shape4(1, 1, 4, 1), o);
        Assert.Equal(ExpectedPlain, o);
    }
}
