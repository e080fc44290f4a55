using EdgeConv.Graph;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;

namespace EdgeConv.Kernels.Float;

/// <summary>Which element rule <see cref="BinaryFloat"/> applies.</summary>
internal enum BinaryFloatOp
{
    Add,
    Sub,
    Mul,
}

/// <summary>Shared broadcast loop of <see cref="AddFloat"/>, <see cref="SubFloat"/> and <see cref="MulFloat"/>.</summary>
internal static class BinaryFloat
{
    public static void Run(
        Shape4 input1Shape, ReadOnlySpan<float> input1,
        Shape4 input2Shape, ReadOnlySpan<float> input2,
        Shape4 outputShape, Span<float> output,
        FusedActivation activation, BinaryFloatOp op)
    {
        (float min, float max) = ActivationRange.Float(activation);
        switch (op)
        {
            case BinaryFloatOp.Add:
                Broadcast4D.Apply(new AddOp(min, max), input1Shape, input1, input2Shape, input2, outputShape, output);
                break;
            case BinaryFloatOp.Sub:
                Broadcast4D.Apply(new SubOp(min, max), input1Shape, input1, input2Shape, input2, outputShape, output);
                break;
            default:
                Broadcast4D.Apply(new MulOp(min, max), input1Shape, input1, input2Shape, input2, outputShape, output);
                break;
        }
    }

    // ActivationFunctionWithMinMax: min(max(x, lo), hi).
    private readonly struct AddOp(float min, float max) : IBinaryElementOp<float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a + b, min), max);
    }

    private readonly struct SubOp(float min, float max) : IBinaryElementOp<float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a - b, min), max);
    }

    private readonly struct MulOp(float min, float max) : IBinaryElementOp<float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a * b, min), max);
    }
}
