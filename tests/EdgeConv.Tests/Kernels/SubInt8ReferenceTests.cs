using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;

namespace EdgeConv.Tests.Kernels;

/// <summary>SUB int8 reference: ADD's element rule with a subtraction and float32 multipliers.</summary>
public class SubInt8ReferenceTests
{
    private static readonly Shape4 One = new(1, 1, 1, 1);
    private static readonly float[] ExpectedSubRelu6 = [0f, 1f, 6f];

    private static sbyte SubOne(AddInt8Params p, int x, int y)
    {
        var o = new sbyte[1];
        SubInt8Reference.Run(p, One, [(sbyte)x], One, [(sbyte)y], One, o);
        return o[0];
    }

    [Fact]
    public void Prepare_ComputesTheMultipliersInFloat()
    {
        // s1 = 0.3, s2 = 0.7, so = 0.09: 2 max = 1.4f; float(0.3f / 1.4f) -> 1840700416 * 2^(-2-31)
        // (ADD's double quotient gives 1840700374); 0.7f / 1.4f = 0.5 -> (2^30, 0);
        // float(1.4f / float(2^20 * 0.09f)) -> 2087831168 * 2^(-16-31) (ADD: 2087831206).
        var p = SubInt8Reference.Prepare(0.3f, 4, 0.7f, -6, 0.09f, 2, FusedActivation.None);
        Assert.Equal(new AddInt8Params(-4, 6, 2, 20, 1840700416, -2, 1 << 30, 0, 2087831168, -16, -128, 127), p);
        var add = AddInt8Reference.Prepare(0.3f, 4, 0.7f, -6, 0.09f, 2, FusedActivation.None);
        Assert.Equal(1840700374, add.Input1Multiplier);
        Assert.Equal(2087831206, add.OutputMultiplier);
    }

    [Theory]
    [InlineData(3, 4, -1)]
    [InlineData(100, -100, 127)]
    [InlineData(-100, 100, -128)]
    [InlineData(-128, -128, 0)]
    public void KnownValues_UnitScales(int x, int y, int expected)
        => Assert.Equal(expected, SubOne(SubInt8Reference.Prepare(1f, 0, 1f, 0, 1f, 0, FusedActivation.None), x, y));

    [Theory]
    [InlineData(3, 0, 2)]    // 1.5 -> 2
    [InlineData(0, 3, -2)]   // -1.5 -> -2: the last rounding shift rounds ties away from zero
    [InlineData(1, 0, 1)]
    [InlineData(0, 1, -1)]
    public void HalvingOutputScale_RoundsTiesAwayFromZero(int x, int y, int expected)
        // so = 2: output multiplier 2^-20 -> (2^30, -19); both SRDHMs are exact, the shift by 19 sees the tie.
        => Assert.Equal(expected, SubOne(SubInt8Reference.Prepare(1f, 0, 1f, 0, 2f, 0, FusedActivation.None), x, y));

    [Fact]
    public void ExtremeZeroPoints_AndFusedActivation()
    {
        // zp1 = -128, zp2 = 127: (-100 + 128) - (120 - 127) = 35.
        Assert.Equal(35, SubOne(SubInt8Reference.Prepare(1f, -128, 1f, 127, 1f, 0, FusedActivation.None), -100, 120));
        // RELU_N1_TO_1 on so = 0.25, zo = 127: clamp [127 - 4, 127].
        var p = SubInt8Reference.Prepare(0.25f, 0, 0.25f, 0, 0.25f, 127, FusedActivation.ReluN1To1);
        Assert.Equal((123, 127), (p.ActivationMin, p.ActivationMax));
        Assert.Equal(123, SubOne(p, -50, 50));
        Assert.Equal(125, SubOne(p, 0, 2));
        Assert.Equal(127, SubOne(p, 50, 0));
    }

    [Fact]
    public void Rejects_WhatTfliteRejects()
    {
        Assert.Throws<ArgumentException>(() => SubInt8Reference.Prepare(1f, 0, 1f, 0, 1e-7f, 0, FusedActivation.None));
        Assert.Throws<ArgumentException>(() => SubInt8Reference.Prepare(1f, 0, 1f, -129, 1f, 0, FusedActivation.None));
    }

    [Fact]
    public void FloatKernel_SubtractsWithBroadcastAndClamp()
    {
        var o = new float[3];
        var s = new Shape4(1, 1, 1, 3);
        SubFloat.Run(s, [1f, 4f, 9f], new Shape4(1, 1, 1, 1), [3f], s, o, FusedActivation.Relu6);
        Assert.Equal(ExpectedSubRelu6, o);
    }
}
