using EdgeConv.Graph;
using EdgeConv.Runtime.Operations;

namespace EdgeConv.Runtime;

/// <summary>Turns each decoded op into a prepared <see cref="Operation"/>, or says why it cannot.</summary>
internal static class OperationFactory
{
    public static Operation Create(ModelGraph graph, OperatorInfo op)
    {
        var ctx = new PrepareContext(graph, op);
        foreach (int o in op.Outputs)
            ctx.ExpectNotConstant(graph.Tensors[o], "output");
        return op.Op switch
        {
            BuiltinOp.Conv2D => new Conv2DOperation(ctx),
            BuiltinOp.DepthwiseConv2D => new DepthwiseConv2DOperation(ctx),
            BuiltinOp.FullyConnected => new FullyConnectedOperation(ctx),
            BuiltinOp.AveragePool2D or BuiltinOp.MaxPool2D => new Pool2DOperation(ctx),
            BuiltinOp.Reshape or BuiltinOp.Squeeze => new ReshapeOperation(ctx),
            BuiltinOp.Pad or BuiltinOp.PadV2 => new PadOperation(ctx),
            BuiltinOp.Transpose => new TransposeOperation(ctx),
            BuiltinOp.Concatenation => new ConcatenationOperation(ctx),
            BuiltinOp.Add or BuiltinOp.Sub or BuiltinOp.Mul => new BinaryElementwiseOperation(ctx),
            BuiltinOp.Softmax => new SoftmaxOperation(ctx),
            BuiltinOp.Logistic or BuiltinOp.HardSwish => new ActivationOperation(ctx),
            BuiltinOp.Relu or BuiltinOp.ReluN1To1 or BuiltinOp.Relu6 or BuiltinOp.LeakyRelu => new ReluOperation(ctx),
            BuiltinOp.ResizeBilinear or BuiltinOp.ResizeNearestNeighbor => new ResizeOperation(ctx),
            BuiltinOp.Mean => new MeanOperation(ctx),
            BuiltinOp.Quantize or BuiltinOp.Dequantize => new QuantizeOperation(ctx),
            BuiltinOp.Slice => new SliceOperation(ctx),
            BuiltinOp.Maximum or BuiltinOp.Minimum => new MaximumMinimumOperation(ctx),
            BuiltinOp.Equal => new EqualOperation(ctx),
            BuiltinOp.Cast => new CastOperation(ctx),
            _ => throw ctx.Error("this operator is not supported by EdgeConv."),
        };
    }
}
