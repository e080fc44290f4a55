using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;

namespace EdgeConv.Runtime.Operations;

/// <summary>ADD, SUB and MUL, int8 or float32, same shape or 4-D broadcast.</summary>
internal sealed class BinaryElementwiseOperation : Operation, IRowParallel
{
    // Elements per parallel row of a vector ADD/SUB: a tensor of fewer than two of them runs on one thread, since
    // waking a worker costs about as much as the kernel takes for this many (~5 µs).
    private const int ParallelChunk = 16384;

    private readonly int _a, _b, _output;
    private readonly Shape4 _aShape, _bShape, _outShape;
    private readonly AddInt8Params _addOrSub;
    private readonly MulInt8Params _mul;
    private readonly bool _isFloat;
    private readonly BuiltinOp _op;
    private readonly AddInt8Vector128? _addVector;   // same-shape int8 ADD/SUB where Vector128 is accelerated and AVX2 is not
    private readonly AddInt8X86? _addX86;            // same-shape int8 ADD/SUB on AVX-512 or AVX2

    public BinaryElementwiseOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 2, 1);
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var output = ctx.Output(0);
        _op = ctx.Op.Op;
        (_aShape, _bShape, _outShape) = BroadcastShapes.Check(ctx, a, b, output);
        _a = a.Index;
        _b = b.Index;
        _output = output.Index;
        _isFloat = a.Type == ElementType.Float32;
        var act = ctx.Op.Options.Activation;
        if (_isFloat)
        {
            ctx.ExpectType(b, ElementType.Float32, "input 1");
            ctx.ExpectType(output, ElementType.Float32, "output");
            ctx.FloatActivationRange(act);
            return;
        }
        var (s1, z1) = ctx.Int8Quant(a, "input 0");
        var (s2, z2) = ctx.Int8Quant(b, "input 1");
        var (so, zo) = ctx.Int8Quant(output, "output");
        ctx.Int8ActivationRange(act, so, zo);
        switch (_op)
        {
            case BuiltinOp.Add: _addOrSub = ctx.Guard(() => AddInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act)); break;
            case BuiltinOp.Sub: _addOrSub = ctx.Guard(() => SubInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act)); break;
            default: _mul = ctx.Guard(() => MulInt8Reference.Prepare(s1, z1, s2, z2, so, zo, act)); break;
        }
        if (_op != BuiltinOp.Mul && _aShape == _bShape && AddInt8Vector128.IsApplicable(_addOrSub))
        {
            if (AddInt8X86.Best is { } isa)
                _addX86 = new AddInt8X86(_addOrSub, isa, subtract: _op == BuiltinOp.Sub);
            else if (Vector128.IsHardwareAccelerated)
                _addVector = new AddInt8Vector128(_addOrSub, subtract: _op == BuiltinOp.Sub);
        }
    }

    public override string KernelName => _op switch { BuiltinOp.Add => "Add", BuiltinOp.Sub => "Sub", _ => "Mul" }
        + (_isFloat ? "Float" : _addX86 is not null ? $"Int8X86({_addX86.Isa})" : _addVector is not null ? "Int8Vector128" : "Int8Reference") + (_aShape == _bShape ? "" : "(broadcast)");

    public override string Describe() => Info.Options.Activation.ToString();

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            ExecuteFloat(m, Info.Options.Activation);
            return;
        }
        if (_addX86 is not null || _addVector is not null)
        {
            ExecuteRows(m, 0, Math.Max(ParallelRows, 1), default);
            return;
        }
        var a = m.Read<sbyte>(_a);
        var b = m.Read<sbyte>(_b);
        var o = m.Write<sbyte>(_output);
        switch (_op)
        {
            case BuiltinOp.Add: AddInt8Reference.Run(_addOrSub, _aShape, a, _bShape, b, _outShape, o); break;
            case BuiltinOp.Sub: SubInt8Reference.Run(_addOrSub, _aShape, a, _bShape, b, _outShape, o); break;
            default: MulInt8Reference.Run(_mul, _aShape, a, _bShape, b, _outShape, o); break;
        }
    }

    /// <summary>A vector ADD/SUB splits its elements into rows of <see cref="ParallelChunk"/> (the last one takes the rest); other forms run whole.</summary>
    public int ParallelRows => _addX86 is not null || _addVector is not null ? _outShape.FlatSize / ParallelChunk : 0;

    public void ExecuteRows(TensorMemory m, int start, int end, Span<byte> scratch)
    {
        int n = _outShape.FlatSize;
        int from = start * ParallelChunk, to = end >= ParallelRows ? n : end * ParallelChunk;
        var a = m.Read<sbyte>(_a)[from..to];
        var b = m.Read<sbyte>(_b)[from..to];
        var o = m.Write<sbyte>(_output)[from..to];
        if (_addX86 is not null)
            _addX86.Run(a, b, o);
        else
            _addVector!.Run(a, b, o);
    }

    private void ExecuteFloat(TensorMemory m, FusedActivation act)
    {
        var a = m.Read<float>(_a);
        var b = m.Read<float>(_b);
        var o = m.Write<float>(_output);
        switch (_op)
        {
            case BuiltinOp.Add: AddFloat.Run(_aShape, a, _bShape, b, _outShape, o, act); break;
            case BuiltinOp.Sub: SubFloat.Run(_aShape, a, _bShape, b, _outShape, o, act); break;
            default: MulFloat.Run(_aShape, a, _bShape, b, _outShape, o, act); break;
        }
    }
}

