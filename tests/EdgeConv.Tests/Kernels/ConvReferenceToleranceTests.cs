using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// The int8 reference convolutions against the float reference computed on the same dequantized
/// values. The only error source is requantization: SRDHM and the rounding shift each round once
/// (≤ 0.5 LSB each), so the quantized output may differ from round(float / scale) by at most 1 LSB.
/// </summary>
public class ConvReferenceToleranceTests
{
    private const int ToleranceLsb = 1;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 60)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Conv2D_MatchesFloat_WithinOneLsb(int seed)
    {
        var rng = new Random(1000 + seed);
        var (kh, kw) = RandomTensors.Pick(rng, (1, 1), (3, 3), (5, 5), (3, 1), (1, 3));
        int groups = RandomTensors.Pick(rng, 1, 1, 2, 4, -1);
        int filterIn = rng.Next(1, 9);
        if (groups == -1) { groups = rng.Next(2, 9); filterIn = 1; }   // depthwise-like grouped conv (groups = C)
        int inC = filterIn * groups;
        int outC = groups * rng.Next(1, Math.Max(2, 68 / groups));
        var shapes = RandomGeometry(rng, kh, kw, out var g, out int outH, out int outW, out Shape4 inShape, inC);
        _ = shapes;
        var outShape = new Shape4(inShape.N, outH, outW, outC);
        var filterShape = new Shape4(outC, kh, kw, filterIn);
        RunAndCompare(rng, g, inShape, filterShape, outShape, depthMultiplier: 0);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DepthwiseConv2D_MatchesFloat_WithinOneLsb(int seed)
    {
        var rng = new Random(2000 + seed);
        var (kh, kw) = RandomTensors.Pick(rng, (1, 1), (3, 3), (5, 5), (3, 1), (1, 3));
        int multiplier = RandomTensors.Pick(rng, 1, 2, 8);
        int inC = rng.Next(1, 68);
        RandomGeometry(rng, kh, kw, out var g, out int outH, out int outW, out Shape4 inShape, inC);
        var outShape = new Shape4(inShape.N, outH, outW, inC * multiplier);
        var filterShape = new Shape4(1, kh, kw, inC * multiplier);
        RunAndCompare(rng, g, inShape, filterShape, outShape, multiplier);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FullyConnected_MatchesFloat_WithinOneLsb(int seed)
    {
        var rng = new Random(3000 + seed);
        int batches = rng.Next(1, 4), depth = rng.Next(1, 300), units = rng.Next(1, 68);
        float inScale = Scale(rng), outScale = Scale(rng) * 4;
        int inZp = rng.Next(-128, 128), outZp = rng.Next(-128, 128);
        var input = RandomTensors.Int8(rng, batches * depth);
        var filter = RandomTensors.Int8(rng, units * depth, -127, 127);
        bool perChannel = rng.Next(2) == 0;
        var fScales = Enumerable.Range(0, units).Select(_ => Scale(rng) / MathF.Sqrt(depth)).ToArray();
        if (!perChannel) Array.Fill(fScales, fScales[0]);
        var bias = RandomTensors.Int32(rng, units, -5000, 5000);
        var act = RandomTensors.Pick(rng, FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6);
        var q = Requant(inScale, inZp, fScales, outScale, outZp, act);
        var output = new sbyte[batches * units];
        FullyConnectedInt8Reference.Run(q, batches, depth, units, input, filter, bias, output);

        var (fIn, fFilter, fBias) = Dequantize(input, inScale, inZp, filter, fScales, bias, c => c / depth);
        var expected = new float[output.Length];
        var (lo, hi) = FloatClamp(act, outScale, outZp);
        ConvFloat.FullyConnected(lo, hi, batches, depth, units, fIn, fFilter, fBias, expected);
        AssertWithin(output, expected, outScale, outZp, $"seed {seed}");
    }

    private static int RandomGeometry(Random rng, int kh, int kw, out ConvGeometry g, out int outH, out int outW, out Shape4 inShape, int inC)
    {
        int stride = rng.Next(1, 3), dil = rng.Next(1, 3);
        var padding = rng.Next(2) == 0 ? Padding.Same : Padding.Valid;
        int inH = rng.Next(Math.Max(kh, 1) * dil, 12), inW = rng.Next(Math.Max(kw, 1) * dil, 12);
        inShape = new Shape4(rng.Next(1, 3), inH, inW, inC);
        g = ConvGeometry.Create(padding, stride, rng.Next(1, 3), dil, rng.Next(1, 3), inH, inW, kh, kw, out outH, out outW);
        if (outH <= 0 || outW <= 0)
            g = ConvGeometry.Create(Padding.Same, 1, 1, 1, 1, inH, inW, kh, kw, out outH, out outW);
        return 0;
    }

    private static void RunAndCompare(Random rng, ConvGeometry g, Shape4 inShape, Shape4 filterShape, Shape4 outShape, int depthMultiplier)
    {
        float inScale = Scale(rng), outScale = Scale(rng) * 4;
        int inZp = RandomTensors.Pick(rng, -128, 127, rng.Next(-128, 128)), outZp = RandomTensors.Pick(rng, -128, 127, rng.Next(-128, 128));
        var input = RandomTensors.Int8(rng, inShape.FlatSize);
        var filter = RandomTensors.Int8(rng, filterShape.FlatSize, -127, 127);
        int outC = outShape.C;
        int fanIn = filterShape.H * filterShape.W * (depthMultiplier > 0 ? 1 : filterShape.C);
        var fScales = Enumerable.Range(0, outC).Select(_ => Scale(rng) / MathF.Sqrt(fanIn)).ToArray();
        var bias = RandomTensors.Int32(rng, outC, -20000, 20000);
        var act = RandomTensors.Pick(rng, FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6, FusedActivation.ReluN1To1);
        var q = Requant(inScale, inZp, fScales, outScale, outZp, act);
        var output = new sbyte[outShape.FlatSize];
        var expected = new float[outShape.FlatSize];
        var (lo, hi) = FloatClamp(act, outScale, outZp);
        if (depthMultiplier > 0)
        {
            DepthwiseConv2DInt8Reference.Run(g, depthMultiplier, q, input, inShape, filter, filterShape, bias, output, outShape);
            var (fIn, fFilter, fBias) = Dequantize(input, inScale, inZp, filter, fScales, bias, i => i % outC);
            ConvFloat.Depthwise(g, depthMultiplier, lo, hi, fIn, inShape, fFilter, filterShape, fBias, expected, outShape);
        }
        else
        {
            Conv2DInt8Reference.Run(g, q, input, inShape, filter, filterShape, bias, output, outShape);
            int per = filterShape.H * filterShape.W * filterShape.C;
            var (fIn, fFilter, fBias) = Dequantize(input, inScale, inZp, filter, fScales, bias, i => i / per);
            ConvFloat.Conv2D(g, lo, hi, fIn, inShape, fFilter, filterShape, fBias, expected, outShape);
        }
        AssertWithin(output, expected, outScale, outZp, $"in {inShape} filter {filterShape} out {outShape} {g}");
    }

    private static float Scale(Random rng) => (float)(0.005 + rng.NextDouble() * 0.05);

    /// <summary>Requantization as Prepare computes it from the scales (also used by the optimized-kernel tests).</summary>
    internal static RequantParams Requant(float inScale, int inZp, float[] fScales, float outScale, int outZp, FusedActivation act,
        int filterOffset = 0)
    {
        var m = fScales.Select(s => QuantizedMultiplier.FromDouble((double)inScale * s / outScale)).ToArray();
        var (min, max) = ActivationRange.Int8(act, outScale, outZp);
        return new RequantParams
        {
            InputOffset = -inZp, OutputOffset = outZp, FilterOffset = filterOffset, ActivationMin = min, ActivationMax = max,
            Multipliers = m.Select(x => x.Multiplier).ToArray(), Shifts = m.Select(x => x.Shift).ToArray(),
        };
    }

    /// <summary>The float clamp equivalent to the quantized one, so both sides clamp identically.</summary>
    private static (float, float) FloatClamp(FusedActivation act, float outScale, int outZp)
    {
        var (min, max) = ActivationRange.Int8(act, outScale, outZp);
        return ((min - outZp) * outScale, (max - outZp) * outScale);
    }

    private static (float[] In, float[] Filter, float[] Bias) Dequantize(sbyte[] input, float inScale, int inZp,
        sbyte[] filter, float[] fScales, int[] bias, Func<int, int> channelOfFilterIndex)
    {
        var fIn = input.Select(v => (float)((v - inZp) * (double)inScale)).ToArray();
        var fFilter = new float[filter.Length];
        for (int i = 0; i < filter.Length; i++)
            fFilter[i] = (float)(filter[i] * (double)fScales[channelOfFilterIndex(i)]);
        var fBias = bias.Select((b, c) => (float)(b * (double)inScale * fScales[c])).ToArray();
        return (fIn, fFilter, fBias);
    }

    private static void AssertWithin(sbyte[] actual, float[] expected, float outScale, int outZp, string context)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            double ideal = Math.Clamp(expected[i] / outScale + outZp, -128, 127);
            double diff = Math.Abs(actual[i] - ideal);
            Assert.True(diff <= ToleranceLsb + 1e-3, $"{context}: element {i} is {actual[i]}, float reference gives {ideal:F3} (diff {diff:F3} LSB)");
        }
    }
}
