using System.Runtime.InteropServices;
using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Calibration;

namespace EdgeConv.Quantizer.Quantization;

/// <summary>
/// Rewrites a float graph as TFLite's full-integer int8 graph: symmetric per-channel int8 weights,
/// int32 biases at s_in·s_w, asymmetric int8 activations from calibration, the fixed output
/// quantization TFLite requires (softmax, logistic), shared quantization where TFLite requires it
/// (pooling, reshape, pad, transpose, slice, resize, RELU6, maximum/minimum, concatenation), and
/// float islands (QUANTIZE/DEQUANTIZE around them) for excluded ops and ops without an int8 rule
/// (EQUAL, CAST).
/// </summary>
public sealed class GraphQuantizer
{
    private readonly ModelGraph _float;
    private readonly IReadOnlyDictionary<int, TensorStatistics> _stats;
    private readonly QuantizationOptions _options;
    private readonly GraphBuilder _b = new();
    // Where each float tensor lives in the new graph: as int8 and/or float.
    private readonly Dictionary<int, int> _int8 = [];
    private readonly Dictionary<int, int> _asFloat = [];

    private GraphQuantizer(ModelGraph floatGraph, IReadOnlyDictionary<int, TensorStatistics> stats, QuantizationOptions options)
    {
        _float = floatGraph;
        _stats = stats;
        _options = options;
    }

    /// <summary>Quantizes <paramref name="floatGraph"/> with activation statistics from calibration.</summary>
    public static ModelGraph Quantize(ModelGraph floatGraph, IReadOnlyDictionary<int, TensorStatistics> stats, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(floatGraph);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(options);
        return new GraphQuantizer(floatGraph, stats, options).Run();
    }

    private ModelGraph Run()
    {
        var inputs = new List<int>();
        foreach (int t in _float.Inputs)
        {
            var info = _float.Tensors[t];
            if (info.Type != ElementType.Float32)
                throw new QuantizationException($"graph input {info.Describe()} is not float32.");
            if (_options.FloatInputs)
                inputs.Add(_asFloat[t] = _b.AddTensor(info.Name, ElementType.Float32, info.Shape));
            else
            {
                var (s, z) = RangeQuant(t);
                inputs.Add(_int8[t] = _b.AddTensor(info.Name, ElementType.Int8, info.Shape, s, z));
            }
        }
        foreach (var op in _float.Operators)
        {
            bool excluded = op.Outputs.Any(o => _options.ExcludedOutputs.Contains(_float.Tensors[o].Name));
            if (excluded)
                EmitFloat(op);
            else
                EmitInt8(op);
        }
        var outputs = _float.Outputs.Select(t => _options.FloatOutputs ? AsFloat(t) : AsInt8(t)).ToArray();
        _b.SetInputs([.. inputs]);
        _b.SetOutputs(outputs);
        return _b.Build(_float.Name);
    }

    private TensorInfo T(int index) => _float.Tensors[index];

    private (float Scale, int ZeroPoint) RangeQuant(int tensor, FusedActivation act = FusedActivation.None)
    {
        if (!_stats.TryGetValue(tensor, out var s))
            throw new QuantizationException($"{T(tensor).Describe()} has no calibration statistics.");
        var (lo, hi) = RangeSelector.Select(s, _options.Method, _options.Percentile);
        (lo, hi) = act switch
        {
            FusedActivation.Relu => (Math.Max(lo, 0), hi),
            FusedActivation.Relu6 => (Math.Max(lo, 0), Math.Min(hi, 6)),
            FusedActivation.ReluN1To1 => (Math.Max(lo, -1), Math.Min(hi, 1)),
            _ => (lo, hi),
        };
        return QuantParams.Activation(lo, hi);
    }