/// <summary>SOFTMAX over the last dimension, int8 (TFLite's fixed-point exp) or float32.</summary>
internal sealed class SoftmaxOperation : Operation
{
    private readonly int _input, _output, _depth;
    private readonly SoftmaxInt8Params _params;
    private readonly bool _isFloat;

    public SoftmaxOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(1, 1, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectSameElements(input, output);
        if (input.Shape.Length == 0)
            throw ctx.Error($"input {input.Describe()} must have at least one dimension.");
        _depth = input.Shape[^1];
        ctx.ExpectPositive(_depth, "softmax depth");
        _input = input.Index;
        _output = output.Index;
        _isFloat = input.Type == ElementType.Float32;
        if (_isFloat)
        {
            ctx.ExpectType(output, ElementType.Float32, "output");
            return;
        }
        var (si, _) = ctx.Int8Quant(input, "input");
        var (so, zo) = ctx.Int8Quant(output, "output");
        float beta = ctx.Op.Options.Beta;
        _params = ctx.Guard(() => SoftmaxInt8Reference.Prepare(beta, si, so, zo));
    }

    public override string KernelName => _isFloat ? "SoftmaxFloat" : "SoftmaxInt8Reference";

    public override string Describe() => $"beta={Info.Options.Beta}";

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
            SoftmaxFloat.Run(m.Read<float>(_input), m.Write<float>(_output), _depth, Info.Options.Beta);
        else
            SoftmaxInt8Reference.Run(_params, m.Read<sbyte>(_input), m.Write<sbyte>(_output), _depth);
    }
}

/// <summary>LOGISTIC and HARD_SWISH, int8 (a table of the reference kernel, see <see cref="LookupTableInt8"/>) or float32.</summary>
internal sealed class ActivationOperation : Operation
{
    private readonly int _input, _output;
    private readonly LookupTableInt8? _table;
    private readonly bool _isLogistic;

    public ActivationOperation(PrepareContext ctx) : base(ctx.Op)
    {
        _isLogistic = ctx.Op.Op == BuiltinOp.Logistic;
        var u = ctx.Unary();
        (_input, _output) = (u.Input, u.Output);
        if (u.IsFloat)
            return;
        var (si, zi, so, zo) = (u.InputScale, u.InputZeroPoint, u.OutputScale, u.OutputZeroPoint);
        if (_isLogistic)
        {
            var p = ctx.Guard(() => LogisticInt8Reference.Prepare(si, zi, so, zo));
            _table = LookupTableInt8.Of((x, y) => LogisticInt8Reference.Run(p, x, y));
        }
        else
        {
            var p = ctx.Guard(() => HardSwishInt8Reference.Prepare(si, zi, so, zo));
            _table = LookupTableInt8.Of((x, y) => HardSwishInt8Reference.Run(p, x, y));
        }
    }

    public override string KernelName => _table?.Name ?? (_isLogistic ? "LogisticFloat" : "HardSwishFloat");

    public override void Execute(TensorMemory m)
    {
        if (_table is not null)
            _table.Run(m.Read<sbyte>(_input), m.Write<sbyte>(_output));
        else if (_isLogistic)
            LogisticFloat.Run(m.Read<float>(_input), m.Write<float>(_output));
        else
            HardSwishFloat.Run(m.Read<float>(_input), m.Write<float>(_output));
    }
}

