using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>Shape checks shared by CONV_2D and DEPTHWISE_CONV_2D.</summary>
internal static class ConvShapes
{
    /// <summary>Input, constant filter and output of a conv, all rank 4, with an optional bias as input 2.</summary>
    public static (TensorInfo Input, TensorInfo Filter, TensorInfo Output) Operands(PrepareContext ctx)
    {
        ctx.ExpectCounts(2, 3, 1);
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        var output = ctx.Output(0);
        ctx.ExpectRank(input, 4, "input");
        ctx.ExpectRank(filter, 4, "filter");
        ctx.ExpectRank(output, 4, "output");
        ctx.ExpectConstant(filter, "filter");
        return (input, filter, output);
    }

    public static ConvGeometry Geometry(PrepareContext ctx, Shape4 inShape, int filterH, int filterW, Shape4 outShape)
    {
        var o = ctx.Op.Options;
        ctx.ExpectPositive(o.StrideH, "stride_h");
        ctx.ExpectPositive(o.StrideW, "stride_w");
        ctx.ExpectPositive(o.DilationH, "dilation_h_factor");
        ctx.ExpectPositive(o.DilationW, "dilation_w_factor");
        ctx.ExpectPositive(filterH, "filter height");
        ctx.ExpectPositive(filterW, "filter width");
        var g = ConvGeometry.Create(o.Padding, o.StrideH, o.StrideW, o.DilationH, o.DilationW,
            inShape.H, inShape.W, filterH, filterW, out int outH, out int outW);
        if (outH <= 0 || outW <= 0 || outShape.H != outH || outShape.W != outW || outShape.N != inShape.N)
            throw ctx.Error($"output shape {outShape} does not match the {o.Padding} window {filterH}x{filterW} stride {o.StrideH}x{o.StrideW} dilation {o.DilationH}x{o.DilationW} over input {inShape} (expected [{inShape.N},{outH},{outW},C]).");
        return g;
    }

    public static string Describe(OpOptions o, int fh, int fw) =>
        $"{fh}x{fw} s{o.StrideH}x{o.StrideW} d{o.DilationH}x{o.DilationW} {o.Padding.ToString().ToUpperInvariant()} {o.Activation}";
}

/// <summary>CONV_2D, int8 or float32, standard or grouped.</summary>
internal sealed class Conv2DOperation : Operation, IRowParallel
{
    private readonly int _input, _filter, _bias, _output;
    private readonly Shape4 _inShape, _filterShape, _outShape;
    private readonly ConvGeometry _geometry;
    private readonly RequantParams? _requant;
    private readonly float _actMin, _actMax;
    private readonly bool _isFloat;
    private readonly PointwiseConvInt8? _pointwise;
    private readonly ConvInt8Vector128? _general;

    public Conv2DOperation(PrepareContext ctx) : base(ctx.Op)
    {
        var (input, filter, output) = ConvShapes.Operands(ctx);
        (_inShape, _filterShape, _outShape) = (Shape4.FromDims(input.Shape), Shape4.FromDims(filter.Shape), Shape4.FromDims(output.Shape));
        if (_filterShape.N != _outShape.C)
            throw ctx.Error($"filter {filter.Describe()} has {_filterShape.N} output channels but output {output.Describe()} has {_outShape.C}.");
        ctx.ExpectPositive(_filterShape.C, "filter input depth");
        if (_inShape.C % _filterShape.C != 0)
            throw ctx.Error($"filter input depth {_filterShape.C} does not divide input depth {_inShape.C}.");
        int groups = _inShape.C / _filterShape.C;
        if (_outShape.C % groups != 0)
            throw ctx.Error($"output depth {_outShape.C} is not a multiple of the {groups} groups.");
        _geometry = ConvShapes.Geometry(ctx, _inShape, _filterShape.H, _filterShape.W, _outShape);
        _input = input.Index;
        _filter = filter.Index;
        _output = output.Index;
        var p = ctx.ConvLike(input, filter, output, _outShape.C, 0);
        (_isFloat, _bias, _requant, _actMin, _actMax) = (p.IsFloat, p.Bias, p.Requant, p.FloatMin, p.FloatMax);
        if (!_isFloat && Vector128.IsHardwareAccelerated)
        {
            var weights = MemoryMarshal.Cast<byte, sbyte>(ctx.Graph.ConstantBytes(filter));
            var bias = _bias >= 0 ? MemoryMarshal.Cast<byte, int>(ctx.Graph.ConstantBytes(ctx.Graph.Tensors[_bias])) : default;
            if (PointwiseConvInt8.IsApplicable(_geometry, _requant!, _inShape, weights, _filterShape, _outShape))
                _pointwise = new PointwiseConvInt8(_requant!, weights, _filterShape, bias);
            else if (ConvInt8Vector128.IsApplicable(_geometry, _requant!, _inShape, weights, _filterShape, _outShape))
                _general = new ConvInt8Vector128(_geometry, _requant!, _inShape, weights, _filterShape, bias, _outShape);
        }
    }

