using System.Runtime.InteropServices;
using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Export;

/// <summary>
/// Writes an int8 <see cref="ModelGraph"/> (as <see cref="Quantization.GraphQuantizer"/> makes it) as
/// an ONNX model in QDQ form, so ONNX Runtime fuses it into its QLinear kernels and runs the same
/// int8 network as EdgeConv.
/// <list type="bullet">
/// <item>Every int8 tensor is an int8 ONNX value written by QuantizeLinear and read through
/// DequantizeLinear (its scale and zero point); each op computes in float between them, and a
/// fused activation is a Relu/Clip after the op, inside the pair. PAD, whose output keeps its
/// input's quantization, pads the int8 value itself with the quantized pad value.</item>
/// <item>Weights are int8 initializers with DequantizeLinear (per-channel: <c>axis</c> 0 of the
/// OIHW / [N, K] weight); biases are int32 initializers with DequantizeLinear at s_in·s_w.</item>
/// <item>Graph inputs and outputs keep the model's types and NHWC shapes: an int8 input is fed the
/// same bytes EdgeConv takes, an int8 output is the QuantizeLinear'd result.</item>
/// <item>Layout: Conv and pooling run NCHW. Each 4-D tensor is kept in the layout its producer
/// made; a consumer that needs the other one gets one Transpose, on the int8 value (pure data
/// movement, so results stay exact). Layout-neutral ops (Add, Mul, Sub, Concat, Pad, activations,
/// QuantizeLinear/DequantizeLinear) run in whichever layout their inputs have, so a chain of convs
/// is NCHW throughout and only the input and outputs are transposed.</item>
/// </list>
/// <see cref="QdqActivations.UInt8"/> writes the activations as uint8 (zero point + 128), which
/// ORT fuses on x86-64 whatever the fan-out. An op without a mapping throws
/// <see cref="QdqExportException"/> naming it.
/// </summary>
public static class QdqOnnxWriter
{
    /// <summary>The serialized ONNX model; <paramref name="activations"/> picks the QDQ type of int8 activations.</summary>
    public static byte[] Write(ModelGraph graph, QdqActivations activations = QdqActivations.Int8)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new Session(graph, activations == QdqActivations.UInt8).Run();
    }

    private static readonly int[] ToNchw = [0, 3, 1, 2];

    private sealed class Session
    {
        private readonly ModelGraph _g;
        private readonly OnnxModelWriter _w = new();
        private readonly string[] _names;
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);
        private readonly HashSet<int> _claimed = [];
        // The stored value (int8 for an int8 tensor, float for a float one) per (tensor, is NCHW).
        private readonly Dictionary<(int, bool), string> _stored = [];
        // The DequantizeLinear'd float view of a stored int8 value.
        private readonly Dictionary<(int, bool), string> _floatView = [];
        private readonly Dictionary<(int, bool), (string Scale, string ZeroPoint)> _qparams = [];
        private readonly bool _u8;
        private readonly HashSet<int> _weights = [];

        public Session(ModelGraph graph, bool uint8Activations)
        {
            _g = graph;
            _u8 = uint8Activations;
            foreach (var op in graph.Operators)
                if (op.Op is BuiltinOp.Conv2D or BuiltinOp.DepthwiseConv2D or BuiltinOp.FullyConnected && op.Inputs.Length > 1)
                    _weights.Add(op.Inputs[1]);
            _names = new string[graph.Tensors.Length];
            for (int i = 0; i < _names.Length; i++)
            {
                string n = graph.Tensors[i].Name;
                if (n.Length == 0 || !_used.Add(n))
                {
                    n = n.Length == 0 ? $"t{i}" : $"{n}#{i}";
                    _used.Add(n);
                }
                _names[i] = n;
            }
        }

        private TensorInfo T(int t) => _g.Tensors[t];

        public byte[] Run()
        {
            _w.GraphName = _g.Name;
            _w.Opset("", _g.Operators.Any(o => o.Op == BuiltinOp.HardSwish) ? 14 : 13);
            foreach (int t in _g.Inputs)
            {
                _w.Input(_names[t], DataType(T(t)), Dims(T(t).Shape));
                string input = Claim(t);
                if (IsUInt8(t))
                {
                    // The int8 input as uint8 (zero point + 128): exact, since q - z is the same integer.
                    var (s8, z8) = QParams(t, asUInt8: false);
                    var (s, z) = QParams(t);
                    string real = Fresh(input + "/dq");
                    Node("DequantizeLinear", [input, s8, z8], [real]);
                    input = Fresh(input + "/u8");
                    Node("QuantizeLinear", [real, s, z], [input]);
                }
                _stored[(t, false)] = input;
            }
            foreach (var op in _g.Operators)
                Emit(op);
            foreach (int t in _g.Outputs)
            {
                string v = Stored(t, nchw: false);
                if (IsUInt8(t))
                {
                    var (s, z) = QParams(t);
                    var (s8, z8) = QParams(t, asUInt8: false);
                    string real = Fresh(v + "/dq");
                    Node("DequantizeLinear", [v, s, z], [real]);
                    Node("QuantizeLinear", [real, s8, z8], [_names[t]]);
                }
                else if (v != _names[t])
                    Node("Identity", [v], [_names[t]]);
                _w.Output(_names[t], DataType(T(t)), Dims(T(t).Shape));
            }
            return _w.ToBytes();
        }

        /// <summary>True when an int8 activation (not a conv/FC weight) is written as uint8 with zero point + 128.</summary>
        private bool IsUInt8(int t) => _u8 && T(t).Type == ElementType.Int8 && !_weights.Contains(t) && T(t).Quantization is { IsPerChannel: false };

        // ---- names, nodes, constants ----

        private string Fresh(string baseName)
        {
            string n = baseName;
            for (int k = 1; !_used.Add(n); k++)
                n = $"{baseName}_{k}";
            return n;
        }

        /// <summary>The tensor's own name the first time (its NHWC value or initializer), a fresh one after.</summary>
        private string Claim(int t) => _claimed.Add(t) ? _names[t] : Fresh(_names[t]);

        private void Node(string opType, string[] inputs, string[] outputs, params OnnxAttr[] attributes) =>
            _w.Node(opType, inputs, outputs, Fresh(outputs[0] + "/" + opType), attributes);

        private string Initializer<T>(string baseName, OnnxDataType type, long[] dims, ReadOnlySpan<T> values) where T : struct
        {
            string name = Fresh(baseName);
            _w.Initializer(name, type, dims, MemoryMarshal.AsBytes(values));
            return name;
        }

        private string Int64s(string baseName, params long[] values) =>
            Initializer<long>(baseName, OnnxDataType.Int64, [values.Length], values);

        private string FloatScalar(string baseName, float value) =>
            Initializer<float>(baseName, OnnxDataType.Float, [], [value]);

        private static long[] Dims(int[] shape) => Array.ConvertAll(shape, d => (long)d);

        private static OnnxDataType DataType(TensorInfo t) => t.Type switch
        {
            ElementType.Float32 => OnnxDataType.Float,
            ElementType.Int8 => OnnxDataType.Int8,
            ElementType.Int32 => OnnxDataType.Int32,
            ElementType.Int64 => OnnxDataType.Int64,
            ElementType.UInt8 => OnnxDataType.UInt8,
            _ => throw new QdqExportException($"{t.Describe()}: element type {t.Type} has no ONNX export."),
        };

        private static bool IsQuantized(TensorInfo t) => t.Type is ElementType.Int8 or ElementType.Int32 && t.Quantization is not null;

        /// <summary>Scale and zero-point initializers of a tensor's quantization (1-D for per-channel).</summary>
        private (string Scale, string ZeroPoint) QParams(int t) => QParams(t, IsUInt8(t));

        private (string Scale, string ZeroPoint) QParams(int t, bool asUInt8)
        {
            var info = T(t);
            var q = info.Quantization ?? throw new QdqExportException($"{info.Describe()} is {info.Type} without quantization parameters.");
            if (_qparams.TryGetValue((t, asUInt8), out var p))
                return p;
            bool perChannel = q.IsPerChannel;
            long[] dims = perChannel ? [q.Scales.Length] : [];
            string scale = Initializer<float>(_names[t] + "/scale", OnnxDataType.Float, dims, perChannel ? q.Scales : [q.Scale]);
            string zp = info.Type == ElementType.Int32
                ? Initializer<int>(_names[t] + "/zero_point", OnnxDataType.Int32, dims, perChannel ? Array.ConvertAll(q.ZeroPoints, z => (int)z) : [q.ZeroPoint])
                : asUInt8
                    ? Initializer<byte>(_names[t] + "/zero_point", OnnxDataType.UInt8, dims, [(byte)(q.ZeroPoint + 128)])
                    : Initializer<sbyte>(_names[t] + "/zero_point", OnnxDataType.Int8, dims, perChannel ? Array.ConvertAll(q.ZeroPoints, z => (sbyte)z) : [(sbyte)q.ZeroPoint]);
            return _qparams[(t, asUInt8)] = (scale, zp);
        }

        private int[] Ints(int t)
        {
            var info = T(t);
            if (!info.IsConstant)
                throw new QdqExportException($"{info.Describe()} must be a constant.");
            var bytes = _g.ConstantBytes(info);
            return info.Type switch
            {
                ElementType.Int32 => MemoryMarshal.Cast<byte, int>(bytes).ToArray(),
                ElementType.Int64 => Array.ConvertAll(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), v => (int)v),
                _ => throw new QdqExportException($"{info.Describe()} must be an int32 or int64 constant."),
            };
        }

        // ---- values and layouts ----

        private bool Has(int t, bool nchw) => _stored.ContainsKey((t, nchw));

        /// <summary>NCHW when the tensor is 4-D and already there, so layout-neutral ops stay in the producer's layout.</summary>
        private bool Prefer(int t) => T(t).Shape.Length == 4 && Has(t, true);

        /// <summary>The stored value of a tensor in a layout, transposing (on the stored type) when only the other exists.</summary>
        private string Stored(int t, bool nchw)
        {
            if (_stored.TryGetValue((t, nchw), out string? v))
                return v;
            var info = T(t);
            if (info.IsConstant && !nchw)
                return _stored[(t, false)] = Constant(t);
            if (!_stored.TryGetValue((t, !nchw), out string? other))
                throw new QdqExportException($"{info.Describe()} is used before it is computed.");
            if (info.Shape.Length != 4)
                throw new QdqExportException($"{info.Describe()} is not 4-D and has no NCHW form.");
            string result = Target(t, nchw);
            Node("Transpose", [other], [result], OnnxAttr.Of("perm", nchw ? [0, 3, 1, 2] : [0L, 2, 3, 1]));
            return _stored[(t, nchw)] = result;
        }

        private string Constant(int t)
        {
            var info = T(t);
            string name = Claim(t);
            if (IsUInt8(t))
                _w.Initializer(name, OnnxDataType.UInt8, Dims(info.Shape), Array.ConvertAll(_g.ConstantBytes(info).ToArray(), v => (byte)(v ^ 0x80)));
            else
                _w.Initializer(name, DataType(info), Dims(info.Shape), _g.ConstantBytes(info));
            return name;
        }

        /// <summary>The float value an op reads: the stored float tensor, or DequantizeLinear of the int8/int32 one.</summary>
        private string Float(int t, bool nchw = false)
        {
            var info = T(t);
            if (info.Type == ElementType.Float32)
                return Stored(t, nchw);
            if (!IsQuantized(info))
                throw new QdqExportException($"{info.Describe()} is neither float nor quantized.");
            if (_floatView.TryGetValue((t, nchw), out string? f))
                return f;
            string stored = Stored(t, nchw);
            return _floatView[(t, nchw)] = Dequantize(stored, t);
        }

        /// <summary>DequantizeLinear of a value quantized like tensor <paramref name="quantizedLike"/>; per-channel on <paramref name="axis"/> (default: the tensor's own).</summary>
        private string Dequantize(string value, int quantizedLike, int? axis = null)
        {
            var (s, z) = QParams(quantizedLike);
            var q = T(quantizedLike).Quantization!;
            string result = Fresh(value + "/dq");
            if (q.IsPerChannel)
                Node("DequantizeLinear", [value, s, z], [result], OnnxAttr.Of("axis", (long)(axis ?? q.QuantizedDimension)));
            else
                Node("DequantizeLinear", [value, s, z], [result]);
            return result;
        }

        /// <summary>Stores an op's float result as tensor <paramref name="t"/>: QuantizeLinear for an int8 tensor, as is for a float one.</summary>
        private void Finish(int t, bool nchw, string floatValue)
        {
            var info = T(t);
            if (info.Type == ElementType.Float32)
            {
                _stored[(t, nchw)] = floatValue;
                return;
            }
            if (info.Type != ElementType.Int8 || info.Quantization is null || info.Quantization.IsPerChannel)
                throw new QdqExportException($"{info.Describe()}: an op output must be float32 or per-tensor int8.");
            string target = Target(t, nchw);
            var (s, z) = QParams(t);
            Node("QuantizeLinear", [floatValue, s, z], [target]);
            _stored[(t, nchw)] = target;
        }

        /// <summary>The name of a tensor's stored value in a layout: its own name for NHWC.</summary>
        private string Target(int t, bool nchw) =>
            nchw ? Fresh(_names[t] + "/nchw")
            : IsUInt8(t) && _g.Outputs.Contains(t) ? Fresh(_names[t] + "/u8") // the int8 output is converted from it at the end
            : Claim(t);

        private bool SameQuantization(int a, int b) =>
            T(a).Type == ElementType.Int8 && T(b).Type == ElementType.Int8
            && T(a).Quantization is { IsPerChannel: false } qa && T(b).Quantization is { IsPerChannel: false } qb
            && qa.Scale == qb.Scale && qa.ZeroPoint == qb.ZeroPoint;

        private string Out(int t, string what) => Fresh($"{_names[t]}/{what}");

        /// <summary>A fused activation as Relu/Clip on the op's float output (inside the QDQ pair).</summary>
        private string Activate(int t, string value, FusedActivation act)
        {
            (float lo, float hi) range;
            switch (act)
            {
                case FusedActivation.None:
                    return value;
                case FusedActivation.Relu:
                {
                    string r = Out(t, "relu");
                    Node("Relu", [value], [r]);
                    return r;
                }
                case FusedActivation.Relu6: range = (0f, 6f); break;
                case FusedActivation.ReluN1To1: range = (-1f, 1f); break;
                default:
                    throw new QdqExportException($"{T(t).Describe()}: fused activation {act} has no ONNX export.");
            }
            return Clip(t, value, range.lo, range.hi);
        }

        private string Clip(int t, string value, float lo, float hi)
        {
            string r = Out(t, "clip");
            Node("Clip", [value, FloatScalar(_names[t] + "/min", lo), FloatScalar(_names[t] + "/max", hi)], [r]);
            return r;
        }

        // ---- ops ----

        private void Emit(OperatorInfo op)
        {
            int output = op.Outputs[0];
            switch (op.Op)
            {
                case BuiltinOp.Conv2D:
                case BuiltinOp.DepthwiseConv2D:
                    EmitConv(op);
                    return;
                case BuiltinOp.FullyConnected:
                    EmitFullyConnected(op);
                    return;
                case BuiltinOp.AveragePool2D:
                case BuiltinOp.MaxPool2D:
                    EmitPool(op);
                    return;
                case BuiltinOp.Add:
                case BuiltinOp.Mul:
                case BuiltinOp.Sub:
                    EmitBinary(op);
                    return;
                case BuiltinOp.Mean:
                    EmitMean(op);
                    return;
                case BuiltinOp.Reshape:
                case BuiltinOp.Squeeze:
                {
                    string r = Out(output, "float");
                    Node("Reshape", [Float(op.Inputs[0]), Int64s(_names[output] + "/shape", Dims(T(output).Shape))], [r]);
                    Finish(output, false, r);
                    return;
                }
                case BuiltinOp.Transpose:
                {
                    string r = Out(output, "float");
                    Node("Transpose", [Float(op.Inputs[0])], [r], OnnxAttr.Of("perm", Array.ConvertAll(Ints(op.Inputs[1]), p => (long)p)));
                    Finish(output, false, r);
                    return;
                }
                case BuiltinOp.Pad:
                case BuiltinOp.PadV2:
                    EmitPad(op);
                    return;
                case BuiltinOp.Concatenation:
                    EmitConcat(op);
                    return;
                case BuiltinOp.Softmax:
                {
                    string x = Float(op.Inputs[0]);
                    if (op.Options.Beta is not (0f or 1f))
                    {
                        string scaled = Out(output, "beta");
                        Node("Mul", [x, FloatScalar(_names[output] + "/beta", op.Options.Beta)], [scaled]);
                        x = scaled;
                    }
                    string r = Out(output, "float");
                    Node("Softmax", [x], [r], OnnxAttr.Of("axis", -1L));
                    Finish(output, false, r);
                    return;
                }
                case BuiltinOp.Logistic: EmitUnary(op, "Sigmoid"); return;
                case BuiltinOp.HardSwish: EmitUnary(op, "HardSwish"); return;
                case BuiltinOp.Relu: EmitUnary(op, "Relu"); return;
                case BuiltinOp.LeakyRelu: EmitUnary(op, "LeakyRelu", OnnxAttr.Of("alpha", op.Options.Alpha)); return;
                case BuiltinOp.Relu6:
                case BuiltinOp.ReluN1To1:
                {
                    bool nchw = Prefer(op.Inputs[0]);
                    var (lo, hi) = op.Op == BuiltinOp.Relu6 ? (0f, 6f) : (-1f, 1f);
                    Finish(output, nchw, Clip(output, Float(op.Inputs[0], nchw), lo, hi));
                    return;
                }
                case BuiltinOp.Quantize:
                {
                    // float -> int8, or int8 -> int8 with new parameters (DequantizeLinear then QuantizeLinear).
                    bool nchw = Prefer(op.Inputs[0]);
                    Finish(output, nchw, Float(op.Inputs[0], nchw));
                    return;
                }
                case BuiltinOp.Dequantize:
                {
                    bool nchw = Prefer(op.Inputs[0]);
                    if (T(output).Type != ElementType.Float32)
                        throw new QdqExportException($"{op.Describe()}: output {T(output).Describe()} is not float32.");
                    Finish(output, nchw, Float(op.Inputs[0], nchw));
                    return;
                }
                default:
                    throw new QdqExportException($"{op.Describe()}: {BuiltinOpNames.Name(op.Op)} has no QDQ ONNX mapping.");
            }
        }

        private void EmitUnary(OperatorInfo op, string onnxOp, params OnnxAttr[] attributes)
        {
            int output = op.Outputs[0];
            bool nchw = Prefer(op.Inputs[0]);
            string r = Out(output, "float");
            Node(onnxOp, [Float(op.Inputs[0], nchw)], [r], attributes);
            Finish(output, nchw, Activate(output, r, op.Options.Activation));
        }

        /// <summary>TFLite SAME padding: total = max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0), the odd pixel after.</summary>
        private static (long Before, long After) SamePads(Padding padding, int input, int output, int kernel, int stride, int dilation)
        {
            if (padding == Padding.Valid)
                return (0, 0);
            long total = Math.Max((long)(output - 1) * stride + (long)(kernel - 1) * dilation + 1 - input, 0);
            return (total / 2, total - total / 2);
        }

        private OnnxAttr[] WindowAttributes(OperatorInfo op, int kh, int kw)
        {
            var o = op.Options;
            var input = T(op.Inputs[0]).Shape;
            var output = T(op.Outputs[0]).Shape;
            var (top, bottom) = SamePads(o.Padding, input[1], output[1], kh, o.StrideH, Math.Max(1, o.DilationH));
            var (left, right) = SamePads(o.Padding, input[2], output[2], kw, o.StrideW, Math.Max(1, o.DilationW));
            return
            [
                OnnxAttr.Of("kernel_shape", kh, kw),
                OnnxAttr.Of("strides", o.StrideH, o.StrideW),
                OnnxAttr.Of("pads", top, left, bottom, right),
            ];
        }

        private void EmitConv(OperatorInfo op)
        {
            int output = op.Outputs[0];
            var input = T(op.Inputs[0]);
            var filter = T(op.Inputs[1]);
            if (input.Shape.Length != 4 || filter.Shape.Length != 4 || !filter.IsConstant)
                throw new QdqExportException($"{op.Describe()}: expects a 4-D input and a constant 4-D filter.");
            bool depthwise = op.Op == BuiltinOp.DepthwiseConv2D;
            int kh = filter.Shape[1], kw = filter.Shape[2];
            int outC = depthwise ? filter.Shape[3] : filter.Shape[0];
            int inPerGroup = depthwise ? 1 : filter.Shape[3];
            int group = depthwise ? input.Shape[3] : input.Shape[3] / inPerGroup;

            // OHWI -> OIHW; depthwise [1, kh, kw, C·M] -> [C·M, 1, kh, kw]. Per-channel axis becomes 0.
            int size = ElementTypeInfo.SizeOf(filter.Type);
            var src = _g.ConstantBytes(filter);
            var dst = new byte[src.Length];
            for (int o = 0; o < outC; o++)
                for (int i = 0; i < inPerGroup; i++)
                    for (int y = 0; y < kh; y++)
                        for (int x = 0; x < kw; x++)
                        {
                            int from = depthwise ? ((y * kw + x) * outC + o) : (((o * kh + y) * kw + x) * inPerGroup + i);
                            int to = ((o * inPerGroup + i) * kh + y) * kw + x;
                            src.Slice(from * size, size).CopyTo(dst.AsSpan(to * size));
                        }
            string weights = Claim(op.Inputs[1]);
            _w.Initializer(weights, DataType(filter), [outC, inPerGroup, kh, kw], dst);
            if (filter.Type != ElementType.Float32)
                weights = Dequantize(weights, op.Inputs[1], axis: 0);

            var inputs = new List<string> { Float(op.Inputs[0], nchw: true), weights };
            if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
                inputs.Add(Float(op.Inputs[2]));
            var attributes = WindowAttributes(op, kh, kw).Append(OnnxAttr.Of("dilations", Math.Max(1, op.Options.DilationH), Math.Max(1, op.Options.DilationW)))
                .Append(OnnxAttr.Of("group", (long)group)).ToArray();
            string r = Out(output, "float");
            Node("Conv", [.. inputs], [r], attributes);
            Finish(output, true, Activate(output, r, op.Options.Activation));
        }

        private void EmitPool(OperatorInfo op)
        {
            int output = op.Outputs[0];
            if (T(op.Inputs[0]).Shape.Length != 4)
                throw new QdqExportException($"{op.Describe()}: expects a 4-D input.");
            var attributes = WindowAttributes(op, op.Options.FilterH, op.Options.FilterW).ToList();
            bool average = op.Op == BuiltinOp.AveragePool2D;
            if (average)
                attributes.Add(OnnxAttr.Of("count_include_pad", 0L));
            string r = Out(output, "float");
            Node(average ? "AveragePool" : "MaxPool", [Float(op.Inputs[0], nchw: true)], [r], [.. attributes]);
            Finish(output, true, Activate(output, r, op.Options.Activation));
        }

        private void EmitFullyConnected(OperatorInfo op)
        {
            int output = op.Outputs[0];
            var filter = T(op.Inputs[1]);
            if (filter.Shape.Length != 2 || !filter.IsConstant)
                throw new QdqExportException($"{op.Describe()}: expects a constant [N, K] filter.");
            int n = filter.Shape[0], k = filter.Shape[1];
            var input = T(op.Inputs[0]);
            string x;
            if (input.Shape.Length == 2 && input.Shape[1] == k)
                x = Float(op.Inputs[0]);
            else
            {
                // FULLY_CONNECTED flattens its input to [-1, K]: reshape the stored (int8) value, then dequantize.
                string flat = Fresh(_names[op.Inputs[0]] + "/flat");
                Node("Reshape", [Stored(op.Inputs[0], false), Int64s(_names[op.Inputs[0]] + "/flat_shape", -1, k)], [flat]);
                x = input.Type == ElementType.Float32 ? flat : Dequantize(flat, op.Inputs[0]);
            }
            var inputs = new List<string> { x, Float(op.Inputs[1]) };
            if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
                inputs.Add(Float(op.Inputs[2]));
            string r = Out(output, "float");
            Node("Gemm", [.. inputs], [r], OnnxAttr.Of("transB", 1L));
            string y = Activate(output, r, op.Options.Activation);
            var shape = T(output).Shape;
            if (shape.Length == 2 && shape[1] == n)
            {
                Finish(output, false, y);
                return;
            }
            // keep_num_dims or a batch folded differently: quantize [B, N], then reshape the int8 value.
            string q = y;
            if (T(output).Type != ElementType.Float32)
            {
                var (s, z) = QParams(output);
                q = Out(output, "2d");
                Node("QuantizeLinear", [y, s, z], [q]);
            }
            string target = Target(output, false);
            Node("Reshape", [q, Int64s(_names[output] + "/shape", Dims(shape))], [target]);
            _stored[(output, false)] = target;
        }

        private bool ElementwiseNchw(OperatorInfo op) =>
            T(op.Outputs[0]).Shape.Length == 4
            && op.Inputs.All(i => i >= 0 && !T(i).IsConstant && T(i).Shape.SequenceEqual(T(op.Outputs[0]).Shape) && Has(i, true));

        private void EmitBinary(OperatorInfo op)
        {
            int output = op.Outputs[0];
            bool nchw = ElementwiseNchw(op);
            string r = Out(output, "float");
            string onnxOp = op.Op switch { BuiltinOp.Add => "Add", BuiltinOp.Mul => "Mul", _ => "Sub" };
            Node(onnxOp, [Float(op.Inputs[0], nchw), Float(op.Inputs[1], nchw)], [r]);
            Finish(output, nchw, Activate(output, r, op.Options.Activation));
        }

        private void EmitMean(OperatorInfo op)
        {
            int output = op.Outputs[0];
            var input = T(op.Inputs[0]);
            int rank = input.Shape.Length;
            var axes = Ints(op.Inputs[1]).Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
            string r = Out(output, "float");
            if (rank == 4 && axes.SequenceEqual([1, 2]))
            {
                // Mean over H, W: GlobalAveragePool in NCHW; [N, C, 1, 1] is the NCHW form of [N, 1, 1, C].
                Node("GlobalAveragePool", [Float(op.Inputs[0], nchw: true)], [r]);
                if (op.Options.KeepDims)
                {
                    Finish(output, true, r);
                    return;
                }
                string flat = Out(output, "flat");
                Node("Reshape", [r, Int64s(_names[output] + "/shape", Dims(T(output).Shape))], [flat]);
                Finish(output, false, flat);
                return;
            }
            Node("ReduceMean", [Float(op.Inputs[0])], [r],
                OnnxAttr.Of("axes", Array.ConvertAll(axes, a => (long)a)), OnnxAttr.Of("keepdims", op.Options.KeepDims ? 1L : 0L));
            Finish(output, false, r);
        }

        private void EmitPad(OperatorInfo op)
        {
            int output = op.Outputs[0];
            var input = T(op.Inputs[0]);
            int rank = input.Shape.Length;
            var paddings = Ints(op.Inputs[1]);
            if (paddings.Length != rank * 2)
                throw new QdqExportException($"{op.Describe()}: paddings {T(op.Inputs[1]).Describe()} are not [{rank}, 2].");
            bool nchw = Prefer(op.Inputs[0]);
            var pads = new long[rank * 2];
            for (int d = 0; d < rank; d++)
            {
                int from = nchw ? ToNchw[d] : d;
                pads[d] = paddings[from * 2];
                pads[rank + d] = paddings[from * 2 + 1];
            }
            float value = 0f;
            if (op.Op == BuiltinOp.PadV2 && op.Inputs.Length > 2 && op.Inputs[2] >= 0)
            {
                var c = T(op.Inputs[2]);
                var bytes = _g.ConstantBytes(c);
                value = c.Type switch
                {
                    ElementType.Float32 => MemoryMarshal.Read<float>(bytes),
                    ElementType.Int8 when c.Quantization is { } q => ((sbyte)bytes[0] - q.ZeroPoint) * q.Scale,
                    _ => throw new QdqExportException($"{op.Describe()}: pad value {c.Describe()} is neither float nor quantized int8."),
                };
            }
            string padsName = Int64s(_names[output] + "/pads", pads);
            if (SameQuantization(op.Inputs[0], output) && T(output).Quantization is { } oq)
            {
                // Pure data movement: ORT's int8 Pad on the int8 value, padding with the quantized pad value (real 0 -> the zero point).
                sbyte qValue = (sbyte)Quantization.QuantParams.Quantize(value, oq.Scale, oq.ZeroPoint, -128, 127);
                string target = Target(output, nchw);
                string padValue = IsUInt8(output)
                    ? Initializer<byte>(_names[output] + "/pad_value", OnnxDataType.UInt8, [], [(byte)(qValue + 128)])
                    : Initializer<sbyte>(_names[output] + "/pad_value", OnnxDataType.Int8, [], [qValue]);
                Node("Pad", [Stored(op.Inputs[0], nchw), padsName, padValue], [target]);
                _stored[(output, nchw)] = target;
                return;
            }
            string r = Out(output, "float");
            Node("Pad", [Float(op.Inputs[0], nchw), padsName, FloatScalar(_names[output] + "/pad_value", value)], [r]);
            Finish(output, nchw, r);
        }

        private void EmitConcat(OperatorInfo op)
        {
            int output = op.Outputs[0];
            int rank = T(output).Shape.Length;
            int axis = op.Options.Axis < 0 ? op.Options.Axis + rank : op.Options.Axis;
            bool nchw = rank == 4 && op.Inputs.All(i => !T(i).IsConstant && Has(i, true));
            long onnxAxis = nchw ? Array.IndexOf(ToNchw, axis) : axis;
            string r = Out(output, "float");
            Node("Concat", op.Inputs.Select(i => Float(i, nchw)).ToArray(), [r], OnnxAttr.Of("axis", onnxAxis));
            Finish(output, nchw, Activate(output, r, op.Options.Activation));
        }
    }
}

/// <summary>The ONNX type int8 activations get in the QDQ model.</summary>
public enum QdqActivations
{
    /// <summary>int8 with the model's zero points, as in the .tflite.</summary>
    Int8,
    /// <summary>
    /// uint8 with zero point + 128 (the same real values): ONNX Runtime on x86-64 fuses uint8
    /// groups whatever their fan-out, where int8 ones it only fuses on ARM64 by default.
    /// Inputs and outputs stay int8.
    /// </summary>
    UInt8,
}

/// <summary>The int8 graph cannot be written as QDQ ONNX; the message names the op or tensor.</summary>
public sealed class QdqExportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QdqExportException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public QdqExportException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an empty exception.</summary>
    public QdqExportException() { }
}
