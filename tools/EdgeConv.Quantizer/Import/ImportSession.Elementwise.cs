using EdgeConv.Graph;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>Activations and element-wise arithmetic; clamps fuse into the producer when they can.</summary>
internal sealed partial class ImportSession
{
    private void ImportRelu(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        if (!TryFuseActivation(n, x, FusedActivation.Relu))
            ImportUnary(n, BuiltinOp.Relu);
    }

    private void ImportClip(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        double min, max;
        if (_opset < 11)
        {
            min = Float(n, "min", float.NegativeInfinity);
            max = Float(n, "max", float.PositiveInfinity);
        }
        else
        {
            min = OptConstIn(n, 1, "min")?.Values[0] ?? double.NegativeInfinity;
            max = OptConstIn(n, 2, "max")?.Values[0] ?? double.PositiveInfinity;
        }
        FusedActivation? act = (min, max) switch
        {
            (0, double.PositiveInfinity) => FusedActivation.Relu,
            (0, 6) => FusedActivation.Relu6,
            (-1, 1) => FusedActivation.ReluN1To1,
            _ => null,
        };
        if (act is { } a)
        {
            if (!TryFuseActivation(n, x, a))
                ImportUnary(n, a switch { FusedActivation.Relu => BuiltinOp.Relu, FusedActivation.Relu6 => BuiltinOp.Relu6, _ => BuiltinOp.ReluN1To1 });
            return;
        }
        if (double.IsNegativeInfinity(min) && double.IsPositiveInfinity(max))
        {
            Alias(n, 0, x);
            _notes.Add(new ImportNote("dropped", n.Describe(), "Clip without bounds"));
            return;
        }
        // A general clamp: MAXIMUM then MINIMUM with scalar constants.
        var v = x;
        if (!double.IsNegativeInfinity(min))
            v = EmitBinaryConst(n, BuiltinOp.Maximum, v, HostTensor.Scalar(min), double.IsPositiveInfinity(max) ? n.Outputs[0] : n.Outputs[0] + "/max");
        if (!double.IsPositiveInfinity(max))
            v = EmitBinaryConst(n, BuiltinOp.Minimum, v, HostTensor.Scalar(max), n.Outputs[0]);
        _values[n.Outputs[0]] = v;
    }

    private void ImportLeakyRelu(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        ImportUnary(n, BuiltinOp.LeakyRelu, new OpOptions { Alpha = Float(n, "alpha", 0.01f) });
    }

