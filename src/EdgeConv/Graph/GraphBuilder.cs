using System.Runtime.InteropServices;
using EdgeConv.Quantization;

namespace EdgeConv.Graph;

/// <summary>
/// Builds a <see cref="ModelGraph"/> in code: tensors (constants get their bytes appended to one
/// data block) and ops in execution order. Used by the built-in demo, tests and tools.
/// </summary>
public sealed class GraphBuilder
{
    private readonly List<TensorInfo> _tensors = [];
    private readonly List<OperatorInfo> _ops = [];
    private readonly List<byte> _data = [];
    private readonly List<int> _inputs = [];
    private readonly List<int> _outputs = [];

    /// <summary>Adds a computed tensor; returns its index.</summary>
    public int AddTensor(string name, ElementType type, int[] shape, float scale = 0f, int zeroPoint = 0)
        => Add(name, type, shape, scale == 0f ? null : PerTensor(scale, zeroPoint), -1);

    /// <summary>Adds a constant tensor with raw little-endian bytes; returns its index.</summary>
    public int AddConstant(string name, ElementType type, int[] shape, ReadOnlySpan<byte> bytes, QuantizationInfo? quant = null)
    {
        // Keep constants 16-byte aligned inside the data block, as converters do.
        while (_data.Count % 16 != 0)
            _data.Add(0);
        int offset = _data.Count;
        _data.AddRange(bytes.ToArray());
        return Add(name, type, shape, quant, offset);
    }

    /// <summary>Adds an int8 constant.</summary>
    public int AddConstant(string name, int[] shape, ReadOnlySpan<sbyte> values, QuantizationInfo? quant)
        => AddConstant(name, ElementType.Int8, shape, MemoryMarshal.AsBytes(values), quant);

    /// <summary>Adds an int32 constant.</summary>
    public int AddConstant(string name, int[] shape, ReadOnlySpan<int> values, QuantizationInfo? quant = null)
        => AddConstant(name, ElementType.Int32, shape, MemoryMarshal.AsBytes(values), quant);

    /// <summary>Adds a float32 constant.</summary>
    public int AddConstant(string name, int[] shape, ReadOnlySpan<float> values)
        => AddConstant(name, ElementType.Float32, shape, MemoryMarshal.AsBytes(values), null);

    /// <summary>Appends an op.</summary>
    public int AddOp(BuiltinOp op, int[] inputs, int[] outputs, OpOptions? options = null)
    {
        _ops.Add(new OperatorInfo { Index = _ops.Count, Op = op, Inputs = inputs, Outputs = outputs, Options = options ?? new OpOptions() });
        return _ops.Count - 1;
    }

    /// <summary>Marks graph inputs.</summary>
    public void SetInputs(params int[] tensors) { _inputs.Clear(); _inputs.AddRange(tensors); }

    /// <summary>Marks graph outputs.</summary>
    public void SetOutputs(params int[] tensors) { _outputs.Clear(); _outputs.AddRange(tensors); }

    /// <summary>The tensor added at <paramref name="index"/>.</summary>
    public TensorInfo Tensor(int index) => _tensors[index];

    /// <summary>Finishes the graph.</summary>
    public ModelGraph Build(string name = "graph") => new()
    {
        Data = [.. _data],
        Tensors = [.. _tensors],
        Operators = [.. _ops],
        Inputs = [.. _inputs],
        Outputs = [.. _outputs],
        Name = name,
    };

    /// <summary>Per-tensor quantization.</summary>
    public static QuantizationInfo PerTensor(float scale, int zeroPoint) => new() { Scales = [scale], ZeroPoints = [zeroPoint] };

    /// <summary>Symmetric per-channel quantization along <paramref name="axis"/>.</summary>
    public static QuantizationInfo PerChannel(float[] scales, int axis) => new()
    {
        Scales = scales,
        ZeroPoints = new long[scales.Length],
        QuantizedDimension = axis,
    };

    private int Add(string name, ElementType type, int[] shape, QuantizationInfo? quant, int dataOffset)
    {
        _tensors.Add(new TensorInfo { Index = _tensors.Count, Name = name, Type = type, Shape = shape, Quantization = quant, DataOffset = dataOffset });
        return _tensors.Count - 1;
    }
}