    /// <summary>The int8 form of a float tensor, inserting QUANTIZE after a float producer or quantizing a constant.</summary>
    private int AsInt8(int t)
    {
        if (_int8.TryGetValue(t, out int q))
            return q;
        var info = T(t);
        if (info.IsConstant)
        {
            var values = MemoryMarshal.Cast<byte, float>(_float.ConstantBytes(info)).ToArray();
            var (s, z) = QuantParams.Activation(values.Min(), values.Max());
            var qv = values.Select(v => (sbyte)QuantParams.Quantize(v, s, z, -128, 127)).ToArray();
            return _int8[t] = _b.AddConstant(info.Name, info.Shape, qv, GraphBuilder.PerTensor(s, z));
        }
        var (scale, zp) = RangeQuant(t);
        int result = _b.AddTensor(info.Name + "/quantized", ElementType.Int8, info.Shape, scale, zp);
        _b.AddOp(BuiltinOp.Quantize, [AsFloat(t)], [result]);
        return _int8[t] = result;
    }

    /// <summary>The float form of a tensor, inserting DEQUANTIZE after an int8 producer.</summary>
    private int AsFloat(int t)
    {
        if (_asFloat.TryGetValue(t, out int f))
            return f;
        var info = T(t);
        if (info.IsConstant)
            return _asFloat[t] = CopyConstant(t);
        if (!_int8.TryGetValue(t, out int q))
            throw new QuantizationException($"{info.Describe()} is used before it is computed.");
        int result = _b.AddTensor(info.Name + "/dequantized", ElementType.Float32, info.Shape);
        _b.AddOp(BuiltinOp.Dequantize, [q], [result]);
        return _asFloat[t] = result;
    }

    private int CopyConstant(int t)
    {
        var info = T(t);
        return _b.AddConstant(info.Name, info.Type, info.Shape, _float.ConstantBytes(info), info.Quantization);
    }

    private void EmitFloat(OperatorInfo op)
    {
        var inputs = op.Inputs.Select(i => i < 0 ? -1 : AsFloat(i)).ToArray();
        var outputs = op.Outputs.Select(o => _asFloat[o] = _b.AddTensor(T(o).Name, T(o).Type, T(o).Shape)).ToArray();
        _b.AddOp(op.Op, inputs, outputs, op.Options);
    }

    private int NewInt8Output(int t, float scale, int zp) =>
        _int8[t] = _b.AddTensor(T(t).Name, ElementType.Int8, T(t).Shape, scale, zp);

