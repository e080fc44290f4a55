using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// One import: walks the ONNX nodes in order, keeping for each value its constant, or its graph
/// tensor and layout, and emits TFLite-style ops into a <see cref="GraphDraft"/>. Op families live
/// in the partial files beside this one; this file holds values, layouts and fusion bookkeeping.
/// </summary>
internal sealed partial class ImportSession
{
    private readonly OnnxModel _model;
    private readonly ImportOptions _options;
    private readonly GraphDraft _draft = new();
    private readonly Dictionary<string, ImportValue> _values = [];
    private readonly Dictionary<string, int> _consumers = [];
    private readonly Dictionary<string, List<OnnxNode>> _consumerNodes = [];
    private readonly HashSet<string> _graphOutputs = [];
    private readonly Dictionary<string, int> _layoutCache = [];
    private readonly List<ImportNote> _notes = [];
    private readonly long _opset;

    public ImportSession(OnnxModel model, ImportOptions options)
    {
        _model = model;
        _options = options;
        _opset = model.DefaultOpset;
    }

    public ImportedModel Run(string name)
    {
        if (_opset > 17)
            throw new OnnxImportException($"{name}: default-domain opset {_opset} is newer than the supported 17.");
        var g = _model.Graph;
        foreach (var init in g.Initializers)
            _values[init.Name] = Const(init.Name, HostTensor.From(init, $"initializer '{init.Name}'"));
        var nodes = _options.Outputs is { } cut ? NodesFeeding(g, cut) : g.Nodes;
        var outputNames = _options.Outputs ?? g.Outputs.Select(o => o.Name).ToList();
        foreach (var n in nodes)
            foreach (string i in n.Inputs)
                if (i.Length > 0)
                {
                    _consumers[i] = _consumers.GetValueOrDefault(i) + 1;
                    if (!_consumerNodes.TryGetValue(i, out var list))
                        _consumerNodes[i] = list = [];
                    list.Add(n);
                }
        foreach (string o in outputNames)
            _graphOutputs.Add(o);

        var inputs = new List<ImportedInput>();
        var inputTensors = new List<int>();
        foreach (var vi in g.Inputs)
        {
            if (_values.ContainsKey(vi.Name))
                continue; // an initializer also listed as input (IR < 4 exporters)
            if (_options.ConstantInputs.TryGetValue(vi.Name, out var frozen))
            {
                _values[vi.Name] = Const(vi.Name, HostTensor.From(frozen, $"constant input '{vi.Name}'"));
                continue;
            }
            var input = DeclareInput(vi);
            inputs.Add(input);
            inputTensors.Add(_values[vi.Name].Tensor);
        }
        foreach (var n in nodes)
            ImportNode(n);

        var outputs = new List<ImportedOutput>();
        var outputTensors = new List<int>();
        foreach (string outputName in outputNames)
        {
            var v = Value(outputName, $"graph output '{outputName}'");
            if (v.IsConstant)
                throw new OnnxImportException($"{name}: graph output '{outputName}' is a constant; EdgeConv graphs compute every output.");
            int t = EnsureLayout(v, Layouts.Identity(v.Rank), $"graph output '{outputName}'");
            _draft.Tensors[t].Name = outputName;
            _draft.Tensors[t].OnnxName = outputName;
            outputs.Add(new ImportedOutput { Name = outputName, Shape = v.Shape });
            outputTensors.Add(t);
        }
        var graph = _draft.Build([.. inputTensors], [.. outputTensors], name, out var map, out var opNodes);
        var onnxNames = new string[graph.Tensors.Length];
        for (int i = 0; i < map.Length; i++)
            if (map[i] >= 0)
                onnxNames[map[i]] = _draft.Tensors[i].OnnxName;
        return new ImportedModel
        {
            Graph = graph,
            Inputs = inputs,
            Outputs = outputs,
            TensorOnnxNames = onnxNames,
            OpOnnxNodes = opNodes,
            Notes = _notes,
            Opset = _opset,
        };
    }

    /// <summary>The nodes (in file order) that the values <paramref name="outputs"/> depend on.</summary>
    private static OnnxNode[] NodesFeeding(OnnxGraph g, IEnumerable<string> outputs)
    {
        var needed = new HashSet<string>(outputs);
        var keep = new bool[g.Nodes.Length];
        for (int i = g.Nodes.Length - 1; i >= 0; i--)
        {
            if (!g.Nodes[i].Outputs.Any(needed.Contains))
                continue;
            keep[i] = true;
            foreach (string input in g.Nodes[i].Inputs)
                if (input.Length > 0) needed.Add(input);
        }
        return g.Nodes.Where((_, i) => keep[i]).ToArray();
    }

