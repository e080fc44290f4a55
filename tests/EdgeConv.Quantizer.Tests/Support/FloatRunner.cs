using EdgeConv.Quantizer.Import;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>Runs an imported model on EdgeConv's float engine with inputs in ONNX element order.</summary>
internal static class FloatRunner
{
    public static float[][] Run(ImportedModel imported, IReadOnlyList<float[]> onnxInputs)
    {
        var model = Model.FromGraph(imported.Graph);
        var interpreter = new Interpreter(model);
        for (int i = 0; i < imported.Inputs.Count; i++)
            imported.Inputs[i].FromOnnxOrder(onnxInputs[i]).CopyTo(interpreter.Input<float>(i));
        interpreter.Invoke();
        var outputs = new float[interpreter.OutputCount][];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = interpreter.Output<float>(i).ToArray();
        return outputs;
    }
}