    public override int ScratchBytes => _general is not null ? ConvInt8Vector128.ScratchBytes(_filterShape, _outShape) : 0;

    public override string KernelName => _isFloat ? "ConvFloat.Conv2D" : _pointwise is not null ? _pointwise.Name :
        (_general is not null ? $"{nameof(ConvInt8Vector128)}({_general.Path})" : "Conv2DInt8Reference") + (_inShape.C == _filterShape.C ? "" : "(grouped)");

    public override long Macs => (long)_outShape.FlatSize * _filterShape.H * _filterShape.W * _filterShape.C;

    public override long Parameters => (long)_filterShape.FlatSize + (_bias >= 0 ? _outShape.C : 0);

    public override string Describe() => ConvShapes.Describe(Info.Options, _filterShape.H, _filterShape.W)
        + (_inShape.C != _filterShape.C ? $" groups={_inShape.C / _filterShape.C}" : "");

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            ConvFloat.Conv2D(_geometry, _actMin, _actMax, m.Read<float>(_input), _inShape,
                m.Read<float>(_filter), _filterShape, _bias >= 0 ? m.Read<float>(_bias) : default,
                m.Write<float>(_output), _outShape);
            return;
        }
        ExecuteRows(m, 0, ParallelRows, m.Scratch);
    }

    /// <summary>Pixels per slice unit of a pointwise conv: its GEMM's tile height.</summary>
    private const int PointwisePixels = GemmInt8Tile4x16.TileRows;

    /// <summary>
    /// int8 convs split by output row, pointwise ones by groups of 4 pixels (a 7×7 layer has only 7 rows
    /// to share between threads, but 13 groups); float runs whole (it is the reference engine, not a hot path).
    /// </summary>
    public int ParallelRows => _isFloat ? 0 :
        _pointwise is not null ? (int)(((long)_outShape.N * _outShape.H * _outShape.W + PointwisePixels - 1) / PointwisePixels) :
        _outShape.N * _outShape.H;

    public void ExecuteRows(TensorMemory m, int start, int end, Span<byte> scratch)
    {
        if (_pointwise is not null)
        {
            int pixels = _outShape.N * _outShape.H * _outShape.W;
            _pointwise.RunPixels(m.Read<sbyte>(_input), _inShape, m.Write<sbyte>(_output), _outShape,
                Math.Min(start * PointwisePixels, pixels), Math.Min(end * PointwisePixels, pixels));
            return;
        }
        if (_general is not null)
        {
            _general.Run(m.Read<sbyte>(_input), _inShape, m.Write<sbyte>(_output), _outShape, scratch, start, end);
            return;
        }
        Conv2DInt8Reference.Run(_geometry, _requant!, m.Read<sbyte>(_input), _inShape,
            m.Read<sbyte>(_filter), _filterShape, _bias >= 0 ? m.Read<int>(_bias) : default,
            m.Write<sbyte>(_output), _outShape, start, end);
    }
}

/// <summary>DEPTHWISE_CONV_2D, int8 or float32, any depth multiplier.</summary>
internal sealed class DepthwiseConv2DOperation : Operation, IRowParallel
{
    private readonly int _input, _filter, _bias, _output, _multiplier;
    private readonly Shape4 _inShape, _filterShape, _outShape;
    private readonly ConvGeometry _geometry;
    private readonly RequantParams? _requant;
    private readonly float _actMin, _actMax;
    private readonly bool _isFloat;
    private readonly DepthwiseConvInt8Vector128? _optimized;
    private readonly DepthwiseConvInt8X86? _x86;

