using System.Text;
using EdgeConv.Runtime;

namespace EdgeConv.Cli;

/// <summary>`edgeconv inspect MODEL`: ops, kernels, shapes, quantization, params, MACs, arena.</summary>
internal static class InspectCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = new Arguments(args, new HashSet<string>(), new HashSet<string>());
        if (a.Positional.Count != 1)
            throw new CliException("usage: edgeconv inspect MODEL.tflite", 2);
        var model = ModelFiles.Load(a.Positional[0]);
        stdout.Write(Render(model));
        return 0;
    }

    public static string Render(Model model)
    {
        var g = model.Graph;
        var sb = new StringBuilder();
        sb.AppendLine($"model: {g.Name}  ops: {g.Operators.Length}  tensors: {g.Tensors.Length}");
        for (int i = 0; i < model.Inputs.Count; i++)
            sb.AppendLine($"input {i}: t{model.Inputs[i].Index} '{model.Inputs[i].Name}' {model.Inputs[i]}");
        for (int i = 0; i < model.Outputs.Count; i++)
            sb.AppendLine($"output {i}: t{model.Outputs[i].Index} '{model.Outputs[i].Name}' {model.Outputs[i]}");
        sb.AppendLine();
        sb.AppendLine($"{"#",3}  {"op",-18} {"options",-34} {"inputs",-40} {"output",-40} {"kernel",-30} {"params",9} {"MACs",12}");
        long totalMacs = 0, totalParams = 0;
        foreach (var op in model.Operations)
        {
            string ins = string.Join(" ", op.Inputs.Where(t => t >= 0 && !g.Tensors[t].IsConstant).Select(t => Tensor(model, t)));
            string outs = string.Join(" ", op.Outputs.Select(t => Tensor(model, t)));
            sb.AppendLine($"{op.Index,3}  {op.Op,-18} {op.Options,-34} {ins,-40} {outs,-40} {op.Kernel,-30} {op.Parameters,9:N0} {op.Macs,12:N0}");
            totalMacs += op.Macs;
            totalParams += op.Parameters;
        }
        long weightBytes = g.Tensors.Where(t => t.IsConstant).Sum(t => (long)t.ByteLength);
        sb.AppendLine();
        sb.AppendLine($"total_params: {totalParams:N0}");
        sb.AppendLine($"total_macs: {totalMacs:N0}");
        sb.AppendLine($"weight_bytes: {weightBytes:N0}");
        sb.AppendLine($"arena_bytes: {model.ArenaBytes}");
        sb.AppendLine($"scratch_bytes: {model.ScratchBytes} (included in arena_bytes)");
        AppendSeparableSavings(model, sb);
        return sb.ToString();
    }

    private static string Tensor(Model model, int t)
    {
        var info = model.Graph.Tensors[t];
        var q = info.Quantization;
        string quant = q is null ? "" : $" s={q.Scale:G4} z={q.ZeroPoint}";
        return $"t{t}[{string.Join('x', info.Shape)}]{quant}";
    }

    /// <summary>For each depthwise op feeding a 1×1 conv: what one standard conv doing both would cost.</summary>
    private static void AppendSeparableSavings(Model model, StringBuilder sb)
    {
        var g = model.Graph;
        var pairs = SeparablePairs.Find(g);
        if (pairs.Count == 0)
            return;
        sb.AppendLine();
        sb.AppendLine("depthwise-separable pairs (vs. one standard conv with the same input, output and kernel):");
        sb.AppendLine($"{"dw",4} {"pw",4} {"kernel",7} {"in->out",12} {"std params",11} {"sep params",11} {"ratio",6} {"std MACs",14} {"sep MACs",12} {"ratio",6}");
        foreach (var p in pairs)
            sb.AppendLine($"{p.DepthwiseOp,4} {p.PointwiseOp,4} {p.KernelH + "x" + p.KernelW,7} {p.InChannels + "->" + p.OutChannels,12} {p.StandardParams,11:N0} {p.SeparableParams,11:N0} {p.ParamRatio,5:F1}x {p.StandardMacs,14:N0} {p.SeparableMacs,12:N0} {p.MacRatio,5:F1}x");
    }
}
