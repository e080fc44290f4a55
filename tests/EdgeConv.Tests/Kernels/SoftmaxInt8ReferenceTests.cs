using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class SoftmaxInt8ReferenceTests
{
    private static SoftmaxInt8Params P(float beta = 1f, float inputScale = 1f / 16) => SoftmaxInt8Reference.Prepare(beta, inputScale, 1f / 256, -128);

    [Fact]
    public void Prepare_ComputesTfliteParams()
    {
        // beta * scale * 2^26 = 2^22 = 0.5 * 2^23 -> multiplier 2^30, shift 23;
        // diff_min = -floor(31 * 2^26 / 2^23) = -248.
        Assert.Equal(new SoftmaxInt8Params(1 << 30, 23, -248), P(1f, 1f / 16));
        // scale 1: 2^26 = 0.5 * 2^27; diff_min = -floor(31 * 2^26 / 2^27) = -15.
        Assert.Equal(new SoftmaxInt8Params(1 << 30, 27, -15), P(1f, 1f));
        // Huge beta * scale is capped at 2^31 - 1: multiplier 2^31 - 1, shift 31, diff_min 0.
        Assert.Equal(new SoftmaxInt8Params(int.MaxValue, 31, 0), P(1f, 1000f));
    }

    [Theory]
    [InlineData(1, 127)]    // 1.0 -> 256, clamped to 127
    [InlineData(2, 0)]      // 0.5 -> 128 - 128
    [InlineData(3, -43)]    // 1/3 -> 85.33 -> 85 - 128
    [InlineData(4, -64)]    // 0.25 -> 64 - 128
    [InlineData(256, -127)] // 1/256 -> 1 - 128
    public void EqualInputs_GiveEqualKnownOutputs(int depth, int expected)
    {
        var input = new sbyte[depth];
        Array.Fill(input, (sbyte)37);
        var output = new sbyte[depth];
        SoftmaxInt8Reference.Run(P(), input, output, depth);
        Assert.All(output, o => Assert.Equal(expected, o));
    }

    [Fact]
    public void DifferenceBeyondDiffMin_GivesZeroProbability()
    {
        // Input scale 1: diff_min = -15, so a difference of -255 is exactly exp = 0 -> -128,
        // and the maximum gets the whole mass (256 -> clamped 127).
        var output = new sbyte[4];
        SoftmaxInt8Reference.Run(P(1f, 1f), [127, -128, -128, -128], output, 4);
        Assert.Equal(new sbyte[] { 127, -128, -128, -128 }, output);
    }

    [Fact]
    public void RowsAreIndependent()
    {
        var output = new sbyte[6];
        SoftmaxInt8Reference.Run(P(), [5, 5, 5, -100, 20, 20], output, 3);
        Assert.Equal(new sbyte[] { -43, -43, -43 }, output[..3]);
        Assert.Equal(output[4], output[5]);
    }

    [Fact]
    public void Prepare_RejectsWhatTfliteRejects()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxInt8Reference.Prepare(1f, 0.1f, 1f / 255, -128));
        Assert.Throws<ArgumentException>(() => SoftmaxInt8Reference.Prepare(1f, 0.1f, 1f / 256, -127));
        Assert.Throws<ArgumentException>(() => SoftmaxInt8Reference.Prepare(1f, 1e-9f, 1f / 256, -128)); // multiplier <= 1
        Assert.Throws<ArgumentException>(() => SoftmaxInt8Reference.Run(P(), new sbyte[5], new sbyte[5], 2));
    }

    // Tolerance: 1 output LSB (1/256). The kernel rounds once to the 1/256 grid (0.5 LSB); its
    // fixed-point exp (~2e-7 relative), Q12.19 accumulation (depth * 2^-20) and reciprocal (~1e-8)
    // add far less than 0.5 LSB; and a probability above 255.5/256 saturates at 127, up to 1 LSB
    // below the float value.
    [Fact]
    public void MatchesFloatSoftmax_WithinOneLsb()
    {
        var rng = new Random(20240601);
        for (int depth = 1; depth <= 67; depth++)
        {
            int rows = rng.Next(1, 4);
            float inputScale = QuantTestHelpers.Scale(rng, 0.01f, 0.5f);
            int zp = QuantTestHelpers.ZeroPoint(rng);
            float beta = RandomTensors.Pick(rng, 1f, 0.5f, 2f);
            var p = SoftmaxInt8Reference.Prepare(beta, inputScale, 1f / 256, -128);
            sbyte[] input = RandomTensors.Int8(rng, rows * depth);
            var output = new sbyte[input.Length];
            SoftmaxInt8Reference.Run(p, input, output, depth);

            float[] real = QuantTestHelpers.Dequantize(input, inputScale, zp);
            var expected = new float[real.Length];
            SoftmaxFloat.Run(real, expected, depth, beta);
            QuantTestHelpers.AssertClose(output, expected, 1f / 256, -128, 1.0, $"depth {depth} scale {inputScale} beta {beta}");
        }
    }
}
