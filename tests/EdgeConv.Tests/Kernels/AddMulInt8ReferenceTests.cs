using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class AddMulInt8ReferenceTests
{
    private static readonly Shape4 One = new(1, 1, 1, 1);
    private static readonly float[] ExpectedAddRelu6 = [4f, 6f, 1f];
    private static readonly float[] ExpectedMulReluN1To1 = [-0.5f, -1f, 1f];

    private static sbyte AddOne(AddInt8Params p, int x, int y)
    {
        var o = new sbyte[1];
        AddInt8Reference.Run(p, One, [(sbyte)x], One, [(sbyte)y], One, o);
        return o[0];
    }

    private static sbyte MulOne(MulInt8Params p, int x, int y)
    {
        var o = new sbyte[1];
        MulInt8Reference.Run(p, One, [(sbyte)x], One, [(sbyte)y], One, o);
        return o[0];
    }

    [Fact]
    public void AddPrepare_ComputesTfliteParams()
    {
        // s1 = 0.5, s2 = 0.25, so = 1: 2 max = 1; 0.5 -> (2^30, 0); 0.25 -> (2^30, -1); 2^-20 -> (2^30, -19).
        var p = AddInt8Reference.Prepare(0.5f, 3, 0.25f, -4, 1f, 5, FusedActivation.None);
        Assert.Equal(new AddInt8Params(-3, 4, 5, 20, 1 << 30, 0, 1 << 30, -1, 1 << 30, -19, -128, 127), p);
    }

    [Theory]
    [InlineData(3, 4, 7)]
    [InlineData(100, 100, 127)]
    [InlineData(-100, -100, -128)]
    [InlineData(-3, 0, -3)]
    public void Add_KnownValues_UnitScales(int x, int y, int expected)
        => Assert.Equal(expected, AddOne(AddInt8Reference.Prepare(1f, 0, 1f, 0, 1f, 0, FusedActivation.None), x, y));

    [Theory]
    [InlineData(3, 0, 2)]     // 1.5 -> 2
    [InlineData(-3, 0, -2)]   // -1.5 -> -2: the final RoundingDivideByPOT rounds away from zero
    [InlineData(1, 0, 1)]     // 0.5 -> 1
    [InlineData(-1, 0, -1)]
    public void Add_HalvingOutputScale_RoundsTiesAwayFromZero(int x, int y, int expected)
        // so = 2: output multiplier 2^-20 -> (2^30, -19); the sum x * 2^19 is exact, SRDHM halves it
        // exactly and the final shift by 19 sees an exact tie.
        => Assert.Equal(expected, AddOne(AddInt8Reference.Prepare(1f, 0, 1f, 0, 2f, 0, FusedActivation.None), x, y));

    [Fact]
    public void Add_ExtremeZeroPointsAndActivation()
    {
        // zp1 = -128, zp2 = 127, unit scales: (-100 + 128) + (120 - 127) = 21.
        Assert.Equal(21, AddOne(AddInt8Reference.Prepare(1f, -128, 1f, 127, 1f, 0, FusedActivation.None), -100, 120));
        // Relu6 on scale 0.25, zp -128: clamp [-128, -128 + 24].
        var relu6 = AddInt8Reference.Prepare(0.25f, 0, 0.25f, 0, 0.25f, -128, FusedActivation.Relu6);
        Assert.Equal(-128 + 24, relu6.ActivationMax);
        Assert.Equal(-104, AddOne(relu6, 100, 100));
        Assert.Equal(-128, AddOne(relu6, -100, 0));
    }

    [Fact]
    public void MulPrepare_ComputesTfliteParams()
    {
        // 0.5 * 0.5 / 0.25 = 1.0 -> (2^30, 1).
        Assert.Equal(new MulInt8Params(-1, 2, 3, 1 << 30, 1, -128, 127),
            MulInt8Reference.Prepare(0.5f, 1, 0.5f, -2, 0.25f, 3, FusedActivation.None));
    }

    [Theory]
    [InlineData(0.5f, 0.25f, 3, 5, 15)]   // 1.5 * 2.5 / 0.25 = 15
    [InlineData(1f, 4f, 5, 1, 2)]         // 1.25: SRDHM(5, 0.5) = 2.5 -> 3, then 3 / 2 = 1.5 -> 2 (double rounding)
    [InlineData(1f, 4f, -5, 1, -1)]       // -1.25: SRDHM -2.5 -> -2 (ties toward +inf), then -1
    [InlineData(1f, 4f, 3, 1, 1)]         // 0.75 -> 1
    [InlineData(1f, 1f, 12, 12, 127)]     // 144 saturates
    [InlineData(1f, 1f, -12, 12, -128)]
    public void Mul_KnownValues(float inScale, float outScale, int x, int y, int expected)
        => Assert.Equal(expected, MulOne(MulInt8Reference.Prepare(inScale, 0, inScale, 0, outScale, 0, FusedActivation.None), x, y));

    [Fact]
    public void Mul_FusedRelu6()
    {
        // so = 0.25, zp 0: Relu6 clamps to [0, 24]; 10 * 10 * 0.25 = 25 -> 24.
        var p = MulInt8Reference.Prepare(1f, 0, 1f, 0, 0.25f, 0, FusedActivation.Relu6);
        Assert.Equal(24, MulOne(p, 10, 10));
        Assert.Equal(0, MulOne(p, -10, 10));
    }

    [Fact]
    public void Broadcast_EqualsElementwiseOnExpandedInput()
    {
        var rng = new Random(5);
        var shape = new Shape4(2, 3, 4, 5);
        var addP = AddInt8Reference.Prepare(0.05f, 3, 0.1f, -7, 0.08f, 10, FusedActivation.None);
        var mulP = MulInt8Reference.Prepare(0.05f, 3, 0.1f, -7, 0.08f, 10, FusedActivation.None);
        var subP = SubInt8Reference.Prepare(0.05f, 3, 0.1f, -7, 0.08f, 10, FusedActivation.None);
        foreach (Shape4 small in new[] { new Shape4(1, 1, 1, 1), new Shape4(1, 1, 1, 5), new Shape4(2, 1, 1, 5), new Shape4(1, 3, 1, 5), new Shape4(1, 1, 4, 1) })
        {
            sbyte[] a = RandomTensors.Int8(rng, shape.FlatSize);
            sbyte[] b = RandomTensors.Int8(rng, small.FlatSize);
            var expanded = new sbyte[shape.FlatSize];
            for (int n = 0; n < shape.N; n++)
                for (int h = 0; h < shape.H; h++)
                    for (int w = 0; w < shape.W; w++)
                        for (int c = 0; c < shape.C; c++)
                            expanded[shape.Offset(n, h, w, c)] = b[small.Offset(
                                small.N == 1 ? 0 : n, small.H == 1 ? 0 : h, small.W == 1 ? 0 : w, small.C == 1 ? 0 : c)];

            var got = new sbyte[shape.FlatSize];
            var want = new sbyte[shape.FlatSize];
            AddInt8Reference.Run(addP, shape, a, small, b, shape, got);
            AddInt8Reference.Run(addP, shape, a, shape, expanded, shape, want);
            Assert.Equal(want, got);
            // Broadcast input first: the per-input multipliers must stay with their inputs.
            AddInt8Reference.Run(addP, small, b, shape, a, shape, got);
            var swapped = new sbyte[shape.FlatSize];
            AddInt8Reference.Run(addP, shape, expanded, shape, a, shape, swapped);
            Assert.Equal(swapped, got);

            MulInt8Reference.Run(mulP, shape, a, small, b, shape, got);
            MulInt8Reference.Run(mulP, shape, a, shape, expanded, shape, want);
            Assert.Equal(want, got);

            SubInt8Reference.Run(subP, small, b, shape, a, shape, got);
            SubInt8Reference.Run(subP, shape, expanded, shape, a, shape, want);
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public void Broadcast_RejectsIncompatibleShapes()
    {
        var p = AddInt8Reference.Prepare(1f, 0, 1f, 0, 1f, 0, FusedActivation.None);
        Assert.Throws<ArgumentException>(() => AddInt8Reference.Run(p, new Shape4(1, 1, 1, 3), new sbyte[3], new Shape4(1, 1, 1, 2), new sbyte[2], new Shape4(1, 1, 1, 3), new sbyte[3]));
        Assert.Throws<ArgumentException>(() => AddInt8Reference.Prepare(1f, 0, 1f, 200, 1f, 0, FusedActivation.None));
        // Output multiplier 2 max(s) / (2^20 so) must be < 1.
        Assert.Throws<ArgumentException>(() => AddInt8Reference.Prepare(1f, 0, 1f, 0, 1e-7f, 0, FusedActivation.None));
    }

    private static readonly FusedActivation[] Activations =
        [FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6, FusedActivation.ReluN1To1];

    // Tolerance: 1 output LSB. Both kernels round the exact result once to the output grid (0.5 LSB);
    // the remaining error is ADD's and SUB's input rescaling with 20 bits of headroom (~2^-20 relative) and the
    // double rounding of MultiplyByQuantizedMultiplier (at most another 0.5 LSB), so never more than
    // 1 LSB. Fused activation bounds are compared on the quantized clamp range.
    [Theory]
    [InlineData("ADD")]
    [InlineData("SUB")]
    [InlineData("MUL")]
    public void MatchesFloat_WithinOneLsb(string op)
    {
        bool multiply = op == "MUL";
        var rng = new Random(op switch { "MUL" => 31337, "SUB" => 7331, _ => 1337 });
        for (int channels = 1; channels <= 67; channels++)
        {
            Shape4 outShape = QuantTestHelpers.RandomShape(rng, channels);
            Shape4 shape2 = rng.Next(4) switch
            {
                0 => outShape,
                1 => new Shape4(1, 1, 1, 1),
                2 => new Shape4(1, 1, 1, channels),
                _ => new Shape4(outShape.N, 1, outShape.W, 1),
            };
            bool swap = rng.Next(2) == 0;
            Shape4 shape1 = outShape;
            if (swap)
                (shape1, shape2) = (shape2, shape1);

            float s1 = QuantTestHelpers.Scale(rng, 0.005f, 0.1f), s2 = QuantTestHelpers.Scale(rng, 0.005f, 0.1f);
            float so = multiply ? s1 * s2 * QuantTestHelpers.Scale(rng, 8f, 64f) : Math.Max(s1, s2) * QuantTestHelpers.Scale(rng, 0.7f, 3f);
            int z1 = QuantTestHelpers.ZeroPoint(rng), z2 = QuantTestHelpers.ZeroPoint(rng), zo = QuantTestHelpers.ZeroPoint(rng);
            FusedActivation act = Activations[rng.Next(Activations.Length)];

            sbyte[] a = RandomTensors.Int8(rng, shape1.FlatSize);
            sbyte[] b = RandomTensors.Int8(rng, shape2.FlatSize);
            var got = new sbyte[outShape.FlatSize];
            var want = new float[outShape.FlatSize];
            float[] fa = QuantTestHelpers.Dequantize(a, s1, z1), fb = QuantTestHelpers.Dequantize(b, s2, z2);
            (int qmin, int qmax) = ActivationRange.Int8(act, so, zo);
            if (multiply)
            {
                MulInt8Reference.Run(MulInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act), shape1, a, shape2, b, outShape, got);
                MulFloat.Run(shape1, fa, shape2, fb, outShape, want, FusedActivation.None);
            }
            else if (op == "SUB")
            {
                SubInt8Reference.Run(SubInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act), shape1, a, shape2, b, outShape, got);
                SubFloat.Run(shape1, fa, shape2, fb, outShape, want, FusedActivation.None);
            }
            else
            {
                AddInt8Reference.Run(AddInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act), shape1, a, shape2, b, outShape, got);
                AddFloat.Run(shape1, fa, shape2, fb, outShape, want, FusedActivation.None);
            }
            QuantTestHelpers.AssertClose(got, want, so, zo, 1.0,
                $"{op} C={channels} {shape1}x{shape2} act {act} zps {z1},{z2},{zo}", qmin, qmax);
        }
    }

    [Fact]
    public void FloatKernels_ApplyFusedActivation()
    {
        var o = new float[3];
        var s = new Shape4(1, 1, 1, 3);
        AddFloat.Run(s, [1f, 4f, -2f], new Shape4(1, 1, 1, 1), [3f], s, o, FusedActivation.Relu6);
        Assert.Equal(ExpectedAddRelu6, o);
        MulFloat.Run(s, [1f, 4f, -2f], new Shape4(1, 1, 1, 1), [-0.5f], s, o, FusedActivation.ReluN1To1);
        Assert.Equal(ExpectedMulReluN1To1, o);
    }
}
