using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>Which importer handles each ONNX op type.</summary>
internal sealed partial class ImportSession
{
    private void ImportNode(OnnxNode n)
    {
        if (n.Domain is not ("" or "ai.onnx"))
            throw Unsupported(n, $"operator domain '{n.Domain}' (only the default ONNX domain).");
        if (TryFoldConstant(n))
            return;
        switch (n.OpType)
        {
            case "Identity":
                Alias(n, 0, In(n, 0));
                _notes.Add(new ImportNote("dropped", n.Describe(), "Identity"));
                break;
            case "Dropout":
                if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0 && (_consumers.ContainsKey(n.Outputs[1]) || _graphOutputs.Contains(n.Outputs[1])))
                    throw Unsupported(n, "Dropout's mask output is used.");
                Alias(n, 0, In(n, 0));
                _notes.Add(new ImportNote("dropped", n.Describe(), "Dropout (inference)"));
                break;
            case "Conv": ImportConv(n); break;
            case "BatchNormalization": ImportBatchNorm(n); break;
            case "MaxPool" or "AveragePool": ImportPool(n); break;
            case "GlobalAveragePool": ImportGlobalAveragePool(n); break;
            case "GlobalMaxPool": ImportGlobalMaxPool(n); break;
            case "ReduceMean": ImportReduceMean(n); break;
            case "Gemm": ImportGemm(n); break;
            case "MatMul": ImportMatMul(n); break;
            case "Relu": ImportRelu(n); break;
            case "Clip": ImportClip(n); break;
            case "LeakyRelu": ImportLeakyRelu(n); break;
            case "Sigmoid": ImportUnary(n, EdgeConv.Graph.BuiltinOp.Logistic); break;
            case "HardSwish": ImportUnary(n, EdgeConv.Graph.BuiltinOp.HardSwish); break;
            case "HardSigmoid": ImportHardSigmoid(n); break;
            case "Add" or "Mul" or "Sub" or "Div": ImportArithmetic(n); break;
            case "Softmax": ImportSoftmax(n); break;
            case "Flatten" or "Reshape" or "Squeeze" or "Unsqueeze": ImportReshapeLike(n); break;
            case "Transpose": ImportTranspose(n); break;
            case "Concat": ImportConcat(n); break;
            case "Pad": ImportPad(n); break;
            case "Resize" or "Upsample": ImportResize(n); break;
            case "Slice": ImportSlice(n); break;
            case "Split": ImportSplit(n); break;
            case "Equal": ImportEqual(n); break;
            case "Cast": ImportCast(n); break;
            default: throw Unsupported(n, $"operator {n.OpType} (opset {_opset}) has no EdgeConv mapping.");
        }
    }
}
