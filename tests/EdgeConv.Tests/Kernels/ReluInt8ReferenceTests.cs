using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>RELU, RELU_N1_TO_1, RELU6 and LEAKY_RELU int8 reference kernels.</summary>
public class ReluInt8ReferenceTests
{
    private static sbyte One(ReluInt8Params p, int x)
    {
        var o = new sbyte[1];
        ReluInt8Reference.Run(p, [(sbyte)x], o);
        return o[0];
    }

    private static sbyte One(LeakyReluInt8Params p, int x)
    {
        var o = new sbyte[1];
        LeakyReluInt8Reference.Run(p, [(sbyte)x], o);
        return o[0];
    }

    [Fact]
    public void Relu_Prepare_UsesTheDoubleQuotient_ReluN1To1_TheFloatQuotient()
    {
        // 0.3f / 0.09f: as doubles 3.33333331...  -> Q31 1789569707 * 2^(2-31); rounded to float32
        // first (TFLite's ReluPrepare) -> 1789569664. Bounds: RELU [zo, 127]; N1_TO_1 zo +- round(1 / 0.09) = zo +- 11.
        Assert.Equal(new ReluInt8Params(3, -5, 1789569707, 2, -5, 127), ReluInt8Reference.PrepareRelu(0.3f, 3, 0.09f, -5));
        Assert.Equal(new ReluInt8Params(3, -5, 1789569664, 2, -16, 6), ReluInt8Reference.PrepareReluN1To1(0.3f, 3, 0.09f, -5));
    }

    [Theory]
    [InlineData(10, 10, -128)]    // the input zero point maps to the output zero point
    [InlineData(50, 10, -48)]     // -128 + 2 * 40
    [InlineData(5, 10, -128)]     // negative: clamped to zo
    [InlineData(127, 10, 106)]
    [InlineData(127, -128, 127)]  // 2 * 255 saturates
    [InlineData(-128, -128, -128)]
    public void Relu_KnownValues(int x, int zi, int expected)
        // si / so = 2 -> (2^30, shift 2): the input is shifted left by 2, SRDHM halves it exactly.
        => Assert.Equal(expected, One(ReluInt8Reference.PrepareRelu(0.5f, zi, 0.25f, -128), x));

    [Theory]
    [InlineData(3, 2)]      // 1.5 -> 2
    [InlineData(-3, -1)]    // -1.5 -> -1: SRDHM rounds ties toward +inf, and shift 0 has no second rounding
    [InlineData(-5, -2)]    // -2.5 -> -2
    [InlineData(40, 8)]     // 20 clamps to round(1 / 0.125) = 8
    [InlineData(-40, -8)]
    public void ReluN1To1_RoundsLikeSrdhm_AndClamps(int x, int expected)
        // si / so = 0.5 -> (2^30, 0).
        => Assert.Equal(expected, One(ReluInt8Reference.PrepareReluN1To1(0.0625f, 0, 0.125f, 0), x));

    [Fact]
    public void Relu6_ClampsInTheInputQuantization()
    {
        // si = 0.05, zi = -20: six = -20 + round(6 / 0.05 = 120.0000...) = 100.
        var p = Relu6Int8Reference.Prepare(0.05f, -20, 0.05f, -20);
        Assert.Equal(new Relu6Int8Params(-20, 100), p);
        var o = new sbyte[5];
        Relu6Int8Reference.Run(p, [-128, -20, 0, 100, 127], o);
        Assert.Equal(new sbyte[] { -20, -20, 0, 100, 100 }, o);
        // A coarse scale: 6 / 0.1 = 60 steps above zp 100 saturates at 127.
        Assert.Equal(new Relu6Int8Params(100, 127), Relu6Int8Reference.Prepare(0.1f, 100, 0.1f, 100));
        // 6 / 0.16f = 37.5 in float32, rounded away from zero to 38.
        Assert.Equal(new Relu6Int8Params(-128, -90), Relu6Int8Reference.Prepare(0.16f, -128, 0.16f, -128));
    }

    [Fact]
    public void Relu6_RejectsRescaling()
    {
        Assert.Throws<ArgumentException>(() => Relu6Int8Reference.Prepare(0.05f, 0, 0.1f, 0));
        Assert.Throws<ArgumentException>(() => Relu6Int8Reference.Prepare(0.05f, 0, 0.05f, 1));
    }

    [Fact]
    public void LeakyRelu_Prepare_ComputesBothMultipliersInFloat()
    {
        // alpha: float(float(0.3f * 0.2f) / 0.09f) -> 1431655808 (the double product gives 1431655787);
        // identity: float(0.3f / 0.09f) -> 1789569664.
        Assert.Equal(new LeakyReluInt8Params(-7, 9, 1789569664, 2, 1431655808, 0),
            LeakyReluInt8Reference.Prepare(0.3f, -7, 0.09f, 9, 0.2f));
    }

    [Theory]
    [InlineData(100, 0, 0, 100)]     // identity (2^30, 1)
    [InlineData(-3, 0, 0, -1)]       // alpha 0.5 -> (2^30, 0): -1.5 -> -1 (SRDHM tie toward +inf)
    [InlineData(-5, 0, 0, -2)]       // -2.5 -> -2
    [InlineData(-4, 0, 0, -2)]
    [InlineData(-128, -128, 0, 0)]   // x - zi = 0 takes the identity side
    [InlineData(-128, 0, -128, -128)]// -64 - 128 saturates
    [InlineData(100, 0, 127, 127)]   // 227 saturates
    public void LeakyRelu_KnownValues(int x, int zi, int zo, int expected)
        => Assert.Equal(expected, One(LeakyReluInt8Reference.Prepare(1f, zi, 1f, zo, 0.5f), x));

