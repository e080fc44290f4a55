using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>RELU, RELU_N1_TO_1, RELU6 and LEAKY_RELU, int8 (TFLite Micro rules) or float32.</summary>
internal sealed class ReluOperation : Operation
{
    private readonly int _input, _output;
    private readonly bool _isFloat;
    private readonly ReluInt8Params _relu;
    private readonly Relu6Int8Params _relu6;
    private readonly LeakyReluInt8Params _leaky;

    public ReluOperation(PrepareContext ctx) : base(ctx.Op)
    {
        var u = ctx.Unary();
        (_input, _output, _isFloat) = (u.Input, u.Output, u.IsFloat);
        if (_isFloat)
            return;
        var (si, zi, so, zo) = (u.InputScale, u.InputZeroPoint, u.OutputScale, u.OutputZeroPoint);
        float alpha = ctx.Op.Options.Alpha;
        switch (ctx.Op.Op)
        {
            case BuiltinOp.Relu: _relu = ctx.Guard(() => ReluInt8Reference.PrepareRelu(si, zi, so, zo)); break;
            case BuiltinOp.ReluN1To1: _relu = ctx.Guard(() => ReluInt8Reference.PrepareReluN1To1(si, zi, so, zo)); break;
            case BuiltinOp.Relu6: _relu6 = ctx.Guard(() => Relu6Int8Reference.Prepare(si, zi, so, zo)); break;
            default: _leaky = ctx.Guard(() => LeakyReluInt8Reference.Prepare(si, zi, so, zo, alpha)); break;
        }
    }

    public override string KernelName => Info.Op switch
    {
        BuiltinOp.LeakyRelu => _isFloat ? "LeakyReluFloat" : "LeakyReluInt8Reference",
        BuiltinOp.Relu6 => _isFloat ? "ReluFloat" : "Relu6Int8Reference",
        _ => _isFloat ? "ReluFloat" : "ReluInt8Reference",
    };

    public override string Describe() => Info.Op == BuiltinOp.LeakyRelu ? $"alpha={Info.Options.Alpha}" : "";

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            var fi = m.Read<float>(_input);
            var fo = m.Write<float>(_output);
            switch (Info.Op)
            {
                case BuiltinOp.Relu: ReluFloat.Relu(fi, fo); break;
                case BuiltinOp.ReluN1To1: ReluFloat.ReluN1To1(fi, fo); break;
                case BuiltinOp.Relu6: ReluFloat.Relu6(fi, fo); break;
                default: LeakyReluFloat.Run(fi, fo, Info.Options.Alpha); break;
            }
            return;
        }
        var qi = m.Read<sbyte>(_input);
        var qo = m.Write<sbyte>(_output);
        switch (Info.Op)
        {
            case BuiltinOp.Relu or BuiltinOp.ReluN1To1: ReluInt8Reference.Run(_relu, qi, qo); break;
            case BuiltinOp.Relu6: Relu6Int8Reference.Run(_relu6, qi, qo); break;
            default: LeakyReluInt8Reference.Run(_leaky, qi, qo); break;
        }
    }
}
