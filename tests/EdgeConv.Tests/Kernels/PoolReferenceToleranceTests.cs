using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// Int8 pooling against float pooling of the dequantized input. Max pooling commutes with the
/// monotonic quantization, so it is exact; the int8 average rounds once (half away from zero), so
/// it is within 0.5 LSB.
/// </summary>
public class PoolReferenceToleranceTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Pools_MatchFloat(int seed)
    {
        var rng = new Random(4000 + seed);
        int fh = rng.Next(1, 4), fw = rng.Next(1, 4), stride = rng.Next(1, 3);
        var padding = rng.Next(2) == 0 ? Padding.Same : Padding.Valid;
        var inShape = new Shape4(rng.Next(1, 3), rng.Next(fh, 10), rng.Next(fw, 10), rng.Next(1, 68));
        var g = ConvGeometry.Create(padding, stride, stride, 1, 1, inShape.H, inShape.W, fh, fw, out int oh, out int ow);
        var outShape = new Shape4(inShape.N, oh, ow, inShape.C);
        float scale = 0.03f;
        int zp = RandomTensors.Pick(rng, -128, 127, rng.Next(-128, 128));
        var act = RandomTensors.Pick(rng, FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6);
        var (min, max) = ActivationRange.Int8(act, scale, zp);
        var input = RandomTensors.Int8(rng, inShape.FlatSize);
        var fIn = input.Select(v => (v - zp) * scale).ToArray();
        float fMin = (min - zp) * scale, fMax = (max - zp) * scale;
        foreach (bool isMax in new[] { false, true })
        {
            var q = new sbyte[outShape.FlatSize];
            var f = new float[outShape.FlatSize];
            if (isMax)
                Pool2DInt8Reference.Max(g, fh, fw, min, max, input, inShape, q, outShape);
            else
                Assert.True(Pool2DInt8Reference.Average(g, fh, fw, min, max, input, inShape, q, outShape));
            PoolFloat.Run(isMax, g, fh, fw, fMin, fMax, fIn, inShape, f, outShape);
            for (int i = 0; i < q.Length; i++)
            {
                double ideal = f[i] / scale + zp;
                Assert.True(Math.Abs(q[i] - ideal) <= (isMax ? 1e-3 : 0.5 + 1e-3), $"{(isMax ? "max" : "avg")} element {i}: {q[i]} vs {ideal:F3}");
            }
        }
    }
}