    [Theory]
    [InlineData(-3, 3)]      // alpha -1 -> (-2^30, 1): SRDHM(-6, -2^30) = 3.5 truncated toward zero after the nudge -> 3
    [InlineData(-100, 100)]
    [InlineData(-128, 127)]  // 128 saturates
    [InlineData(5, 5)]
    public void LeakyRelu_NegativeAlpha_GivesANegativeMultiplier(int x, int expected)
    {
        var p = LeakyReluInt8Reference.Prepare(1f, 0, 1f, 0, -1f);
        Assert.Equal(-(1 << 30), p.AlphaMultiplier);
        Assert.Equal(expected, One(p, x));
    }

    public enum Kind { Relu, ReluN1To1, Relu6, LeakyRelu }

    // Tolerances, in output LSB, against the float kernel applied to the dequantized input:
    // - RELU, RELU_N1_TO_1, LEAKY_RELU round once to the output grid (0.5 LSB). The multiply rounds
    //   twice: SRDHM to 1 / 2^rightShift of an LSB, then the rounding shift, so a near-tie can move
    //   by at most another 0.25 LSB when rightShift >= 1 (none when it is 0). The Q31 multiplier and
    //   the float32 quotient add ~2^-23 relative, far below 0.001 LSB. Bound used: 0.75 + 0.001.
    //   Clamp bounds are compared on the quantized range (round(+-1 / so) may sit 0.5 LSB off +-1).
    // - RELU6 only clamps in the input's own quantization: values inside [0, 6] are exact; the upper
    //   bound is the quantized 6, zi + round(6 / si), at most 0.5 LSB from 6. Bound 0.5 + 0.001.
    [Theory]
    [InlineData(Kind.Relu, 0.751)]
    [InlineData(Kind.ReluN1To1, 0.751)]
    [InlineData(Kind.Relu6, 0.501)]
    [InlineData(Kind.LeakyRelu, 0.751)]
    public void MatchesFloat(Kind kind, double toleranceLsb)
    {
        var rng = new Random(4242 + (int)kind);
        for (int channels = 1; channels <= 67; channels++)
        {
            int count = QuantTestHelpers.RandomShape(rng, channels).FlatSize;
            float si = QuantTestHelpers.Scale(rng, 0.005f, 0.2f);
            float so = kind == Kind.Relu6 ? si : si * QuantTestHelpers.Scale(rng, 0.25f, 4f);
            int zi = QuantTestHelpers.ZeroPoint(rng);
            int zo = kind == Kind.Relu6 ? zi : QuantTestHelpers.ZeroPoint(rng);
            float alpha = RandomTensors.Pick(rng, 0.1f, 0.2f, 0.01f, 0.3333f, -0.5f, 1.5f);
            sbyte[] q = RandomTensors.Int8(rng, count);
            float[] f = QuantTestHelpers.Dequantize(q, si, zi);
            var got = new sbyte[count];
            var want = new float[count];
            (int qmin, int qmax) = (sbyte.MinValue, sbyte.MaxValue);
            switch (kind)
            {
                case Kind.Relu or Kind.ReluN1To1:
                    var relu = kind == Kind.Relu
                        ? ReluInt8Reference.PrepareRelu(si, zi, so, zo)
                        : ReluInt8Reference.PrepareReluN1To1(si, zi, so, zo);
                    (qmin, qmax) = (relu.ActivationMin, relu.ActivationMax);
                    ReluInt8Reference.Run(relu, q, got);
                    if (kind == Kind.Relu) ReluFloat.Relu(f, want);
                    else ReluFloat.ReluN1To1(f, want);
                    break;
                case Kind.Relu6:
                    var r6 = Relu6Int8Reference.Prepare(si, zi, so, zo);
                    (qmin, qmax) = (r6.Zero, r6.Six);
                    Relu6Int8Reference.Run(r6, q, got);
                    ReluFloat.Relu6(f, want);
                    break;
                default:
                    LeakyReluInt8Reference.Run(LeakyReluInt8Reference.Prepare(si, zi, so, zo, alpha), q, got);
                    LeakyReluFloat.Run(f, want, alpha);
                    break;
            }
            QuantTestHelpers.AssertClose(got, want, so, zo, toleranceLsb,
                $"{kind} C={channels} si={si} so={so} zi={zi} zo={zo} alpha={alpha}", qmin, qmax);
        }
    }

    private static readonly float[] FloatInput = [-2f, -1f, 0.5f, 7f, float.NaN];
    private static readonly float[] ExpectedRelu = [0f, 0f, 0.5f, 7f, float.NaN];
    private static readonly float[] ExpectedReluN1To1 = [-1f, -1f, 0.5f, 1f, float.NaN];
    private static readonly float[] ExpectedRelu6 = [0f, 0f, 0.5f, 6f, float.NaN];
    private static readonly float[] ExpectedLeakyRelu = [1f, 0.5f, 0.5f, 7f, float.NaN];

    [Fact]
    public void FloatKernels_FollowUpstream()
    {
        // NaN passes through every clamp (both comparisons are false), as in TFLite.
        var o = new float[5];
        ReluFloat.Relu(FloatInput, o);
        Assert.Equal(ExpectedRelu, o);
        ReluFloat.ReluN1To1(FloatInput, o);
        Assert.Equal(ExpectedReluN1To1, o);
        ReluFloat.Relu6(FloatInput, o);
        Assert.Equal(ExpectedRelu6, o);
        LeakyReluFloat.Run(FloatInput, o, -0.5f);
        Assert.Equal(ExpectedLeakyRelu, o);
    }
}
