using System.Runtime.Intrinsics;
using EdgeConv.Graph;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;

namespace EdgeConv.Runtime.Operations;

/// <summary>RESHAPE and SQUEEZE: the bytes are unchanged, only the declared shape differs.</summary>
internal sealed class ReshapeOperation : Operation
{
    private readonly int _input, _output;

    public ReshapeOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(1, 2, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectType(output, input.Type, "output");
        ctx.ExpectSameElements(input, output);
        ctx.ExpectSameQuantization(input, output);
        var shapeTensor = ctx.OptionalInput(1);
        int[]? requested = ctx.Op.Options.NewShape;
        if (shapeTensor is { IsConstant: true })
            requested = ctx.ConstantInts(shapeTensor, "shape");
        if (ctx.Op.Op == BuiltinOp.Reshape && requested is { Length: > 0 })
        {
            long known = 1;
            int unknown = 0;
            foreach (int d in requested)
            {
                if (d == -1) unknown++;
                else known *= d;
            }
            bool ok = unknown == 0 ? known == output.ElementCount : unknown == 1 && known > 0 && output.ElementCount % known == 0;
            if (!ok)
                throw ctx.Error($"requested shape [{string.Join(',', requested)}] does not fit {output.ElementCount} elements.");
        }
        _input = input.Index;
        _output = output.Index;
    }

    public override string KernelName => "CopyBytes";

    public override void Execute(TensorMemory m) => m.ReadBytes(_input).CopyTo(m.Bytes(_output));
}

/// <summary>PAD and PADV2 for int8 and float32, up to rank 6.</summary>
internal sealed class PadOperation : Operation
{
    private readonly int _input, _output;
    private readonly int[] _inDims, _outDims, _before;
    private readonly byte[] _padValue;
    private readonly Pad4DVector128? _optimized;   // rank <= 4 where Vector128 is accelerated

    public PadOperation(PrepareContext ctx) : base(ctx.Op)
    {
        bool v2 = ctx.Op.Op == BuiltinOp.PadV2;
        ctx.ExpectCounts(2, v2 ? 3 : 2, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectType(output, input.Type, "output");
        int rank = input.Shape.Length;
        if (rank > 6)
            throw ctx.Error($"rank {rank} is more than 6.");
        ctx.ExpectRank(output, rank, "output");
        int[] pads = ctx.ConstantInts(ctx.Input(1), "paddings");
        if (pads.Length != 2 * rank)
            throw ctx.Error($"paddings has {pads.Length} values, expected {2 * rank} ([{rank}, 2]).");
        _before = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int b = pads[2 * d], a = pads[2 * d + 1];
            if (b < 0 || a < 0)
                throw ctx.Error($"negative padding ({b}, {a}) on dim {d}.");
            if (input.Shape[d] + b + a != output.Shape[d])
                throw ctx.Error($"output dim {d} is {output.Shape[d]}, expected {input.Shape[d]} + {b} + {a}.");
            _before[d] = b;
        }
        _inDims = input.Shape;
        _outDims = output.Shape;
        _input = input.Index;
        _output = output.Index;
        var constant = v2 ? ctx.OptionalInput(2) : null;
        if (input.Type == ElementType.Int8)
        {
            var (inScale, inZp) = ctx.Int8Quant(input, "input");
            var (outScale, outZp) = ctx.Int8Quant(output, "output");
            if (inScale != outScale || inZp != outZp)
                throw ctx.Error("input and output quantization differ; PAD cannot rescale.");
            sbyte value = (sbyte)outZp;
            if (constant is not null)
            {
                ctx.ExpectType(constant, ElementType.Int8, "constant_values");
                ctx.ExpectConstant(constant, "constant_values");
                value = (sbyte)ctx.Graph.ConstantBytes(constant)[0];
            }
            _padValue = [unchecked((byte)value)];
        }
        else if (input.Type == ElementType.Float32)
        {
            float value = 0f;
            if (constant is not null)
            {
                ctx.ExpectType(constant, ElementType.Float32, "constant_values");
                ctx.ExpectConstant(constant, "constant_values");
                value = BitConverter.ToSingle(ctx.Graph.ConstantBytes(constant));
            }
            _padValue = BitConverter.GetBytes(value);
        }
        else
        {
            throw ctx.Error($"input type {input.Type} is not supported (INT8 or FLOAT32).");
        }
        if (Vector128.IsHardwareAccelerated && Pad4DVector128.IsApplicable(_inDims, _before, _outDims, _padValue.Length))
            _optimized = new Pad4DVector128(_inDims, _before, _outDims, _padValue);
    }

    public override string KernelName => _optimized is not null ? nameof(Pad4DVector128) : "PadReference";

    public override string Describe() => $"before=[{string.Join(',', _before)}]";

    public override void Execute(TensorMemory m)
    {
        if (_optimized is not null)
            _optimized.Run(m.ReadBytes(_input), m.Bytes(_output));
        else
            PadReference.Run(m.ReadBytes(_input), _inDims, _before, _outDims, _padValue, m.Bytes(_output));
    }
}