    /// <summary>An op with one input and one output of the same shape and layout.</summary>
    private void ImportUnary(OnnxNode n, BuiltinOp op, OpOptions? options = null)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        x = Materialized(x, n);
        Emit(n, op, [x.Tensor], n.Outputs[0], x.Shape, x.Layout, options);
    }

    /// <summary>HardSigmoid = clamp(alpha x + beta, 0, 1), as MUL by 6 alpha, ADD 6 beta with RELU6, MUL by 1/6.</summary>
    private void ImportHardSigmoid(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        double alpha = Float(n, "alpha", 0.2f), beta = Float(n, "beta", 0.5f);
        var scaled = EmitBinaryConst(n, BuiltinOp.Mul, x, HostTensor.Scalar(6 * alpha), n.Outputs[0] + "/scaled");
        var clamped = EmitBinaryConst(n, BuiltinOp.Add, scaled, HostTensor.Scalar(6 * beta), n.Outputs[0] + "/relu6");
        _draft.Ops[clamped.Producer].Options = new OpOptions { Activation = FusedActivation.Relu6 };
        _values[n.Outputs[0]] = EmitBinaryConst(n, BuiltinOp.Mul, clamped, HostTensor.Scalar(1.0 / 6), n.Outputs[0]);
    }

    private void ImportArithmetic(OnnxNode n)
    {
        var a = In(n, 0);
        var b = In(n, 1);
        ExpectFloat(n, a);
        ExpectFloat(n, b);
        string output = n.Outputs[0];
        switch (n.OpType)
        {
            case "Add" or "Mul":
            {
                var op = n.OpType == "Add" ? BuiltinOp.Add : BuiltinOp.Mul;
                if (a.Constant is { } ca) _values[output] = EmitBinaryConst(n, op, b, ca, output);
                else if (b.Constant is { } cb) _values[output] = EmitBinaryConst(n, op, a, cb, output);
                else EmitBinary(n, op, a, b);
                break;
            }
            case "Sub":
                if (b.Constant is { } sb) _values[output] = EmitBinaryConst(n, BuiltinOp.Add, a, Map(sb, v => -v), output);
                else if (a.Constant is { } sa)
                {
                    var negated = EmitBinaryConst(n, BuiltinOp.Mul, b, HostTensor.Scalar(-1), output + "/negated");
                    _values[output] = EmitBinaryConst(n, BuiltinOp.Add, negated, sa, output);
                }
                else EmitBinary(n, BuiltinOp.Sub, a, b);
                break;
            default: // Div
                if (b.Constant is not { } db)
                    throw Unsupported(n, "Div by a computed tensor (only division by a constant, as MUL by its reciprocal).");
                _values[output] = EmitBinaryConst(n, BuiltinOp.Mul, a, Map(db, v => 1.0 / v), output);
                break;
        }
    }

    private ImportValue Materialized(ImportValue v, OnnxNode n)
    {
        if (v.Constant is not null)
            throw Unsupported(n, $"constant input '{v.Name}' where a computed tensor is expected.");
        return v.Pad is not null ? MaterializePad(v) : v;
    }

    /// <summary>x (op) c with numpy broadcasting, the constant stored in x's layout.</summary>
    private ImportValue EmitBinaryConst(OnnxNode n, BuiltinOp op, ImportValue x, HostTensor c, string output)
    {
        x = Materialized(x, n);
        var shape = HostTensor.BroadcastShape(x.Shape, c.Shape, n.Describe());
        if (shape.Length > 4)
            throw Unsupported(n, $"broadcast of rank {shape.Length} (at most 4).");
        var layout = Layouts.Extend(x.Layout, shape.Length);
        var cr = c.Reshape(Enumerable.Repeat(1, shape.Length - c.Rank).Concat(c.Shape).ToArray()).Transpose(layout);
        int ct = ConstTensor(output + "/constant", cr.Shape, cr.ToFloats());
        return Emit(n, op, [x.Tensor, ct], output, shape, layout);
    }

    private static int[] PadShape(int[] shape, int rank) => Enumerable.Repeat(1, rank - shape.Length).Concat(shape).ToArray();

    /// <summary>Two computed operands: the lower-rank or differently stored one is brought into the other's layout.</summary>
    private void EmitBinary(OnnxNode n, BuiltinOp op, ImportValue a, ImportValue b)
    {
        a = Materialized(a, n);
        b = Materialized(b, n);
        var shape = HostTensor.BroadcastShape(a.Shape, b.Shape, n.Describe());
        if (shape.Length > 4)
            throw Unsupported(n, $"broadcast of rank {shape.Length} (at most 4).");
        var (major, minor) = a.Rank >= b.Rank ? (a, b) : (b, a);
        var layout = Layouts.Extend(major.Layout, shape.Length);
        int mt = major.Tensor;
        int nt = ToLayoutOfRank(minor, layout, shape.Length, n);
        int[] inputs = ReferenceEquals(major, a) ? [mt, nt] : [nt, mt];
        Emit(n, op, inputs, n.Outputs[0], shape, layout);
    }

    /// <summary>The tensor of <paramref name="v"/> (rank-extended with leading 1s) stored in <paramref name="layout"/>.</summary>
    private int ToLayoutOfRank(ImportValue v, int[] layout, int rank, OnnxNode n)
    {
        if (Layouts.Extend(v.Layout, rank).AsSpan().SequenceEqual(layout))
            return v.Tensor;
        if (v.Rank == rank)
            return EnsureLayout(v, layout, n.Describe());
        // Bring it to ONNX order, reshape to the full rank, then transpose.
        int plain = InOnnxOrder(v, n.Describe());
        var extended = PadShape(v.Shape, rank);
        int reshaped = _draft.AddTensor(v.Name + "/rank" + rank, v.Name, extended);
        _draft.AddOp(BuiltinOp.Reshape, [plain, IntTensor(v.Name + "/rank_shape", extended)], [reshaped], n.Describe());
        var ev = new ImportValue { Name = v.Name + "/rank" + rank, Shape = extended, Tensor = reshaped, Layout = Layouts.Identity(rank) };
        return EnsureLayout(ev, layout, n.Describe());
    }

    private void ImportEqual(OnnxNode n)
    {
        var a = In(n, 0);
        var b = In(n, 1);
        if (a.IsConstant || b.IsConstant)
            throw Unsupported(n, "Equal with a constant operand.");
        a = Materialized(a, n);
        b = Materialized(b, n);
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw Unsupported(n, "Equal with broadcasting.");
        int bt = EnsureLayout(b, a.Layout, n.Describe());
        Emit(n, BuiltinOp.Equal, [a.Tensor, bt], n.Outputs[0], a.Shape, a.Layout, type: ElementType.Bool);
    }

    private void ImportCast(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        var to = (OnnxDataType)Int(n, "to", 1);
        if (to != OnnxDataType.Float)
            throw Unsupported(n, $"Cast of a computed tensor to {to} (only to float).");
        if (x.Type == ElementType.Float32)
        {
            Alias(n, 0, x);
            _notes.Add(new ImportNote("dropped", n.Describe(), "Cast float to float"));
            return;
        }
        Emit(n, BuiltinOp.Cast, [x.Tensor], n.Outputs[0], x.Shape, x.Layout);
    }
}
