using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;

namespace EdgeConv.Runtime.Operations;

/// <summary>ADD, SUB and MUL, int8 or float32, same shape or 4-D broadcast.</summary>
/// <remarks>
/// Int8 runs a vector kernel on runs of equal length (<see cref="AddInt8X86"/>, <see cref="AddInt8Vector128"/>,
/// <see cref="MulInt8Vector128"/>) wherever the shapes allow it: the same shape (split into chunks across threads);
/// one input a row of channels ([N or 1, 1, 1, C]) or a single value against the other, whose runs then meet that row
/// repeated to about 4 KB in the op's scratch at invoke. Other broadcasts, and parameters outside the kernels' limits,
/// run the reference kernel.
/// </remarks>
internal sealed class BinaryElementwiseOperation : Operation, IRowParallel
{
    // Elements per parallel row of a same-shape vector ADD/SUB/MUL: a tensor of fewer than two of them runs on one
    // thread, since waking a worker costs about as much as the kernel takes for this many (~5 µs).
    private const int ParallelChunk = 16384;

    // Bytes of a broadcast operand's repeated row (see RepeatedRowRuns): enough that a kernel call per run costs little.
    private const int RepeatedRow = 4096;

    /// <summary>How the int8 vector kernel covers the output (see the remarks).</summary>
    private enum Plan : byte { Reference, SameShape, ChannelRowA, ChannelRowB, ScalarA, ScalarB }

    private delegate void Int8Runs(ReadOnlySpan<sbyte> input1, ReadOnlySpan<sbyte> input2, Span<sbyte> output);

