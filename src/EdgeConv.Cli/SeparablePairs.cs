using EdgeConv.Graph;

namespace EdgeConv.Cli;

/// <summary>A depthwise conv whose only consumer is a 1×1 conv, and the cost of replacing both with one conv.</summary>
internal sealed record SeparablePair(int DepthwiseOp, int PointwiseOp, int KernelH, int KernelW, int InChannels, int OutChannels,
    long StandardParams, long SeparableParams, long StandardMacs, long SeparableMacs)
{
    public double ParamRatio => (double)StandardParams / SeparableParams;
    public double MacRatio => (double)StandardMacs / SeparableMacs;
}

internal static class SeparablePairs
{
    /// <summary>
    /// Params count weights only (no bias), as the textbook comparison does: a k×k standard conv has
    /// k·k·Cin·Cout, the pair has k·k·Cin·M + Cin·M·Cout.
    /// </summary>
    public static List<SeparablePair> Find(ModelGraph g)
    {
        var result = new List<SeparablePair>();
        foreach (var dw in g.Operators)
        {
            if (dw.Op != BuiltinOp.DepthwiseConv2D)
                continue;
            int mid = dw.Outputs[0];
            var consumers = g.Operators.Where(o => o.Inputs.Contains(mid)).ToList();
            if (consumers.Count != 1 || consumers[0].Op != BuiltinOp.Conv2D)
                continue;
            var pw = consumers[0];
            var pwFilter = g.Tensors[pw.Inputs[1]].Shape;
            if (pwFilter[1] != 1 || pwFilter[2] != 1)
                continue;
            var dwFilter = g.Tensors[dw.Inputs[1]].Shape;
            var input = g.Tensors[dw.Inputs[0]].Shape;
            var output = g.Tensors[pw.Outputs[0]].Shape;
            int kh = dwFilter[1], kw = dwFilter[2], cin = input[3], cmid = dwFilter[3], cout = output[3];
            long outPixels = (long)output[0] * output[1] * output[2];
            long stdParams = (long)kh * kw * cin * cout;
            long sepParams = (long)kh * kw * cmid + (long)cmid * cout;
            result.Add(new SeparablePair(dw.Index, pw.Index, kh, kw, cin, cout, stdParams, sepParams,
                stdParams * outPixels, sepParams * outPixels));
        }
        return result;
    }
}
