using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>AVERAGE_POOL_2D and MAX_POOL_2D, int8 or float32.</summary>
internal sealed class Pool2DOperation : Operation, IRowParallel
{
    private readonly int _input, _output, _fh, _fw, _actMin, _actMax;
    private readonly float _fMin, _fMax;
    private readonly Shape4 _inShape, _outShape;
    private readonly ConvGeometry _geometry;
    private readonly bool _isMax, _isFloat;
    private readonly Pool2DInt8Vector? _optimized;   // int8 where Vector128 is accelerated

    public Pool2DOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(1, 1, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectRank(input, 4, "input");
        ctx.ExpectRank(output, 4, "output");
        var o = ctx.Op.Options;
        _isMax = ctx.Op.Op == BuiltinOp.MaxPool2D;
        _fh = o.FilterH;
        _fw = o.FilterW;
        _inShape = Shape4.FromDims(input.Shape);
        _outShape = Shape4.FromDims(output.Shape);
        if (_inShape.C != _outShape.C)
            throw ctx.Error($"input {input.Describe()} and output {output.Describe()} differ in depth.");
        ctx.ExpectPositive(o.StrideH, "stride_h");
        ctx.ExpectPositive(o.StrideW, "stride_w");
        ctx.ExpectPositive(_fh, "filter_height");
        ctx.ExpectPositive(_fw, "filter_width");
        _geometry = ConvGeometry.Create(o.Padding, o.StrideH, o.StrideW, 1, 1, _inShape.H, _inShape.W, _fh, _fw, out int oh, out int ow);
        if (oh <= 0 || ow <= 0 || oh != _outShape.H || ow != _outShape.W || _outShape.N != _inShape.N)
            throw ctx.Error($"output {output.Describe()} does not match the {o.Padding} {_fh}x{_fw} window stride {o.StrideH}x{o.StrideW} over {input.Describe()} (expected H={oh}, W={ow}).");
        _input = input.Index;
        _output = output.Index;
        _isFloat = input.Type == ElementType.Float32;
        if (_isFloat)
        {
            ctx.ExpectType(output, ElementType.Float32, "output");
            (_fMin, _fMax) = ctx.FloatActivationRange(o.Activation);
        }
        else
        {
            var (inScale, inZp) = ctx.Int8Quant(input, "input");
            var (outScale, outZp) = ctx.Int8Quant(output, "output");
            // TFLite pools int8 in the input's quantized domain and requires the output to share it.
            if (inScale != outScale || inZp != outZp)
                throw ctx.Error($"input and output quantization differ ({inScale}/{inZp} vs {outScale}/{outZp}); TFLite int8 pooling requires them equal.");
            (_actMin, _actMax) = ctx.Int8ActivationRange(o.Activation, outScale, outZp);
            if (Vector128.IsHardwareAccelerated && Pool2DInt8Vector.IsApplicable(_isMax, _fh, _fw, _actMin, _actMax, _inShape, _outShape))
                _optimized = new Pool2DInt8Vector(_isMax, _geometry, _fh, _fw, _actMin, _actMax, _inShape, _outShape, Pool2DInt8Vector.Best);
        }
    }

    public override string KernelName => _isFloat ? "PoolFloat" : _optimized is not null ? _optimized.Name
        : _isMax ? "Pool2DInt8Reference.Max" : "Pool2DInt8Reference.Average";

    public override string Describe() => $"{_fh}x{_fw} s{Info.Options.StrideH}x{Info.Options.StrideW} {Info.Options.Padding.ToString().ToUpperInvariant()} {Info.Options.Activation}";

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            PoolFloat.Run(_isMax, _geometry, _fh, _fw, _fMin, _fMax, m.Read<float>(_input), _inShape, m.Write<float>(_output), _outShape);
        }
        else
        {
            ExecuteRows(m, 0, _outShape.N * _outShape.H, default);
        }
    }

    public int ParallelRows => _isFloat ? 0 : _outShape.N * _outShape.H;

    public void ExecuteRows(TensorMemory m, int start, int end, Span<byte> scratch)
    {
        if (_optimized is not null)
        {
            if (!_optimized.Run(m.Read<sbyte>(_input), m.Write<sbyte>(_output), start, end))
                throw EmptyWindow();
            return;
        }
        if (_isMax)
            Pool2DInt8Reference.Max(_geometry, _fh, _fw, _actMin, _actMax, m.Read<sbyte>(_input), _inShape, m.Write<sbyte>(_output), _outShape, start, end);
        else if (!Pool2DInt8Reference.Average(_geometry, _fh, _fw, _actMin, _actMax, m.Read<sbyte>(_input), _inShape, m.Write<sbyte>(_output), _outShape, start, end))
            throw EmptyWindow();
    }

    private InvalidOperationException EmptyWindow() => new($"{Info.Describe()}: a pooling window covers no input pixel.");
}