    private void EmitInt8(OperatorInfo op)
    {
        int output = op.Outputs[0];
        var act = op.Options.Activation;
        switch (op.Op)
        {
            case BuiltinOp.Conv2D:
            case BuiltinOp.DepthwiseConv2D:
            case BuiltinOp.FullyConnected:
                EmitConvLike(op);
                return;
            case BuiltinOp.AveragePool2D:
            case BuiltinOp.MaxPool2D:
            case BuiltinOp.Reshape:
            case BuiltinOp.Squeeze:
            case BuiltinOp.Pad:
            case BuiltinOp.PadV2:
            case BuiltinOp.Transpose:
            case BuiltinOp.Slice:
            case BuiltinOp.ResizeNearestNeighbor:
            case BuiltinOp.ResizeBilinear:
            case BuiltinOp.Relu6:
            {
                // TFLite requires these to keep their input's quantization (RELU6 and the resizes as
                // TFLite Micro's int8 kernels assume; RELU6's own clamp then narrows nothing it needs).
                int input = AsInt8(op.Inputs[0]);
                var q = _b.Tensor(input).Quantization!;
                var rest = op.Inputs.Skip(1).Select(i => i < 0 ? -1 : PassThroughConstant(i, q));
                int result = NewInt8Output(output, q.Scale, q.ZeroPoint);
                _b.AddOp(op.Op, [input, .. rest], [result], op.Options);
                return;
            }
            case BuiltinOp.Concatenation:
            {
                var ins = op.Inputs.Select(AsInt8).ToArray();
                float lo = float.MaxValue, hi = float.MinValue;
                foreach (int i in ins)
                {
                    var q = _b.Tensor(i).Quantization!;
                    lo = Math.Min(lo, q.Scale * (-128 - q.ZeroPoint));
                    hi = Math.Max(hi, q.Scale * (127 - q.ZeroPoint));
                }
                var (s, z) = QuantParams.Activation(lo, hi);
                var aligned = ins.Select(i => Requantize(i, s, z)).ToArray();
                _b.AddOp(op.Op, aligned, [NewInt8Output(output, s, z)], op.Options);
                return;
            }
            case BuiltinOp.Maximum:
            case BuiltinOp.Minimum:
            {
                // The int8 kernel compares raw values: both inputs and the output share input 0's
                // quantization (a clamp bound is quantized into it; a computed input is requantized).
                int first = AsInt8(op.Inputs[0]);
                var q = _b.Tensor(first).Quantization!;
                int second = T(op.Inputs[1]).IsConstant
                    ? PassThroughConstant(op.Inputs[1], q)
                    : Requantize(AsInt8(op.Inputs[1]), q.Scale, q.ZeroPoint);
                _b.AddOp(op.Op, [first, second], [NewInt8Output(output, q.Scale, q.ZeroPoint)], op.Options);
                return;
            }
            case BuiltinOp.Softmax:
            case BuiltinOp.Logistic:
                _b.AddOp(op.Op, [AsInt8(op.Inputs[0])], [NewInt8Output(output, 1f / 256f, -128)], op.Options);
                return;
            case BuiltinOp.Add:
            case BuiltinOp.Sub:
            case BuiltinOp.Mul:
            case BuiltinOp.HardSwish:
            case BuiltinOp.Mean:
            case BuiltinOp.Relu:
            case BuiltinOp.ReluN1To1:
            case BuiltinOp.LeakyRelu:
            {
                // Ops that rescale: the output gets its own calibrated range (RELU and RELU_N1_TO_1
                // narrowed to their bounds).
                var ins = op.Inputs.Select(i => i >= 0 && T(i).Type != ElementType.Float32 ? CopyConstant(i) : AsInt8(i)).ToArray();
                var bound = op.Op switch { BuiltinOp.Relu => FusedActivation.Relu, BuiltinOp.ReluN1To1 => FusedActivation.ReluN1To1, _ => act };
                var (s, z) = RangeQuant(output, bound);
                _b.AddOp(op.Op, ins, [NewInt8Output(output, s, z)], op.Options);
                return;
            }
            default:
                // Anything without an int8 rule here runs in float between QUANTIZE/DEQUANTIZE.
                EmitFloat(op);
                return;
        }
    }

    /// <summary>Integer side inputs (shape, perm, paddings, axes) are copied; a float pad constant is quantized like the input.</summary>
    private int PassThroughConstant(int t, QuantizationInfo q)
    {
        var info = T(t);
        if (info.Type != ElementType.Float32)
            return CopyConstant(t);
        var values = MemoryMarshal.Cast<byte, float>(_float.ConstantBytes(info)).ToArray();
        var qv = values.Select(v => (sbyte)QuantParams.Quantize(v, q.Scale, q.ZeroPoint, -128, 127)).ToArray();
        return _b.AddConstant(info.Name, info.Shape, qv, GraphBuilder.PerTensor(q.Scale, q.ZeroPoint));
    }

    private int Requantize(int int8Tensor, float scale, int zp)
    {
        var info = _b.Tensor(int8Tensor);
        var q = info.Quantization!;
        if (q.Scale == scale && q.ZeroPoint == zp)
            return int8Tensor;
        int result = _b.AddTensor(info.Name + "/requantized", ElementType.Int8, info.Shape, scale, zp);
        _b.AddOp(BuiltinOp.Quantize, [int8Tensor], [result]);
        return result;
    }

