using System.Runtime.InteropServices;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>
/// ONNX test graphs: nodes with int/ints/float/string attributes, float and int64 initializers,
/// float inputs and outputs, written with the quantizer's <see cref="OnnxModelWriter"/>.
/// </summary>
internal sealed class OnnxTestModel
{
    private readonly List<Action<OnnxModelWriter>> _nodes = [];
    private readonly List<(string Name, int[] Dims, float[] Values)> _initializers = [];
    private readonly List<(string Name, long[] Values, bool Scalar)> _intInitializers = [];
    private readonly List<(string Name, int[] Dims)> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly Random _rng;

    public OnnxTestModel(int seed) => _rng = new Random(seed);

    public OnnxTestModel Input(string name, params int[] dims) { _inputs.Add((name, dims)); return this; }

    public OnnxTestModel Output(string name) { _outputs.Add(name); return this; }

    public string Weight(string name, int[] dims, float min = -1f, float max = 1f)
    {
        int n = dims.Aggregate(1, (a, b) => a * b);
        _initializers.Add((name, dims, Enumerable.Range(0, n).Select(_ => min + (float)_rng.NextDouble() * (max - min)).ToArray()));
        return name;
    }

    public string Constant(string name, int[] dims, float[] values) { _initializers.Add((name, dims, values)); return name; }

    /// <summary>A 1-D int64 initializer (pads, shapes, axes).</summary>
    public string Ints(string name, params long[] values) { _intInitializers.Add((name, values, false)); return name; }

    /// <summary>A 0-D int64 initializer (e.g. a Gather index).</summary>
    public string Int64Scalar(string name, long value) { _intInitializers.Add((name, [value], true)); return name; }

    public OnnxTestModel Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var attrs = attributes.Select(a => a.Value switch
        {
            int i => OnnxAttr.Of(a.Name, (long)i),
            float f => OnnxAttr.Of(a.Name, f),
            string str => OnnxAttr.Of(a.Name, str),
            int[] ints => OnnxAttr.Of(a.Name, Array.ConvertAll(ints, v => (long)v)),
            _ => throw new ArgumentException($"attribute {a.Name}: {a.Value.GetType()}"),
        }).ToArray();
        _nodes.Add(w => w.Node(opType, inputs, outputs, outputs[0] + "_node", attrs));
        return this;
    }

    /// <summary>The model, written by the quantizer's own <see cref="OnnxModelWriter"/>.</summary>
    public byte[] ToBytes(int opset = 13)
    {
        var w = new OnnxModelWriter { GraphName = "test" };
        w.Opset("", opset);
        foreach (var node in _nodes)
            node(w);
        foreach (var (name, dims, values) in _initializers)
            w.Initializer(name, OnnxDataType.Float, Array.ConvertAll(dims, d => (long)d), MemoryMarshal.AsBytes(values.AsSpan()));
        foreach (var (name, values, scalar) in _intInitializers)
            w.Initializer(name, OnnxDataType.Int64, scalar ? [] : [values.Length], MemoryMarshal.AsBytes(values.AsSpan()));
        foreach (var (name, dims) in _inputs)
            w.Input(name, OnnxDataType.Float, Array.ConvertAll(dims, d => (long)d));
        foreach (string name in _outputs)
            w.Output(name, OnnxDataType.Float, null);
        return w.ToBytes();
    }

    /// <summary>
    /// The model with extra graph outputs (intermediate values), for checking a prefix of a real
    /// model against ONNX Runtime: protobuf merges a repeated occurrence of the graph field, so
    /// appending <c>graph { output {...} }</c> adds outputs without re-encoding the model.
    /// </summary>
    public static byte[] WithExtraOutputs(byte[] model, params string[] names)
    {
        var reader = OnnxModelReader.Read(model);
        var w = new OnnxModelWriter { GraphName = reader.Graph.Name, IrVersion = reader.IrVersion, Producer = reader.ProducerName };
        foreach (string name in names)
            w.Output(name, OnnxDataType.Float, null);
        return [.. model, .. w.ToBytes()];
    }
}