/// <summary>TRANSPOSE with a constant permutation, any element type, up to rank 6.</summary>
internal sealed class TransposeOperation : Operation
{
    private readonly int _input, _output;
    private readonly int[] _perm;
    private readonly TransposeStrided _kernel;

    public TransposeOperation(PrepareContext ctx) : base(ctx.Op)
    {
        ctx.ExpectCounts(2, 2, 1);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.ExpectType(output, input.Type, "output");
        int rank = input.Shape.Length;
        if (rank > 6)
            throw ctx.Error($"rank {rank} is more than 6.");
        _perm = ctx.ConstantInts(ctx.Input(1), "perm");
        if (_perm.Length != rank)
            throw ctx.Error($"perm has {_perm.Length} entries for a rank-{rank} input.");
        var seen = new bool[rank];
        for (int i = 0; i < rank; i++)
        {
            if ((uint)_perm[i] >= (uint)rank || seen[_perm[i]])
                throw ctx.Error($"perm [{string.Join(',', _perm)}] is not a permutation of 0..{rank - 1}.");
            seen[_perm[i]] = true;
        }
        var expected = new int[rank];
        for (int i = 0; i < rank; i++)
            expected[i] = input.Shape[_perm[i]];
        ctx.ExpectShape(output, expected, "output");
        ctx.ExpectSameQuantization(input, output);
        _kernel = new TransposeStrided(input.Shape, _perm, ElementTypeInfo.SizeOf(input.Type));
        _input = input.Index;
        _output = output.Index;
    }

    public override string KernelName => nameof(TransposeStrided);

    public override string Describe() => $"perm=[{string.Join(',', _perm)}]";

    public override void Execute(TensorMemory m) => _kernel.Run(m.ReadBytes(_input), m.Bytes(_output));
}

/// <summary>CONCATENATION of inputs sharing the output's type and quantization.</summary>
internal sealed class ConcatenationOperation : Operation
{
    private readonly int[] _inputs;
    private readonly int[] _chunkBytes;
    private readonly int _output, _outer, _outChunkBytes;

    public ConcatenationOperation(PrepareContext ctx) : base(ctx.Op)
    {
        if (ctx.Op.Inputs.Length < 1 || ctx.Op.Outputs.Length != 1)
            throw ctx.Error("needs at least one input and exactly one output.");
        var output = ctx.Output(0);
        int rank = output.Shape.Length;
        int axis = ctx.Op.Options.Axis < 0 ? ctx.Op.Options.Axis + rank : ctx.Op.Options.Axis;
        if ((uint)axis >= (uint)rank)
            throw ctx.Error($"axis {ctx.Op.Options.Axis} is outside rank {rank}.");
        if (ctx.Op.Options.Activation != Quantization.FusedActivation.None)
            throw ctx.Error($"fused activation {ctx.Op.Options.Activation} on CONCATENATION is not supported.");
        int elem = ElementTypeInfo.SizeOf(output.Type);
        _outer = 1;
        for (int d = 0; d < axis; d++)
            _outer *= output.Shape[d];
        int inner = 1;
        for (int d = axis + 1; d < rank; d++)
            inner *= output.Shape[d];
        _inputs = new int[ctx.Op.Inputs.Length];
        _chunkBytes = new int[_inputs.Length];
        int axisTotal = 0;
        for (int i = 0; i < _inputs.Length; i++)
        {
            var t = ctx.Input(i);
            ctx.ExpectType(t, output.Type, $"input {i}");
            ctx.ExpectRank(t, rank, $"input {i}");
            for (int d = 0; d < rank; d++)
                if (d != axis && t.Shape[d] != output.Shape[d])
                    throw ctx.Error($"input {i} {t.Describe()} differs from output {output.Describe()} on dim {d}.");
            if (output.Type == ElementType.Int8)
            {
                var (s, z) = ctx.Int8Quant(t, $"input {i}");
                var (os, oz) = ctx.Int8Quant(output, "output");
                if (s != os || z != oz)
                    throw ctx.Error($"input {i} quantization ({s}, {z}) differs from the output's ({os}, {oz}); rescaling concatenation is not supported.");
            }
            _inputs[i] = t.Index;
            _chunkBytes[i] = t.Shape[axis] * inner * elem;
            axisTotal += t.Shape[axis];
        }
        if (axisTotal != output.Shape[axis])
            throw ctx.Error($"inputs add up to {axisTotal} on axis {axis}, output has {output.Shape[axis]}.");
        _outChunkBytes = output.Shape[axis] * inner * elem;
        _output = output.Index;
    }

    public override string KernelName => "ConcatenationReference";

    public override void Execute(TensorMemory m)
    {
        var output = m.Bytes(_output);
        int offset = 0;
        for (int i = 0; i < _inputs.Length; i++)
        {
            ConcatenationReference.CopyChunk(m.ReadBytes(_inputs[i]), _outer, _chunkBytes[i], _outChunkBytes, offset, output);
            offset += _chunkBytes[i];
        }
    }
}
