using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>
/// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR of a 4-D NHWC tensor to the size held by a constant
/// int32 [2] tensor, int8 (output quantization equal to the input's) or float32.
/// </summary>
internal sealed class ResizeOperation : Operation
{
    private readonly int _input, _output;
    private readonly Shape4 _inShape, _outShape;
    private readonly bool _isFloat, _bilinear, _alignCorners, _halfPixelCenters;

    public ResizeOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 2, 1);
        var input = ctx.Input(0);
        var size = ctx.Input(1);
        var output = ctx.Output(0);
        ctx.ExpectRank(input, 4, "input");
        ctx.ExpectType(size, ElementType.Int32, "size");
        ctx.ExpectRank(size, 1, "size");
        int[] hw = ctx.ConstantInts(size, "size");
        if (hw.Length != 2)
            throw ctx.Error($"size {size.Describe()} holds {hw.Length} values, expected 2 (height, width).");
        ctx.ExpectPositive(hw[0], "output height");
        ctx.ExpectPositive(hw[1], "output width");
        ctx.ExpectShape(output, [input.Shape[0], hw[0], hw[1], input.Shape[3]], "output");
        ctx.ExpectType(output, input.Type, "output");
        _isFloat = input.Type == ElementType.Float32;
        if (!_isFloat)
        {
            ctx.Int8Quant(input, "input");
            ctx.Int8Quant(output, "output");
            ctx.ExpectSameQuantization(input, output);
        }
        _input = input.Index;
        _output = output.Index;
        _inShape = Shape4.FromDims(input.Shape);
        _outShape = Shape4.FromDims(output.Shape);
        _bilinear = ctx.Op.Op == BuiltinOp.ResizeBilinear;
        _alignCorners = ctx.Op.Options.AlignCorners;
        _halfPixelCenters = ctx.Op.Options.HalfPixelCenters;
        var (inShape, outShape, align, half) = (_inShape, _outShape, _alignCorners, _halfPixelCenters);
        if (_bilinear && _isFloat)
            ctx.Guard(() => ResizeBilinearFloat.Validate(align, half, inShape, outShape));
        else if (_bilinear)
            ctx.Guard(() => ResizeBilinearInt8Reference.Validate(align, half, inShape, outShape));
    }

    public override string KernelName => _bilinear
        ? (_isFloat ? "ResizeBilinearFloat" : "ResizeBilinearInt8Reference")
        : "ResizeNearestNeighborReference";

    public override string Describe() => $"align_corners={_alignCorners} half_pixel_centers={_halfPixelCenters}";

    public override void Execute(TensorMemory m)
    {
        if (!_bilinear && _isFloat)
            ResizeNearestNeighborReference.Run(_alignCorners, _halfPixelCenters, _inShape, m.Read<float>(_input), _outShape, m.Write<float>(_output));
        else if (!_bilinear)
            ResizeNearestNeighborReference.Run(_alignCorners, _halfPixelCenters, _inShape, m.Read<sbyte>(_input), _outShape, m.Write<sbyte>(_output));
        else if (_isFloat)
            ResizeBilinearFloat.Run(_alignCorners, _halfPixelCenters, _inShape, m.Read<float>(_input), _outShape, m.Write<float>(_output));
        else
            ResizeBilinearInt8Reference.Run(_alignCorners, _halfPixelCenters, _inShape, m.Read<sbyte>(_input), _outShape, m.Write<sbyte>(_output));
    }
}
