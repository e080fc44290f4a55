using EdgeConv.Graph;

namespace EdgeConv.Kernels.Reference;

/// <summary>
/// Element-wise binary broadcasting over NHWC shapes, with TFLite's rules
/// (<c>NdArrayDescsForElementwiseBroadcast</c> / <c>BroadcastAdd4DSlow</c>): in every dimension an
/// input's extent equals the output's or is 1, and an extent of 1 is repeated (stride 0). Lower-rank
/// tensors are padded with leading 1s first (<see cref="Shape4.FromDims"/>), so a scalar is [1,1,1,1]
/// and a [C] vector is [1,1,1,C].
/// </summary>
public static class Broadcast4D
{
    /// <summary>
    /// The one loop every broadcasting binary op shares: checks lengths and shapes, then applies
    /// <typeparamref name="TOp"/> (a struct, so the call inlines) to each output element.
    /// </summary>
    public static void Apply<T, TOp>(TOp op,
        Shape4 input1Shape, ReadOnlySpan<T> input1,
        Shape4 input2Shape, ReadOnlySpan<T> input2,
        Shape4 outputShape, Span<T> output)
        where TOp : struct, IBinaryElementOp<T>
        => Combine<T, T, TOp>(op, input1Shape, input1, input2Shape, input2, outputShape, output);

    /// <summary>The same loop for ops whose output element type differs from the inputs' (EQUAL: BOOL).</summary>
    public static void Combine<TIn, TOut, TOp>(TOp op,
        Shape4 input1Shape, ReadOnlySpan<TIn> input1,
        Shape4 input2Shape, ReadOnlySpan<TIn> input2,
        Shape4 outputShape, Span<TOut> output)
        where TOp : struct, IBinaryElementOp<TIn, TOut>
    {
        CheckLength(input1.Length, input1Shape, nameof(input1));
        CheckLength(input2.Length, input2Shape, nameof(input2));
        CheckLength(output.Length, outputShape, nameof(output));
        if (input1Shape == outputShape && input2Shape == outputShape)
        {
            int size = outputShape.FlatSize;
            for (int i = 0; i < size; i++)
                output[i] = op.Apply(input1[i], input2[i]);
            return;
        }
        var s1 = Strides(input1Shape, outputShape, nameof(input1));
        var s2 = Strides(input2Shape, outputShape, nameof(input2));
        int o = 0;
        for (int n = 0; n < outputShape.N; n++)
            for (int h = 0; h < outputShape.H; h++)
                for (int w = 0; w < outputShape.W; w++)
                {
                    int i1 = n * s1.N + h * s1.H + w * s1.W;
                    int i2 = n * s2.N + h * s2.H + w * s2.W;
                    for (int c = 0; c < outputShape.C; c++, o++)
                        output[o] = op.Apply(input1[i1 + c * s1.C], input2[i2 + c * s2.C]);
                }
    }

    /// <summary>The output shape two inputs broadcast to; throws <see cref="ArgumentException"/> when they do not.</summary>
    public static Shape4 OutputShape(Shape4 a, Shape4 b) => new(
        Dim(a.N, b.N, "N"), Dim(a.H, b.H, "H"), Dim(a.W, b.W, "W"), Dim(a.C, b.C, "C"));

    private static int Dim(int x, int y, string name)
    {
        if (x == y || y == 1)
            return x;
        if (x == 1)
            return y;
        throw new ArgumentException($"Shapes do not broadcast: dimension {name} is {x} in one input and {y} in the other.");
    }

    /// <summary>
    /// Checks that <paramref name="input"/> broadcasts to <paramref name="output"/> and returns its
    /// element strides per NHWC dimension (0 where the input's extent is 1 and is repeated).
    /// </summary>
    public static (int N, int H, int W, int C) Strides(Shape4 input, Shape4 output, string inputName)
    {
        Check(input.N, output.N, "N", inputName, input, output);
        Check(input.H, output.H, "H", inputName, input, output);
        Check(input.W, output.W, "W", inputName, input, output);
        Check(input.C, output.C, "C", inputName, input, output);
        int sc = 1, sw = input.C, sh = input.W * input.C, sn = input.H * input.W * input.C;
        return (input.N == 1 ? 0 : sn, input.H == 1 ? 0 : sh, input.W == 1 ? 0 : sw, input.C == 1 ? 0 : sc);
    }

    private static void Check(int inDim, int outDim, string dim, string inputName, Shape4 input, Shape4 output)
    {
        if (inDim != outDim && inDim != 1)
            throw new ArgumentException($"{inputName} shape {input} does not broadcast to output shape {output} (dimension {dim}).", inputName);
    }

    /// <summary>Throws when <paramref name="length"/> is less than <paramref name="shape"/>'s element count.</summary>
    public static void CheckLength(int length, Shape4 shape, string name)
    {
        if (length < shape.FlatSize)
            throw new ArgumentException($"{name} has {length} elements but shape {shape} needs {shape.FlatSize}.", name);
    }
}

/// <summary>One element of a broadcasting binary op whose result type may differ (EQUAL: two values, a BOOL).</summary>
public interface IBinaryElementOp<TIn, TOut>
{
    /// <summary>Combines one element of each input.</summary>
    TOut Apply(TIn a, TIn b);
}

/// <summary>One element of a broadcasting binary op (ADD, MUL, MAXIMUM, int8 or float).</summary>
public interface IBinaryElementOp<T> : IBinaryElementOp<T, T>;
