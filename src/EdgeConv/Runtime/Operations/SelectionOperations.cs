using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>SLICE with constant begin and size (INT32 or INT64), any element type, rank 1 to 5.</summary>
internal sealed class SliceOperation : Operation
{
    private readonly int _input, _output, _elementSize;
    private readonly int[] _inDims, _begin, _outDims;

    public SliceOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(3, 3, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectType(output, input.Type, "output");
        if (input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16 or ElementType.Int32 or ElementType.Bool))
            throw ctx.Error($"input type {input.Type} is not supported (FLOAT32, INT8, INT16, INT32 or BOOL).");
        ctx.ExpectSameQuantization(input, output);
        _begin = ctx.ConstantInts(ctx.Input(1), "begin");
        int[] size = ctx.ConstantInts(ctx.Input(2), "size");
        _inDims = input.Shape;
        _outDims = ctx.Guard(() => SliceReference.OutputDims(_inDims, _begin, size));
        ctx.ExpectShape(output, _outDims, "output");
        _elementSize = ElementTypeInfo.SizeOf(input.Type);
        _input = input.Index;
        _output = output.Index;
    }

    public override string KernelName => "SliceReference";

    public override string Describe() => $"begin=[{string.Join(',', _begin)}] size=[{string.Join(',', _outDims)}]";

    public override void Execute(TensorMemory m) =>
        SliceReference.Run(m.ReadBytes(_input), _inDims, _begin, _outDims, _elementSize, m.Bytes(_output));
}

/// <summary>
/// MAXIMUM and MINIMUM, float32 or int8 (both inputs and the output sharing one quantization, as
/// TFLite's int8 kernel compares raw values), same shape or 4-D broadcast.
/// </summary>
internal sealed class MaximumMinimumOperation : Operation
{
    private readonly int _a, _b, _output;
    private readonly Shape4 _aShape, _bShape, _outShape;
    private readonly bool _isFloat, _isMaximum;

    public MaximumMinimumOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 2, 1);
        var (a, b, output) = (ctx.Input(0), ctx.Input(1), ctx.Output(0));
        (_aShape, _bShape, _outShape) = BroadcastShapes.Check(ctx, a, b, output);
        (_a, _b, _output) = (a.Index, b.Index, output.Index);
        _isMaximum = ctx.Op.Op == BuiltinOp.Maximum;
        _isFloat = a.Type == ElementType.Float32;
        if (_isFloat)
        {
            ctx.ExpectType(b, ElementType.Float32, "input 1");
            ctx.ExpectType(output, ElementType.Float32, "output");
            return;
        }
        var (s1, z1) = ctx.Int8Quant(a, "input 0");
        var (s2, z2) = ctx.Int8Quant(b, "input 1");
        var (so, zo) = ctx.Int8Quant(output, "output");
        if (s1 != so || z1 != zo || s2 != so || z2 != zo)
            throw ctx.Error($"int8 inputs ({s1}, {z1}) and ({s2}, {z2}) and output ({so}, {zo}) must share one quantization; {BuiltinOpNames.Name(ctx.Op.Op)} compares raw values.");
    }

    public override string KernelName => (_isMaximum ? "Maximum" : "Minimum") + (_isFloat ? "Float" : "Int8Reference")
        + (_aShape == _bShape ? "" : "(broadcast)");

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
            MaximumMinimumFloat.Run(_isMaximum, _aShape, m.Read<float>(_a), _bShape, m.Read<float>(_b), _outShape, m.Write<float>(_output));
        else
            MaximumMinimumReference.Run(_isMaximum, _aShape, m.Read<sbyte>(_a), _bShape, m.Read<sbyte>(_b), _outShape, m.Write<sbyte>(_output));
    }
}

/// <summary>EQUAL of two float32 or two int8 tensors (TFLite's rescaled comparison) into a BOOL tensor, 4-D broadcast.</summary>
internal sealed class EqualOperation : Operation
{
    private readonly int _a, _b, _output;
    private readonly Shape4 _aShape, _bShape, _outShape;
    private readonly bool _isFloat;
    private readonly EqualInt8Params _params;

    public EqualOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 2, 1);
        var (a, b, output) = (ctx.Input(0), ctx.Input(1), ctx.Output(0));
        (_aShape, _bShape, _outShape) = BroadcastShapes.Check(ctx, a, b, output);
        (_a, _b, _output) = (a.Index, b.Index, output.Index);
        ctx.ExpectType(output, ElementType.Bool, "output");
        _isFloat = a.Type == ElementType.Float32;
        if (_isFloat)
        {
            ctx.ExpectType(b, ElementType.Float32, "input 1");
            return;
        }
        var (s1, z1) = ctx.Int8Quant(a, "input 0");
        var (s2, z2) = ctx.Int8Quant(b, "input 1");
        _params = ctx.Guard(() => EqualInt8Reference.Prepare(s1, z1, s2, z2));
    }

    public override string KernelName => (_isFloat ? "EqualFloat" : "EqualInt8Reference") + (_aShape == _bShape ? "" : "(broadcast)");

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
            EqualFloat.Run(_aShape, m.Read<float>(_a), _bShape, m.Read<float>(_b), _outShape, m.Write<bool>(_output));
        else
            EqualInt8Reference.Run(_params, _aShape, m.Read<sbyte>(_a), _bShape, m.Read<sbyte>(_b), _outShape, m.Write<bool>(_output));
    }
}

/// <summary>CAST between BOOL, INT8, INT32 and FLOAT32: a value conversion that ignores quantization, as TFLite's.</summary>
internal sealed class CastOperation : Operation
{
    private readonly int _input, _output, _count;
    private readonly ElementType _from, _to;

    public CastOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(1, 1, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectSameElements(input, output);
        if (!CastReference.Supports(input.Type, output.Type))
            throw ctx.Error($"casting {input.Type} to {output.Type} is not supported (from BOOL, INT8, INT32 or FLOAT32 to FLOAT32, INT32, INT8 or BOOL).");
        (_input, _output, _count, _from, _to) = (input.Index, output.Index, input.ElementCount, input.Type, output.Type);
    }

    public override string KernelName => "CastReference";

    public override string Describe() => $"{_from}->{_to}";

    public override void Execute(TensorMemory m) => CastReference.Run(_from, m.ReadBytes(_input), _to, m.Bytes(_output), _count);
}

/// <summary>The shape checks of a two-input broadcasting op: rank at most 4, output the broadcast shape.</summary>
internal static class BroadcastShapes
{
    public static (Shape4 A, Shape4 B, Shape4 Output) Check(PrepareContext ctx, TensorInfo a, TensorInfo b, TensorInfo output)
    {
        foreach (var t in new[] { a, b, output })
            if (t.Shape.Length > 4)
                throw ctx.Error($"{t.Describe()} has rank {t.Shape.Length}; at most 4 is supported.");
        var (sa, sb, so) = (Shape4.FromDims(a.Shape), Shape4.FromDims(b.Shape), Shape4.FromDims(output.Shape));
        var expected = ctx.Guard(() => Broadcast4D.OutputShape(sa, sb));
        if (expected != so)
            throw ctx.Error($"output {output.Describe()} should have the broadcast shape {expected} of {a.Describe()} and {b.Describe()}.");
        return (sa, sb, so);
    }
}