/// <summary>MEAN over H and W of a 4-D NHWC tensor (keep_dims either way), int8 or float32.</summary>
internal sealed class MeanOperation : Operation
{
    private readonly int _input, _output;
    private readonly Shape4 _inShape;
    private readonly MeanInt8Params _params;
    private readonly bool _isFloat;
    private readonly MeanInt8Vector128? _optimized;   // int8 where Vector128 is accelerated

    public MeanOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 2, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectRank(input, 4, "input");
        int[] axes = ctx.ConstantInts(ctx.Input(1), "axis");
        var normalized = axes.Select(a => a < 0 ? a + 4 : a).Distinct().OrderBy(a => a).ToArray();
        if (!normalized.SequenceEqual([1, 2]))
            throw ctx.Error($"reduces over axes [{string.Join(',', axes)}]; only the spatial axes [1, 2] of an NHWC tensor are supported.");
        _inShape = Shape4.FromDims(input.Shape);
        if (output.ElementCount != _inShape.N * _inShape.C)
            throw ctx.Error($"output {output.Describe()} should hold {_inShape.N}x{_inShape.C} elements.");
        _input = input.Index;
        _output = output.Index;
        _isFloat = input.Type == ElementType.Float32;
        if (_isFloat)
        {
            ctx.ExpectType(output, ElementType.Float32, "output");
            return;
        }
        var (si, zi) = ctx.Int8Quant(input, "input");
        var (so, zo) = ctx.Int8Quant(output, "output");
        _params = ctx.Guard(() => MeanInt8Reference.Prepare(si, zi, so, zo));
        if (Vector128.IsHardwareAccelerated && MeanInt8Vector128.IsApplicable(_params, _inShape))
            _optimized = new MeanInt8Vector128(_params, _inShape);
    }

    public override string KernelName => _isFloat ? "MeanFloat" : _optimized is not null ? nameof(MeanInt8Vector128) : "MeanInt8Reference";

    public override long Macs => _inShape.FlatSize;

    public override string Describe() => $"axes=[1,2] keep_dims={Info.Options.KeepDims}";

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
            MeanFloat.Run(_inShape, m.Read<float>(_input), m.Write<float>(_output));
        else if (_optimized is not null)
            _optimized.Run(m.Read<sbyte>(_input), m.Write<sbyte>(_output));
        else
            MeanInt8Reference.Run(_params, _inShape, m.Read<sbyte>(_input), m.Write<sbyte>(_output));
    }
}

/// <summary>QUANTIZE (float32→int8, int8→int8 requantize) and DEQUANTIZE (int8→float32).</summary>
internal sealed class QuantizeOperation : Operation
{
    private readonly int _input, _output;
    private readonly QuantizeFloatParams _fromFloat;
    private readonly LookupTableInt8? _requantize;   // int8 -> int8: a table of the reference (see LookupTableInt8)
    private readonly DequantizeParams _dequantize;
    private readonly int _mode; // 0 float->int8, 1 int8->int8, 2 int8->float

    public QuantizeOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(1, 1, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectSameElements(input, output);
        _input = input.Index;
        _output = output.Index;
        if (ctx.Op.Op == BuiltinOp.Dequantize)
        {
            var (s, z) = ctx.Int8Quant(input, "input");
            ctx.ExpectType(output, ElementType.Float32, "output");
            _mode = 2;
            _dequantize = ctx.Guard(() => DequantizeReference.Prepare(s, z));
            return;
        }
        var (so, zo) = ctx.Int8Quant(output, "output");
        if (input.Type == ElementType.Float32)
        {
            _mode = 0;
            _fromFloat = ctx.Guard(() => QuantizeReference.PrepareFromFloat(so, zo));
        }
        else
        {
            var (si, zi) = ctx.Int8Quant(input, "input");
            _mode = 1;
            var p = ctx.Guard(() => QuantizeReference.PrepareRequantize(si, zi, so, zo));
            _requantize = LookupTableInt8.Of((x, y) => QuantizeReference.Run(p, x, y));
        }
    }

    public override string KernelName => _mode switch
    {
        0 => "QuantizeReference(float->int8)",
        1 => $"{_requantize!.Name}(int8->int8)",
        _ => "DequantizeReference",
    };

    public override void Execute(TensorMemory m)
    {
        switch (_mode)
        {
            case 0: QuantizeReference.Run(_fromFloat, m.Read<float>(_input), m.Write<sbyte>(_output)); break;
            case 1: _requantize!.Run(m.Read<sbyte>(_input), m.Write<sbyte>(_output)); break;
            default: DequantizeReference.Run(_dequantize, m.Read<sbyte>(_input), m.Write<float>(_output)); break;
        }
    }
}
