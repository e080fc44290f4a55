namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>Deterministic random tensors.</summary>
internal static class SeededData
{
    public static float[] Uniform(int seed, int count, float min = -1f, float max = 1f)
    {
        var rng = new Random(seed);
        var r = new float[count];
        for (int i = 0; i < count; i++)
            r[i] = min + (float)rng.NextDouble() * (max - min);
        return r;
    }
}
