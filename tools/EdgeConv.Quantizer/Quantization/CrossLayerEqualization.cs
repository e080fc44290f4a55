using System.Runtime.InteropServices;
using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Quantizer.Quantization;

/// <summary>
/// Nagel et al. 2019 cross-layer equalization on a float graph. For a conv (or depthwise conv) whose
/// only consumer is another conv, with no activation or ReLU between them (both commute with a
/// positive per-channel scale; ReLU6 and other clamps do not), channel i of the first layer's output
/// is divided by s_i and the second layer's input channel i multiplied by it, with
/// s_i = sqrt(r1_i / r2_i) so both weight ranges become sqrt(r1_i · r2_i). The float function is
/// unchanged; per-channel (and especially per-tensor) weight ranges become far more even.
/// </summary>
public static class CrossLayerEqualization
{
    /// <summary>Returns a copy of the graph with equalized weights, and how many layer pairs were equalized.</summary>
    public static (ModelGraph Graph, int Pairs) Apply(ModelGraph graph, int iterations = 4)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var data = (byte[])graph.Data.Clone();
        var pairs = FindPairs(graph);
        for (int it = 0; it < iterations; it++)
            foreach (var (first, second) in pairs)
                Equalize(graph, data, first, second);
        var result = new ModelGraph
        {
            Data = data,
            Tensors = graph.Tensors,
            Operators = graph.Operators,
            Inputs = graph.Inputs,
            Outputs = graph.Outputs,
            Description = graph.Description,
            Name = graph.Name,
        };
        return (result, pairs.Count);
    }

    private static bool IsEqualizable(ModelGraph g, OperatorInfo op)
    {
        if (op.Op is not (BuiltinOp.Conv2D or BuiltinOp.DepthwiseConv2D) || op.Inputs.Length < 2)
            return false;
        var input = g.Tensors[op.Inputs[0]];
        var filter = g.Tensors[op.Inputs[1]];
        if (filter.Type != ElementType.Float32 || !filter.IsConstant || filter.Shape.Length != 4 || input.Shape.Length != 4)
            return false;
        // Grouped convs and depth multipliers mix channel indices; leave them alone.
        return filter.Shape[3] == input.Shape[3];
    }

    private static List<(OperatorInfo First, OperatorInfo Second)> FindPairs(ModelGraph g)
    {
        var pairs = new List<(OperatorInfo, OperatorInfo)>();
        foreach (var first in g.Operators)
        {
            if (!IsEqualizable(g, first) || first.Options.Activation is not (FusedActivation.None or FusedActivation.Relu))
                continue;
            int mid = first.Outputs[0];
            if (g.Outputs.Contains(mid))
                continue;
            var consumers = g.Operators.Where(o => o.Inputs.Contains(mid)).ToList();
            if (consumers.Count == 1 && consumers[0].Inputs[0] == mid && IsEqualizable(g, consumers[0]))
                pairs.Add((first, consumers[0]));
        }
        return pairs;
    }

    private static Span<float> Floats(ModelGraph g, byte[] data, int tensor)
    {
        var t = g.Tensors[tensor];
        return MemoryMarshal.Cast<byte, float>(data.AsSpan(t.DataOffset, t.ByteLength));
    }

    private static void Equalize(ModelGraph g, byte[] data, OperatorInfo first, OperatorInfo second)
    {
        var w1 = Floats(g, data, first.Inputs[1]);
        var w2 = Floats(g, data, second.Inputs[1]);
        var s1 = g.Tensors[first.Inputs[1]].Shape;
        var s2 = g.Tensors[second.Inputs[1]].Shape;
        int channels = first.Op == BuiltinOp.Conv2D ? s1[0] : s1[3];
        // First layer: output channel of element i. Second layer: input channel of element i (last axis).
        int perChannel = w1.Length / channels;
        bool conv = first.Op == BuiltinOp.Conv2D;
        int inDepth2 = s2[3];
        int Out1(int i) => conv ? i / perChannel : i % channels;
        int In2(int i) => i % inDepth2;
        if (s2[3] != channels)
            return;
        var r1 = new float[channels];
        var r2 = new float[channels];
        for (int i = 0; i < w1.Length; i++) r1[Out1(i)] = Math.Max(r1[Out1(i)], Math.Abs(w1[i]));
        for (int i = 0; i < w2.Length; i++) r2[In2(i)] = Math.Max(r2[In2(i)], Math.Abs(w2[i]));
        var scale = new float[channels];
        for (int c = 0; c < channels; c++)
            scale[c] = r1[c] > 0 && r2[c] > 0 ? MathF.Sqrt(r1[c] / r2[c]) : 1f;
        for (int i = 0; i < w1.Length; i++) w1[i] /= scale[Out1(i)];
        for (int i = 0; i < w2.Length; i++) w2[i] *= scale[In2(i)];
        if (first.Inputs.Length > 2 && first.Inputs[2] >= 0)
        {
            var b1 = Floats(g, data, first.Inputs[2]);
            for (int c = 0; c < channels; c++) b1[c] /= scale[c];
        }
    }
}
