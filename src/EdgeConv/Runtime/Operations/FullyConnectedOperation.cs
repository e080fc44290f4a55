using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>FULLY_CONNECTED, int8 (per-tensor or per-channel weights) or float32; the input is flattened to [batches, depth].</summary>
internal sealed class FullyConnectedOperation : Operation
{
    private readonly int _input, _filter, _bias, _output, _batches, _depth, _units;
    private readonly RequantParams? _requant;
    private readonly float _actMin, _actMax;
    private readonly bool _isFloat;
    private readonly FullyConnectedInt8Vector128? _optimized;

    public FullyConnectedOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 3, 1);
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        var output = ctx.Output(0);
        ctx.ExpectRank(filter, 2, "filter");
        ctx.ExpectConstant(filter, "filter");
        if (ctx.Op.Options.WeightsFormat != 0)
            throw ctx.Error($"weights_format {ctx.Op.Options.WeightsFormat} is not supported (only DEFAULT).");
        _units = filter.Shape[0];
        _depth = filter.Shape[1];
        ctx.ExpectPositive(_depth, "filter depth");
        if (input.ElementCount % _depth != 0)
            throw ctx.Error($"input {input.Describe()} has {input.ElementCount} elements, not a multiple of the filter depth {_depth}.");
        _batches = input.ElementCount / _depth;
        if (output.ElementCount != _batches * _units)
            throw ctx.Error($"output {output.Describe()} should hold {_batches}x{_units} elements.");
        _input = input.Index;
        _filter = filter.Index;
        _output = output.Index;
        var p = ctx.ConvLike(input, filter, output, _units, 0);
        (_isFloat, _bias, _requant, _actMin, _actMax) = (p.IsFloat, p.Bias, p.Requant, p.FloatMin, p.FloatMax);
        if (!_isFloat && Vector128.IsHardwareAccelerated)
        {
            var weights = MemoryMarshal.Cast<byte, sbyte>(ctx.Graph.ConstantBytes(filter));
            if (FullyConnectedInt8Vector128.IsApplicable(_requant!, weights, _units, _depth))
                _optimized = new FullyConnectedInt8Vector128(_requant!, weights, _units, _depth,
                    _bias >= 0 ? MemoryMarshal.Cast<byte, int>(ctx.Graph.ConstantBytes(ctx.Graph.Tensors[_bias])) : default);
        }
    }

    public override string KernelName => _isFloat ? "ConvFloat.FullyConnected" :
        _optimized is not null ? $"{nameof(FullyConnectedInt8Vector128)}({_optimized.Path})" : "FullyConnectedInt8Reference";

    public override long Macs => (long)_batches * _units * _depth;

    public override long Parameters => (long)_units * _depth + (_bias >= 0 ? _units : 0);

    public override string Describe() => $"{_depth}->{_units} {Info.Options.Activation}";

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            ConvFloat.FullyConnected(_actMin, _actMax, _batches, _depth, _units, m.Read<float>(_input),
                m.Read<float>(_filter), _bias >= 0 ? m.Read<float>(_bias) : default, m.Write<float>(_output));
            return;
        }
        if (_optimized is not null)
        {
            _optimized.Run(m.Read<sbyte>(_input), m.Write<sbyte>(_output), _batches);
            return;
        }
        FullyConnectedInt8Reference.Run(_requant!, _batches, _depth, _units, m.Read<sbyte>(_input),
            m.Read<sbyte>(_filter), _bias >= 0 ? m.Read<int>(_bias) : default, m.Write<sbyte>(_output));
    }
}