    private readonly int _a, _b, _output;
    private readonly Shape4 _aShape, _bShape, _outShape;
    private readonly AddInt8Params _addOrSub;
    private readonly MulInt8Params _mul;
    private readonly bool _isFloat;
    private readonly BuiltinOp _op;
    private readonly Plan _plan;
    private readonly Int8Runs? _runs;        // the vector kernel's Run, bound at load
    private readonly string _vectorKernel = "";
    private readonly int _rowPeriod;          // a broadcast operand's row: C, or 1 for a single value
    private readonly int _repeatedRowBytes;   // whole rows filling about RepeatedRow bytes (one if it is longer), at most an image; 0 without a broadcast plan

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
        (_runs, _vectorKernel) = VectorKernel();
        if (_runs is null)
            return;
        _plan = PlanFor(_aShape, _bShape, _outShape);
        if (_plan is Plan.SameShape or Plan.Reference)
            return;
        _rowPeriod = _plan is Plan.ChannelRowA or Plan.ChannelRowB ? _outShape.C : 1;
        _repeatedRowBytes = Math.Min(Math.Max(RepeatedRow / _rowPeriod, 1) * _rowPeriod, _outShape.H * _outShape.W * _outShape.C);
    }

    /// <summary>A broadcast operand's repeated row; the other forms need no scratch.</summary>
    public override int ScratchBytes => _repeatedRowBytes;

    /// <summary>The int8 vector kernel for these parameters on this CPU, or none.</summary>
    private (Int8Runs? Runs, string Name) VectorKernel()
    {
        if (_op == BuiltinOp.Mul)
        {
            if (!Vector128.IsHardwareAccelerated || !MulInt8Vector128.IsApplicable(_mul))
                return (null, "");
            var mul = new MulInt8Vector128(_mul);
            return (mul.Run, "Int8Vector128");
        }
        if (!AddInt8Vector128.IsApplicable(_addOrSub))
            return (null, "");
        bool subtract = _op == BuiltinOp.Sub;
        if (AddInt8X86.Best is { } isa)
        {
            var x86 = new AddInt8X86(_addOrSub, isa, subtract);
            return (x86.Run, $"Int8X86({isa})");
        }
        if (!Vector128.IsHardwareAccelerated)
            return (null, "");
        var vector = new AddInt8Vector128(_addOrSub, subtract);
        return (vector.Run, "Int8Vector128");
    }

    /// <summary>Which runs cover the output, for these shapes (see the remarks).</summary>
    private static Plan PlanFor(Shape4 a, Shape4 b, Shape4 output)
    {
        if (a == b)
            return Plan.SameShape;
        if (b.FlatSize == 1 && a == output)
            return Plan.ScalarB;
        if (a.FlatSize == 1 && b == output)
            return Plan.ScalarA;
        if (a == output && IsChannelRow(b, output))
            return Plan.ChannelRowB;
        if (b == output && IsChannelRow(a, output))
            return Plan.ChannelRowA;
        return Plan.Reference;
    }

    /// <summary>Whether <paramref name="row"/> is [N or 1, 1, 1, C] against an output [N, H, W, C].</summary>
    private static bool IsChannelRow(Shape4 row, Shape4 output) =>
        row.H == 1 && row.W == 1 && row.C == output.C && (row.N == output.N || row.N == 1);

    public override string KernelName => _op switch { BuiltinOp.Add => "Add", BuiltinOp.Sub => "Sub", _ => "Mul" }
        + (_isFloat ? "Float" : _plan != Plan.Reference ? _vectorKernel : "Int8Reference")
        + (_aShape == _bShape ? "" : _plan is Plan.ChannelRowA or Plan.ChannelRowB ? "(channel broadcast)" : _plan is Plan.ScalarA or Plan.ScalarB ? "(scalar broadcast)" : "(broadcast)");

    public override string Describe() => Info.Options.Activation.ToString();

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            ExecuteFloat(m, Info.Options.Activation);
            return;
        }
        var a = m.Read<sbyte>(_a);
        var b = m.Read<sbyte>(_b);
        var o = m.Write<sbyte>(_output);
        switch (_plan)
        {
            case Plan.SameShape:
                ExecuteRows(m, 0, Math.Max(ParallelRows, 1), default);
                return;
            case Plan.ChannelRowA or Plan.ChannelRowB or Plan.ScalarA or Plan.ScalarB:
                RepeatedRowRuns(a, b, o, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(m.Scratch));
                return;
        }
        switch (_op)
        {
            case BuiltinOp.Add: AddInt8Reference.Run(_addOrSub, _aShape, a, _bShape, b, _outShape, o); break;
            case BuiltinOp.Sub: SubInt8Reference.Run(_addOrSub, _aShape, a, _bShape, b, _outShape, o); break;
            default: MulInt8Reference.Run(_mul, _aShape, a, _bShape, b, _outShape, o); break;
        }
    }

    /// <summary>
    /// The broadcast operand's row (its image's C channels, or the single value) repeated in <paramref name="scratch"/>
    /// to whole rows, then runs of that length against it: one kernel call per few thousand elements, not per pixel.
    /// </summary>
    private void RepeatedRowRuns(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> o, Span<sbyte> scratch)
    {
        var runs = _runs!;
        bool rowIsA = _plan is Plan.ChannelRowA or Plan.ScalarA;
        var rowShape = rowIsA ? _aShape : _bShape;
        ReadOnlySpan<sbyte> rows = rowIsA ? a : b, full = rowIsA ? b : a;
        int period = _rowPeriod, image = _outShape.H * _outShape.W * _outShape.C;
        var repeated = scratch[.._repeatedRowBytes];
        for (int n = 0; n < _outShape.N; n++)
        {
            if (n == 0 || rowShape.N != 1)
            {
                var row = rows.Slice(rowShape.N == 1 ? 0 : n * period, period);
                for (int at = 0; at < repeated.Length; at += period)
                    row.CopyTo(repeated[at..]);
            }
            for (int at = n * image, end = at + image; at < end; at += repeated.Length)
            {
                int len = Math.Min(repeated.Length, end - at);
                if (rowIsA)
                    runs(repeated[..len], full.Slice(at, len), o.Slice(at, len));
                else
                    runs(full.Slice(at, len), repeated[..len], o.Slice(at, len));
            }
        }
    }

    /// <summary>A same-shape vector kernel splits its elements into rows of <see cref="ParallelChunk"/> (the last one takes the rest); other forms run whole.</summary>
    public int ParallelRows => _plan == Plan.SameShape ? _outShape.FlatSize / ParallelChunk : 0;

    public void ExecuteRows(TensorMemory m, int start, int end, Span<byte> scratch)
    {
        int n = _outShape.FlatSize;
        int from = start * ParallelChunk, to = end >= ParallelRows ? n : end * ParallelChunk;
        _runs!(m.Read<sbyte>(_a)[from..to], m.Read<sbyte>(_b)[from..to], m.Write<sbyte>(_output)[from..to]);
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
