using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>
/// RELU, RELU_N1_TO_1, RELU6 and LEAKY_RELU, int8 (TFLite Micro rules, run as a table of the reference kernel, see
/// <see cref="LookupTableInt8"/>) or float32.
/// </summary>
internal sealed class ReluOperation : Operation
{
    private readonly int _input, _output;
    private readonly LookupTableInt8? _table;

    public ReluOperation(PrepareContext ctx) : base(ctx.Op)
    {
        var u = ctx.Unary();
        (_input, _output) = (u.Input, u.Output);
        if (u.IsFloat)
            return;
        var (si, zi, so, zo) = (u.InputScale, u.InputZeroPoint, u.OutputScale, u.OutputZeroPoint);
        float alpha = ctx.Op.Options.Alpha;
        Int8Map map;
        switch (ctx.Op.Op)
        {
            case BuiltinOp.Relu:
            {
                var p = ctx.Guard(() => ReluInt8Reference.PrepareRelu(si, zi, so, zo));
                map = (x, y) => ReluInt8Reference.Run(p, x, y);
                break;
            }
            case BuiltinOp.ReluN1To1:
            {
                var p = ctx.Guard(() => ReluInt8Reference.PrepareReluN1To1(si, zi, so, zo));
                map = (x, y) => ReluInt8Reference.Run(p, x, y);
                break;
            }
            case BuiltinOp.Relu6:
            {
                var p = ctx.Guard(() => Relu6Int8Reference.Prepare(si, zi, so, zo));
                map = (x, y) => Relu6Int8Reference.Run(p, x, y);
                break;
            }
            default:
            {
                var p = ctx.Guard(() => LeakyReluInt8Reference.Prepare(si, zi, so, zo, alpha));
                map = (x, y) => LeakyReluInt8Reference.Run(p, x, y);
                break;
            }
        }
        _table = LookupTableInt8.Of(map);
    }

    public override string KernelName => _table?.Name ?? Info.Op switch
    {
        BuiltinOp.LeakyRelu => "LeakyReluFloat",
        _ => "ReluFloat",
    };

    public override string Describe() => Info.Op == BuiltinOp.LeakyRelu ? $"alpha={Info.Options.Alpha}" : "";

    public override void Execute(TensorMemory m)
    {
        if (_table is not null)
        {
            _table.Run(m.Read<sbyte>(_input), m.Write<sbyte>(_output));
            return;
        }
        var fi = m.Read<float>(_input);
        var fo = m.Write<float>(_output);
        switch (Info.Op)
        {
            case BuiltinOp.Relu: ReluFloat.Relu(fi, fo); break;
            case BuiltinOp.ReluN1To1: ReluFloat.ReluN1To1(fi, fo); break;
            case BuiltinOp.Relu6: ReluFloat.Relu6(fi, fo); break;
            default: LeakyReluFloat.Run(fi, fo, Info.Options.Alpha); break;
        }
    }
}