    private void EmitConvLike(OperatorInfo op)
    {
        int input = AsInt8(op.Inputs[0]);
        var inQ = _b.Tensor(input).Quantization!;
        var filter = T(op.Inputs[1]);
        if (!filter.IsConstant || filter.Type != ElementType.Float32)
            throw new QuantizationException($"{op.Describe()}: filter {filter.Describe()} must be a float constant.");
        int axis = op.Op == BuiltinOp.DepthwiseConv2D ? 3 : 0;
        int channels = filter.Shape[axis];
        var w = MemoryMarshal.Cast<byte, float>(_float.ConstantBytes(filter)).ToArray();
        int inner = 1;
        for (int d = axis + 1; d < filter.Shape.Length; d++)
            inner *= filter.Shape[d];
        int ChannelOf(int i) => i / inner % channels;

        var maxAbs = new float[channels];
        for (int i = 0; i < w.Length; i++)
            maxAbs[ChannelOf(i)] = Math.Max(maxAbs[ChannelOf(i)], Math.Abs(w[i]));
        if (_options.PerTensorWeights)
            Array.Fill(maxAbs, maxAbs.Max());
        var scales = maxAbs.Select(QuantParams.WeightScale).ToArray();
        var qw = new sbyte[w.Length];
        for (int i = 0; i < w.Length; i++)
            qw[i] = (sbyte)QuantParams.Quantize(w[i], scales[ChannelOf(i)], 0, -127, 127);
        var wq = _options.PerTensorWeights ? GraphBuilder.PerTensor(scales[0], 0) : GraphBuilder.PerChannel(scales, axis);
        int filterIndex = _b.AddConstant(filter.Name, filter.Shape, qw, wq);

        float[] bias = new float[channels];
        var biasInfo = op.Inputs.Length > 2 && op.Inputs[2] >= 0 ? T(op.Inputs[2]) : null;
        if (biasInfo is not null)
            MemoryMarshal.Cast<byte, float>(_float.ConstantBytes(biasInfo)).CopyTo(bias);
        if (_options.BiasCorrection)
            CorrectBias(op, filter, w, qw, scales, bias, ChannelOf);
        var qb = new int[channels];
        for (int c = 0; c < channels; c++)
            qb[c] = QuantParams.Bias(bias[c], inQ.Scale, scales[c]);
        int biasIndex = _b.AddConstant(biasInfo?.Name ?? filter.Name + "/bias", [channels], qb,
            GraphBuilder.PerChannel(scales.Select(s => s * inQ.Scale).ToArray(), 0));

        var (os, oz) = RangeQuant(op.Outputs[0], op.Options.Activation);
        _b.AddOp(op.Op, [input, filterIndex, biasIndex], [NewInt8Output(op.Outputs[0], os, oz)], op.Options);
    }

    /// <summary>Subtracts E[(W_q·s − W)·x] per output channel, using per-channel input means from calibration.</summary>
    private void CorrectBias(OperatorInfo op, TensorInfo filter, float[] w, sbyte[] qw, float[] scales, float[] bias, Func<int, int> channelOf)
    {
        if (!_stats.TryGetValue(op.Inputs[0], out var s) || s.ChannelMeans is not { } means)
            return;
        int cin = means.Length;
        int filterDepth = filter.Shape[^1];
        int outputs = bias.Length;
        var shift = new double[outputs];
        for (int i = 0; i < w.Length; i++)
        {
            int c = channelOf(i);
            int inChannel = op.Op switch
            {
                // [1, kh, kw, Cin*M]: output channel oc reads input channel oc / M.
                BuiltinOp.DepthwiseConv2D => i % filterDepth / Math.Max(1, filterDepth / cin),
                // [O, kh, kw, Cin/groups]: output channel c belongs to group c / (O / groups).
                BuiltinOp.Conv2D => c / Math.Max(1, outputs / Math.Max(1, cin / filterDepth)) * filterDepth + i % filterDepth,
                _ => i % filterDepth,
            };
            if ((uint)inChannel >= (uint)cin)
                return; // the input's channel layout is not what this op reads; leave the bias alone
            shift[c] += (qw[i] * (double)scales[c] - w[i]) * means[inChannel];
        }
        for (int c = 0; c < outputs; c++)
            bias[c] -= (float)shift[c];
    }
}

/// <summary>The float graph cannot be quantized as asked; the message names the op or tensor.</summary>
public sealed class QuantizationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuantizationException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public QuantizationException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an empty exception.</summary>
    public QuantizationException() { }
}