    private ImportedInput DeclareInput(OnnxValueInfo vi)
    {
        if (vi.ElementType is not (OnnxDataType.Float or OnnxDataType.Undefined))
            throw new OnnxImportException($"graph input '{vi.Name}' has element type {vi.ElementType}; only float32 inputs are supported.");
        int[] shape;
        if (_options.InputShapes.TryGetValue(vi.Name, out var given))
            shape = given;
        else if (vi.Dims is null)
            throw new OnnxImportException($"graph input '{vi.Name}' declares no shape; pass it in ImportOptions.InputShapes.");
        else
        {
            shape = new int[vi.Dims.Length];
            for (int i = 0; i < shape.Length; i++)
            {
                long d = vi.Dims[i];
                if (d <= 0)
                {
                    if (i != 0 && vi.DimParams.ElementAtOrDefault(i) is null)
                        throw new OnnxImportException($"graph input '{vi.Name}' dim {i} is unknown; pass the shape in ImportOptions.InputShapes.");
                    d = _options.DynamicDimValue;
                }
                shape[i] = (int)d;
            }
        }
        int[] layout = Layouts.Identity(shape.Length);
        bool feedsOnlyTransposes = _consumerNodes.TryGetValue(vi.Name, out var users) && users.All(u => u.OpType == "Transpose");
        if (shape.Length == 4 && _options.InputLayout == InputLayoutChoice.Auto && !feedsOnlyTransposes)
            layout = Layouts.NhwcOfNchw;
        int t = _draft.AddTensor(vi.Name, vi.Name, Layouts.Apply(shape, layout));
        _values[vi.Name] = new ImportValue { Name = vi.Name, Shape = shape, Tensor = t, Layout = layout };
        return new ImportedInput { Name = vi.Name, OnnxShape = shape, Shape = Layouts.Apply(shape, layout), Layout = layout };
    }

    // ---- values --------------------------------------------------------------------------------

    private static ImportValue Const(string name, HostTensor t) => new() { Name = name, Shape = t.Shape, Constant = t };

    private ImportValue Value(string name, string context) =>
        _values.TryGetValue(name, out var v) ? v : throw new OnnxImportException($"{context}: value '{name}' is not produced by any earlier node, initializer or input.");

    private ImportValue In(OnnxNode n, int i)
    {
        if (i >= n.Inputs.Length || n.Inputs[i].Length == 0)
            throw Error(n, $"input {i} is missing.");
        return Value(n.Inputs[i], n.Describe());
    }

    private ImportValue? OptIn(OnnxNode n, int i) =>
        i < n.Inputs.Length && n.Inputs[i].Length > 0 ? Value(n.Inputs[i], n.Describe()) : null;

    private HostTensor ConstIn(OnnxNode n, int i, string role) =>
        In(n, i).Constant ?? throw Unsupported(n, $"{role} (input {i}, '{n.Inputs[i]}') must be a constant; it is computed at run time.");

    private HostTensor? OptConstIn(OnnxNode n, int i, string role) =>
        OptIn(n, i) is { } v ? v.Constant ?? throw Unsupported(n, $"{role} (input {i}, '{n.Inputs[i]}') must be a constant.") : null;

    private void SetConst(OnnxNode n, int output, HostTensor t) => _values[n.Outputs[output]] = Const(n.Outputs[output], t);

    /// <summary>Declares an op output: a new draft tensor with its physical shape.</summary>
    private int NewTensor(string onnxName, int[] shape, int[] layout, ElementType type = ElementType.Float32) =>
        _draft.AddTensor(onnxName, onnxName, Layouts.Apply(shape, layout), type);

    private ImportValue Emit(OnnxNode n, BuiltinOp op, int[] inputs, string output, int[] shape, int[] layout, OpOptions? options = null,
        ElementType type = ElementType.Float32)
    {
        int t = NewTensor(output, shape, layout, type);
        int opIndex = _draft.AddOp(op, inputs, [t], n.Describe(), options);
        var v = new ImportValue { Name = output, Shape = shape, Tensor = t, Layout = layout, Producer = opIndex, Type = type };
        _values[output] = v;
        return v;
    }

    private void Alias(OnnxNode n, int output, ImportValue v) =>
        _values[n.Outputs[output]] = new ImportValue
        {
            Name = n.Outputs[output], Shape = v.Shape, Constant = v.Constant, Tensor = v.Tensor,
            Layout = v.Layout, Pad = v.Pad, Producer = v.Producer, Type = v.Type,
        };

    private int ConstTensor(string name, int[] shape, float[] values) => _draft.AddConstant(name, shape, values);

    private int IntTensor(string name, int[] values) => _draft.AddConstant(name, [values.Length], values);

    // ---- layouts -------------------------------------------------------------------------------

    /// <summary>The draft tensor holding <paramref name="v"/> stored in <paramref name="layout"/>, adding a TRANSPOSE (or a constant) if needed.</summary>
    private int EnsureLayout(ImportValue v, int[] layout, string context)
    {
        if (v.Constant is { } c)
        {
            if (!c.IsFloat)
                throw new OnnxImportException($"{context}: integer constant '{v.Name}' used as a float tensor.");
            var p = c.Transpose(layout);
            return ConstTensor(v.Name, p.Shape, p.ToFloats());
        }
        if (v.Pad is not null)
            v = MaterializePad(v);
        if (v.Layout.AsSpan().SequenceEqual(layout))
            return v.Tensor;
        string key = v.Name + "|" + string.Join(',', layout);
        if (_layoutCache.TryGetValue(key, out int cached))
            return cached;
        var perm = Layouts.Between(v.Layout, layout);
        string name = Layouts.IsIdentity(layout) ? v.Name + "/onnx_order" : v.Name + "/" + string.Join("", layout);
        int t = _draft.AddTensor(name, v.Name, Layouts.Apply(v.Shape, layout), v.Type);
        _draft.AddOp(BuiltinOp.Transpose, [v.Tensor, IntTensor(name + "/perm", perm)], [t], context);
        _layoutCache[key] = t;
        return t;
    }

