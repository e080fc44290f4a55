using EdgeConv.Graph;

namespace EdgeConv.Quantizer.Import;

/// <summary>A tensor of the graph being built; constants keep their values so later folds can edit them.</summary>
internal sealed class DraftTensor
{
    public required string Name { get; set; }
    public required string OnnxName { get; set; }
    public required int[] Shape { get; init; }
    public ElementType Type { get; init; } = ElementType.Float32;
    public float[]? Floats { get; set; }
    public int[]? Ints { get; init; }
    public bool IsConstant => Floats is not null || Ints is not null;
}

/// <summary>An op of the graph being built; options stay editable for activation fusion.</summary>
internal sealed class DraftOp
{
    public required BuiltinOp Op { get; init; }
    public required int[] Inputs { get; set; }
    public required int[] Outputs { get; init; }
    public OpOptions Options { get; set; } = new();
    public required string OnnxNode { get; init; }
}

/// <summary>
/// The mutable graph the importer fills; <see cref="Build"/> drops ops no output depends on and
/// turns the rest into an immutable <see cref="ModelGraph"/>.
/// </summary>
internal sealed class GraphDraft
{
    public List<DraftTensor> Tensors { get; } = [];
    public List<DraftOp> Ops { get; } = [];

    public int AddTensor(string name, string onnxName, int[] shape, ElementType type = ElementType.Float32)
    {
        Tensors.Add(new DraftTensor { Name = name, OnnxName = onnxName, Shape = shape, Type = type });
        return Tensors.Count - 1;
    }

    public int AddConstant(string name, int[] shape, float[] values)
    {
        Tensors.Add(new DraftTensor { Name = name, OnnxName = "", Shape = shape, Floats = values });
        return Tensors.Count - 1;
    }

    public int AddConstant(string name, int[] shape, int[] values)
    {
        Tensors.Add(new DraftTensor { Name = name, OnnxName = "", Shape = shape, Type = ElementType.Int32, Ints = values });
        return Tensors.Count - 1;
    }

    public int AddOp(BuiltinOp op, int[] inputs, int[] outputs, string onnxNode, OpOptions? options = null)
    {
        Ops.Add(new DraftOp { Op = op, Inputs = inputs, Outputs = outputs, OnnxNode = onnxNode, Options = options ?? new OpOptions() });
        return Ops.Count - 1;
    }

    public ModelGraph Build(int[] inputs, int[] outputs, string name, out int[] tensorMap, out string[] opNodes)
    {
        var live = LiveOps(outputs);
        var used = new bool[Tensors.Count];
        foreach (int t in inputs) used[t] = true;
        foreach (int t in outputs) used[t] = true;
        foreach (var op in live)
        {
            foreach (int t in op.Inputs) if (t >= 0) used[t] = true;
            foreach (int t in op.Outputs) used[t] = true;
        }
        var b = new GraphBuilder();
        tensorMap = new int[Tensors.Count];
        Array.Fill(tensorMap, -1);
        for (int i = 0; i < Tensors.Count; i++)
        {
            if (!used[i])
                continue;
            var t = Tensors[i];
            tensorMap[i] = t.Floats is { } f ? b.AddConstant(t.Name, t.Shape, f)
                : t.Ints is { } n ? b.AddConstant(t.Name, t.Shape, n)
                : b.AddTensor(t.Name, t.Type, t.Shape);
        }
        var map = tensorMap;
        int Map(int t) => t < 0 ? -1 : map[t];
        foreach (var op in live)
            b.AddOp(op.Op, Array.ConvertAll(op.Inputs, Map), Array.ConvertAll(op.Outputs, Map), op.Options);
        b.SetInputs(Array.ConvertAll(inputs, Map));
        b.SetOutputs(Array.ConvertAll(outputs, Map));
        opNodes = live.ConvertAll(o => o.OnnxNode).ToArray();
        return b.Build(name);
    }

    private List<DraftOp> LiveOps(int[] outputs)
    {
        var needed = new HashSet<int>(outputs);
        var keep = new bool[Ops.Count];
        for (int i = Ops.Count - 1; i >= 0; i--)
        {
            if (!Ops[i].Outputs.Any(needed.Contains))
                continue;
            keep[i] = true;
            foreach (int t in Ops[i].Inputs)
                if (t >= 0) needed.Add(t);
        }
        var r = new List<DraftOp>();
        for (int i = 0; i < Ops.Count; i++)
            if (keep[i]) r.Add(Ops[i]);
        return r;
    }
}
