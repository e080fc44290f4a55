using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class QuantizeDequantizeReferenceTests
{
    private static readonly float[] ExpectedDequantized = [0f, 127.5f, 64f];

    [Theory]
    [InlineData(0.25f, 0, 1)]       // 0.5 -> 1 (half away from zero)
    [InlineData(-0.25f, 0, -1)]     // -0.5 -> -1
    [InlineData(0.24f, 0, 0)]
    [InlineData(0.75f, 0, 2)]       // 1.5 -> 2
    [InlineData(100f, 0, 127)]
    [InlineData(-100f, 0, -128)]
    [InlineData(0f, -128, -128)]
    [InlineData(1f, -128, -126)]
    [InlineData(1e30f, 127, 127)]
    [InlineData(-1e30f, -128, -128)]
    public void QuantizeFloat_RoundsHalfAwayAndClamps(float x, int zp, int expected)
    {
        var p = QuantizeReference.PrepareFromFloat(0.5f, zp);
        var o = new sbyte[1];
        QuantizeReference.Run(p, [x], o);
        Assert.Equal(expected, o[0]);
    }

    [Fact]
    public void QuantizeFloat_DividesInFloat()
    {
        // The exact quotient is -2.49999997 (rounds to -2), but the float quotient is exactly -2.5,
        // which TfLiteRound takes away from zero to -3.
        const float x = -1.1819324493408203f, scale = 0.4727729856967926f;
        Assert.Equal(-2.5f, x / scale);
        Assert.Equal(-2, (int)Math.Round((double)x / scale));
        Assert.Equal(-3, QuantizeReference.Quantize(x, scale, 0));
    }

    [Fact]
    public void Requantize_UsesDoubleRoundingMultiplier()
    {
        // in scale 1 -> out scale 2: multiplier 0.5 = (2^30, 0).
        var p = QuantizeReference.PrepareRequantize(1f, 0, 2f, 0);
        Assert.Equal(new RequantizeParams(0, 0, 1 << 30, 0), p);
        var o = new sbyte[5];
        QuantizeReference.Run(p, [3, -3, 5, 127, -128], o);
        // 1.5 -> 2; -1.5 -> -1 (SRDHM ties toward +inf, no right shift); 2.5 -> 3; 63.5 -> 64; -64.
        Assert.Equal(new sbyte[] { 2, -1, 3, 64, -64 }, o);

        // Scale up with zero points: in (0.5, -128) -> out (0.25, 10): multiplier 2 = (2^30, 2).
        var up = QuantizeReference.PrepareRequantize(0.5f, -128, 0.25f, 10);
        Assert.Equal(new RequantizeParams(-128, 10, 1 << 30, 2), up);
        QuantizeReference.Run(up, [-128, -127, -60, 127, 0], o);
        Assert.Equal(new sbyte[] { 10, 12, 127, 127, 127 }, o);
    }

    [Fact]
    public void Dequantize_IsFloatScaleTimesDifference()
    {
        var p = DequantizeReference.Prepare(0.5f, -128);
        var o = new float[3];
        DequantizeReference.Run(p, [-128, 127, 0], o);
        Assert.Equal(ExpectedDequantized, o);
        // One float multiply of the float scale (a double scale would give the same float here:
        // a float times a small integer is exact in double, so both round once).
        Assert.Equal(0.3f, DequantizeReference.Dequantize(3, 0.1f, 0));
    }

    // Tolerance: exact round trip. Quantizing a dequantized int8 value with the same scale and zero
    // point divides scale * k by scale in float, which is within 1 ulp of k and rounds back to k.
    [Fact]
    public void QuantizeOfDequantize_RoundTrips()
    {
        var rng = new Random(11);
        for (int t = 0; t < 200; t++)
        {
            float scale = QuantTestHelpers.Scale(rng, 1e-4f, 10f);
            int zp = QuantTestHelpers.ZeroPoint(rng);
            sbyte[] q = RandomTensors.Int8(rng, 64);
            var f = new float[q.Length];
            DequantizeReference.Run(DequantizeReference.Prepare(scale, zp), q, f);
            var back = new sbyte[q.Length];
            QuantizeReference.Run(QuantizeReference.PrepareFromFloat(scale, zp), f, back);
            Assert.Equal(q, back);
        }
    }
}
