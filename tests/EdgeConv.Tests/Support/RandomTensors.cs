namespace EdgeConv.Tests.Support;

/// <summary>Seeded random data for kernel tests.</summary>
internal static class RandomTensors
{
    public static sbyte[] Int8(Random rng, int count, int min = -128, int max = 127)
    {
        var r = new sbyte[count];
        for (int i = 0; i < count; i++)
            r[i] = (sbyte)rng.Next(min, max + 1);
        return r;
    }

    public static int[] Int32(Random rng, int count, int min, int max)
    {
        var r = new int[count];
        for (int i = 0; i < count; i++)
            r[i] = rng.Next(min, max + 1);
        return r;
    }

    public static T Pick<T>(Random rng, params T[] items) => items[rng.Next(items.Length)];
}
