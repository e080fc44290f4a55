using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Kernels.Float;

/// <summary>Shared broadcast loop of <see cref="AddFloat"/> and <see cref="MulFloat"/>.</summary>
internal static class BinaryFloat
{
    public static void Run(
        Shape4 input1Shape, ReadOnlySpan<float> input1,
        Shape4 input2Shape, ReadOnlySpan<float> input2,
        Shape4 outputShape, Span<float> output,
        float min, float max, bool multiply)
    {
        if (multiply)
            Broadcast4D.Apply(new MulOp(min, max), input1Shape, input1, input2Shape, input2, outputShape, output);
        else
            Broadcast4D.Apply(new AddOp(min, max), input1Shape, input1, input2Shape, input2, outputShape, output);
    }

    // ActivationFunctionWithMinMax: min(max(x, lo), hi).
    private readonly struct AddOp(float min, float max) : IBinaryElementOp<float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a + b, min), max);
    }

    private readonly struct MulOp(float min, float max) : IBinaryElementOp<float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a * b, min), max);
    }
}