    public DepthwiseConv2DOperation(PrepareContext ctx) : base(ctx.Op)
    {
        var (input, filter, output) = ConvShapes.Operands(ctx);
        (_inShape, _filterShape, _outShape) = (Shape4.FromDims(input.Shape), Shape4.FromDims(filter.Shape), Shape4.FromDims(output.Shape));
        if (_filterShape.N != 1)
            throw ctx.Error($"filter {filter.Describe()} must have shape [1, H, W, C*M].");
        if (_filterShape.C != _outShape.C)
            throw ctx.Error($"filter {filter.Describe()} has {_filterShape.C} channels but output {output.Describe()} has {_outShape.C}.");
        ctx.ExpectPositive(_inShape.C, "input depth");
        if (_outShape.C % _inShape.C != 0)
            throw ctx.Error($"output depth {_outShape.C} is not a multiple of input depth {_inShape.C}.");
        _multiplier = _outShape.C / _inShape.C;
        int declared = ctx.Op.Options.DepthMultiplier;
        if (declared != 0 && declared != _multiplier)
            throw ctx.Error($"depth_multiplier option is {declared}, but the shapes imply {_multiplier} ({_inShape.C} -> {_outShape.C} channels).");
        _geometry = ConvShapes.Geometry(ctx, _inShape, _filterShape.H, _filterShape.W, _outShape);
        _input = input.Index;
        _filter = filter.Index;
        _output = output.Index;
        var p = ctx.ConvLike(input, filter, output, _outShape.C, 3);
        (_isFloat, _bias, _requant, _actMin, _actMax) = (p.IsFloat, p.Bias, p.Requant, p.FloatMin, p.FloatMax);
        if (!_isFloat && Vector128.IsHardwareAccelerated)
        {
            var weights = MemoryMarshal.Cast<byte, sbyte>(ctx.Graph.ConstantBytes(filter));
            var bias = _bias >= 0 ? MemoryMarshal.Cast<byte, int>(ctx.Graph.ConstantBytes(ctx.Graph.Tensors[_bias])) : default;
            if (DepthwiseConvInt8X86.IsSupportedOnThisCpu
                && DepthwiseConvInt8X86.IsApplicable(_geometry, _multiplier, _requant!, _inShape, weights, _filterShape, _outShape))
                _x86 = new DepthwiseConvInt8X86(_geometry, _multiplier, _requant!, _inShape, weights, _filterShape, bias, _outShape);
            else if (DepthwiseConvInt8Vector128.IsApplicable(_geometry, _multiplier, _requant!, _inShape, weights, _filterShape, _outShape))
                _optimized = new DepthwiseConvInt8Vector128(_geometry, _multiplier, _requant!, _inShape, weights, _filterShape, bias, _outShape);
        }
    }

    public override int ScratchBytes => _x86?.ScratchBytes ?? _optimized?.ScratchBytes ?? 0;

    public override string KernelName => _isFloat ? "ConvFloat.Depthwise" : _x86 is not null ? _x86.Name :
        _optimized is not null ? $"{nameof(DepthwiseConvInt8Vector128)}({_optimized.Path})" : "DepthwiseConv2DInt8Reference";

    public override long Macs => (long)_outShape.FlatSize * _filterShape.H * _filterShape.W;

    public override long Parameters => (long)_filterShape.FlatSize + (_bias >= 0 ? _outShape.C : 0);

    public override string Describe() => ConvShapes.Describe(Info.Options, _filterShape.H, _filterShape.W) + $" x{_multiplier}";

    public override void Execute(TensorMemory m)
    {
        if (_isFloat)
        {
            ConvFloat.Depthwise(_geometry, _multiplier, _actMin, _actMax, m.Read<float>(_input), _inShape,
                m.Read<float>(_filter), _filterShape, _bias >= 0 ? m.Read<float>(_bias) : default,
                m.Write<float>(_output), _outShape);
            return;
        }
        ExecuteRows(m, 0, _outShape.N * _outShape.H, m.Scratch);
    }

    /// <summary>int8 depthwise splits by output row; each slice has its own scratch ring.</summary>
    public int ParallelRows => _isFloat ? 0 : _outShape.N * _outShape.H;

    public void ExecuteRows(TensorMemory m, int start, int end, Span<byte> scratch)
    {
        if (_x86 is not null)
        {
            _x86.Run(m.Read<sbyte>(_input), _inShape, m.Write<sbyte>(_output), _outShape, scratch, start, end);
            return;
        }
        if (_optimized is not null)
        {
            _optimized.Run(m.Read<sbyte>(_input), _inShape, m.Write<sbyte>(_output), _outShape, scratch, start, end);
            return;
        }
        DepthwiseConv2DInt8Reference.Run(_geometry, _multiplier, _requant!, m.Read<sbyte>(_input), _inShape,
            m.Read<sbyte>(_filter), _filterShape, _bias >= 0 ? m.Read<int>(_bias) : default,
            m.Write<sbyte>(_output), _outShape, start, end);
    }
}