    /// <summary>A tensor whose bytes are in ONNX element order (any stored shape), for RESHAPE-like ops.</summary>
    private int InOnnxOrder(ImportValue v, string context)
    {
        if (v.Constant is null && v.Pad is null && Layouts.SameElementOrder(v.Shape, v.Layout))
            return v.Tensor;
        return EnsureLayout(v, Layouts.Identity(v.Rank), context);
    }

    private ImportValue MaterializePad(ImportValue v)
    {
        var pad = v.Pad!;
        var src = pad.Source;
        int rank = src.Rank;
        var paddings = new int[2 * rank];
        for (int j = 0; j < rank; j++)
        {
            int d = src.Layout[j];
            paddings[2 * j] = (int)pad.Pads[d];
            paddings[2 * j + 1] = (int)pad.Pads[d + rank];
        }
        int t = NewTensor(v.Name, v.Shape, src.Layout);
        int op = _draft.AddOp(BuiltinOp.Pad, [src.Tensor, _draft.AddConstant(v.Name + "/paddings", [rank, 2], paddings)], [t], pad.Node);
        var m = new ImportValue { Name = v.Name, Shape = v.Shape, Tensor = t, Layout = src.Layout, Producer = op };
        _values[v.Name] = m;
        return m;
    }

    // ---- fusion bookkeeping ------------------------------------------------------------------------

    /// <summary>The op that produced <paramref name="v"/> if <paramref name="v"/> feeds nothing but the node being imported.</summary>
    private DraftOp? SoleProducer(ImportValue v)
    {
        if (!_options.Fuse || v.Producer < 0 || v.Pad is not null || _graphOutputs.Contains(v.Name) || _consumers.GetValueOrDefault(v.Name) != 1)
            return null;
        // Values aliasing the same tensor (folded Transpose, Identity) must feed nothing else either.
        foreach (var w in _values.Values)
            if (w.Tensor == v.Tensor && !ReferenceEquals(w, v) && w.Constant is null
                && (_consumers.GetValueOrDefault(w.Name) > 1 || _graphOutputs.Contains(w.Name)))
                return null;
        var op = _draft.Ops[v.Producer];
        return op.Outputs[0] == v.Tensor ? op : null;
    }

    /// <summary>Fuses a clamp into the producer of <paramref name="v"/> when it supports fused activations; returns false otherwise.</summary>
    private bool TryFuseActivation(OnnxNode n, ImportValue v, FusedActivation act)
    {
        if (SoleProducer(v) is not { } op || op.Options.Activation != FusedActivation.None)
            return false;
        if (op.Op is not (BuiltinOp.Conv2D or BuiltinOp.DepthwiseConv2D or BuiltinOp.FullyConnected or BuiltinOp.Add or BuiltinOp.Mul
            or BuiltinOp.AveragePool2D or BuiltinOp.MaxPool2D))
            return false;
        op.Options = op.Options with { Activation = act };
        var t = _draft.Tensors[v.Tensor];
        t.Name = n.Outputs[0];
        t.OnnxName = n.Outputs[0];
        Alias(n, 0, v);
        _notes.Add(new ImportNote("fused-activation", n.Describe(), $"{act} fused into {BuiltinOpNames.Name(op.Op)} from {op.OnnxNode}"));
        return true;
    }

    // ---- errors and attributes ---------------------------------------------------------------------

    private static OnnxImportException Error(OnnxNode n, string what) => new($"{n.Describe()}: {what}");

    private static OnnxImportException Unsupported(OnnxNode n, string what) => new($"{n.Describe()}: unsupported: {what}");

    private static long Int(OnnxNode n, string name, long fallback) =>
        n.Attributes.TryGetValue(name, out var a) ? a.Int : fallback;

    private static float Float(OnnxNode n, string name, float fallback) =>
        n.Attributes.TryGetValue(name, out var a) ? a.Float : fallback;

    private static string Str(OnnxNode n, string name, string fallback) =>
        n.Attributes.TryGetValue(name, out var a) ? a.String : fallback;

    private static long[]? Ints(OnnxNode n, string name) =>
        n.Attributes.TryGetValue(name, out var a) ? a.Ints : null;

    private static int Axis(OnnxNode n, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw Error(n, $"axis {axis} is outside rank {rank}.");
        return (int)a;
    }

    private static void ExpectFloat(OnnxNode n, ImportValue v)
    {
        if (v.Type != ElementType.Float32 || v.Constant is { IsFloat: false })
            throw Unsupported(n, $"input '{v.Name}' is not float32 (only float models are imported).");
    }
}
