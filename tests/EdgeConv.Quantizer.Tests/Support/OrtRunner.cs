using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>ONNX Runtime (CPU, basic graph optimizations only) as the float reference.</summary>
internal static class OrtRunner
{
    public static float[][] Run(byte[] model, IReadOnlyList<(string Name, int[] Shape, float[] Data)> inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, options);
        var feeds = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Data, i.Shape))).ToList();
        using var results = session.Run(feeds);
        return session.OutputMetadata.Keys.Select(name => results.First(r => r.Name == name).AsTensor<float>().ToArray()).ToArray();
    }

    /// <summary>Every output by name.</summary>
    public static Dictionary<string, float[]> RunNamed(byte[] model, IReadOnlyList<(string Name, int[] Shape, float[] Data)> inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, options);
        var feeds = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Data, i.Shape))).ToList();
        using var results = session.Run(feeds);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }
}
