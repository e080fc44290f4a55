using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// Constant folding of the shape arithmetic exporters emit (Shape, Gather, Unsqueeze, Concat,
/// Slice, Cast, ConstantOfShape, Split, arithmetic on constants) so Reshape, Pad, Resize and
/// Concat see constants.
/// </summary>
internal sealed partial class ImportSession
{
    private static readonly HashSet<string> Foldable =
    [
        "Constant", "ConstantOfShape", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast",
        "Reshape", "Flatten", "Transpose", "Add", "Sub", "Mul", "Div", "Split", "Identity", "Neg", "Sqrt", "Floor", "Ceil",
        "Range", "Equal", "Less", "Greater", "Where", "Not", "Size", "ReduceProd", "Expand", "Min", "Max", "Abs",
    ];

    private bool TryFoldConstant(OnnxNode n)
    {
        if (!Foldable.Contains(n.OpType))
            return false;
        if (n.OpType == "Shape")
        {
            FoldShape(n);
            return true;
        }
        if (n.OpType == "Size")
        {
            SetConst(n, 0, HostTensor.Ints(HostTensor.ShapeCount(In(n, 0).Shape)));
            return true;
        }
        for (int i = 0; i < n.Inputs.Length; i++)
            if (OptIn(n, i) is { IsConstant: false })
                return false;
        var results = Fold(n);
        for (int i = 0; i < results.Length; i++)
            SetConst(n, i, results[i]);
        _notes.Add(new ImportNote("constant-folded", n.Describe(), $"{n.OpType} on constants"));
        return true;
    }

    private void FoldShape(OnnxNode n)
    {
        var shape = In(n, 0).Shape;
        int rank = shape.Length;
        long start = Int(n, "start", 0), end = Int(n, "end", rank);
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        start = Math.Clamp(start, 0, rank);
        end = Math.Clamp(end, start, rank);
        var dims = new long[end - start];
        for (long i = start; i < end; i++)
            dims[i - start] = shape[i];
        SetConst(n, 0, HostTensor.Ints(dims));
    }

    private HostTensor[] Fold(OnnxNode n)
    {
        HostTensor C(int i) => In(n, i).Constant!;
        string ctx = n.Describe();
        switch (n.OpType)
        {
            case "Constant":
                return [ConstantAttribute(n)];
            case "ConstantOfShape":
            {
                var shape = C(0).ToInts(ctx);
                var value = n.Attributes.TryGetValue("value", out var a) && a.Tensor is { } t ? HostTensor.From(t, ctx) : HostTensor.Scalar(0);
                var values = new double[HostTensor.ShapeCount(shape)];
                Array.Fill(values, value.Values[0]);
                return [new HostTensor(shape, values, value.Type)];
            }
            case "Identity": return [C(0)];
            case "Cast": return [C(0).WithType((OnnxDataType)Int(n, "to", 1))];
            case "Gather": return [Gather(n, C(0), C(1))];
            case "Unsqueeze" or "Squeeze" or "Reshape" or "Flatten":
                return [C(0).Reshape(ReshapeTarget(n, C(0).Shape))];
            case "Transpose":
            {
                var perm = Ints(n, "perm") is { } p ? Array.ConvertAll(p, v => (int)v) : Reverse(C(0).Rank);
                return [C(0).Transpose(perm)];
            }
            case "Concat": return [ConcatConstants(n)];
            case "Slice": return [SliceConstant(n, C(0))];
            case "Split": return SplitConstant(n, C(0));
            case "Add": return [HostTensor.Broadcast(C(0), C(1), (a, b) => a + b, C(0).Type, ctx)];
            case "Sub": return [HostTensor.Broadcast(C(0), C(1), (a, b) => a - b, C(0).Type, ctx)];
            case "Mul": return [HostTensor.Broadcast(C(0), C(1), (a, b) => a * b, C(0).Type, ctx)];
            case "Min": return [HostTensor.Broadcast(C(0), C(1), Math.Min, C(0).Type, ctx)];
            case "Max": return [HostTensor.Broadcast(C(0), C(1), Math.Max, C(0).Type, ctx)];
            case "Div":
                return [HostTensor.Broadcast(C(0), C(1), C(0).IsFloat ? (a, b) => a / b : (a, b) => Math.Truncate(a / b), C(0).Type, ctx)];
            case "Equal": return [HostTensor.Broadcast(C(0), C(1), (a, b) => a == b ? 1 : 0, OnnxDataType.Bool, ctx)];
            case "Less": return [HostTensor.Broadcast(C(0), C(1), (a, b) => a < b ? 1 : 0, OnnxDataType.Bool, ctx)];
            case "Greater": return [HostTensor.Broadcast(C(0), C(1), (a, b) => a > b ? 1 : 0, OnnxDataType.Bool, ctx)];
            case "Not": return [Map(C(0), v => v == 0 ? 1 : 0)];
            case "Neg": return [Map(C(0), v => -v)];
            case "Abs": return [Map(C(0), Math.Abs)];
            case "Sqrt": return [Map(C(0), Math.Sqrt)];
            case "Floor": return [Map(C(0), Math.Floor)];
            case "Ceil": return [Map(C(0), Math.Ceiling)];
            case "Where":
            {
                var cond = C(0);
                var x = HostTensor.Broadcast(cond, C(1), (c, a) => c != 0 ? a : double.NaN, C(1).Type, ctx);
                return [HostTensor.Broadcast(x, HostTensor.Broadcast(cond, C(2), (c, b) => b, C(2).Type, ctx), (a, b) => double.IsNaN(a) ? b : a, C(1).Type, ctx)];
            }
            case "Range":
            {
                double start = C(0).Values[0], limit = C(1).Values[0], delta = C(2).Values[0];
                int count = (int)Math.Max(Math.Ceiling((limit - start) / delta), 0);
                var v = new double[count];
                for (int i = 0; i < count; i++) v[i] = start + i * delta;
                return [new HostTensor([count], v, C(0).Type)];
            }
            case "ReduceProd":
                if (C(0).Rank != 1) throw Unsupported(n, "ReduceProd on constants of rank other than 1.");
                return [new HostTensor(Int(n, "keepdims", 1) != 0 ? [1] : [], [C(0).Values.Aggregate(1.0, (a, b) => a * b)], C(0).Type)];
            case "Expand":
            {
                var shape = HostTensor.BroadcastShape(C(0).Shape, C(1).ToInts(ctx), ctx);
                return [C(0).BroadcastTo(shape, ctx)];
            }
            default:
                throw Unsupported(n, $"constant folding of {n.OpType}.");
        }
    }

    private static HostTensor Map(HostTensor t, Func<double, double> f) => new(t.Shape, Array.ConvertAll(t.Values, v => f(v)), t.Type);

    private static int[] Reverse(int rank)
    {
        var p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
        return p;
    }

    private static HostTensor ConstantAttribute(OnnxNode n)
    {
        string ctx = n.Describe();
        foreach (var a in n.Attributes.Values)
        {
            switch (a.Name)
            {
                case "value" when a.Tensor is { } t: return HostTensor.From(t, ctx);
                case "value_float": return HostTensor.Scalar(a.Float);
                case "value_floats": return new HostTensor([a.Floats.Length], Array.ConvertAll(a.Floats, v => (double)v), OnnxDataType.Float);
                case "value_int": return HostTensor.Scalar(a.Int, OnnxDataType.Int64);
                case "value_ints": return HostTensor.Ints(a.Ints);
            }
        }
        throw Unsupported(n, "Constant without a tensor, float or int value (sparse or string constants).");
    }

    private HostTensor Gather(OnnxNode n, HostTensor data, HostTensor indices)
    {
        int axis = Axis(n, Int(n, "axis", 0), data.Rank);
        int dim = data.Shape[axis];
        var idx = Array.ConvertAll(indices.Values, v => (int)(v < 0 ? v + dim : v));
        foreach (int i in idx)
            if ((uint)i >= (uint)dim) throw Error(n, $"index {i} is outside dim {dim}.");
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= data.Shape[d];
        for (int d = axis + 1; d < data.Rank; d++) inner *= data.Shape[d];
        var r = new double[outer * idx.Length * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < idx.Length; k++)
                Array.Copy(data.Values, (o * dim + idx[k]) * inner, r, (o * idx.Length + k) * inner, inner);
        var shape = data.Shape[..axis].Concat(indices.Shape).Concat(data.Shape[(axis + 1)..]).ToArray();
        return new HostTensor(shape, r, data.Type);
    }

    private HostTensor ConcatConstants(OnnxNode n)
    {
        var parts = Enumerable.Range(0, n.Inputs.Length).Select(i => In(n, i).Constant!).ToList();
        int axis = Axis(n, Int(n, "axis", 0), parts[0].Rank);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= parts[0].Shape[d];
        for (int d = axis + 1; d < parts[0].Rank; d++) inner *= parts[0].Shape[d];
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var r = new List<double>();
        for (int o = 0; o < outer; o++)
            foreach (var p in parts)
                r.AddRange(p.Values.AsSpan(o * p.Shape[axis] * inner, p.Shape[axis] * inner).ToArray());
        return new HostTensor(shape, [.. r], parts[0].Type);
    }

    /// <summary>Per-axis (start, step, count) of an ONNX Slice, with ONNX's clamping rules.</summary>
    private (int Start, int Step, int Count)[] SliceRanges(OnnxNode n, int[] shape)
    {
        long[] starts, ends;
        long[]? axes, steps = null;
        if (_opset < 10)
        {
            starts = Ints(n, "starts") ?? throw Error(n, "has no starts.");
            ends = Ints(n, "ends") ?? throw Error(n, "has no ends.");
            axes = Ints(n, "axes");
        }
        else
        {
            starts = ConstIn(n, 1, "starts").ToLongs();
            ends = ConstIn(n, 2, "ends").ToLongs();
            axes = OptConstIn(n, 3, "axes")?.ToLongs();
            steps = OptConstIn(n, 4, "steps")?.ToLongs();
        }
        int rank = shape.Length;
        var r = new (int, int, int)[rank];
        for (int d = 0; d < rank; d++)
            r[d] = (0, 1, shape[d]);
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Axis(n, axes?[i] ?? i, rank);
            long dim = shape[axis], step = steps?[i] ?? 1;
            if (step == 0) throw Error(n, "has step 0.");
            long s = starts[i], e = ends[i];
            if (s < 0) s += dim;
            if (e < 0) e += dim;
            if (step > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
            }
            long count = Math.Max(0, (e - s + step + (step > 0 ? -1 : 1)) / step);
            r[axis] = ((int)s, (int)step, (int)count);
        }
        return r;
    }

    private HostTensor SliceConstant(OnnxNode n, HostTensor data)
    {
        var ranges = SliceRanges(n, data.Shape);
        var shape = ranges.Select(r => r.Count).ToArray();
        var strides = HostTensor.Strides(data.Shape);
        var r = new double[HostTensor.ShapeCount(shape)];
        var idx = new int[shape.Length];
        for (int flat = 0; flat < r.Length; flat++)
        {
            int src = 0;
            for (int d = 0; d < shape.Length; d++)
                src += (ranges[d].Start + idx[d] * ranges[d].Step) * strides[d];
            r[flat] = data.Values[src];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return new HostTensor(shape, r, data.Type);
    }

    /// <summary>Sizes of the Split outputs along the split axis.</summary>
    private int[] SplitSizes(OnnxNode n, int dim)
    {
        long[]? split = _opset < 13 ? Ints(n, "split") : OptConstIn(n, 1, "split")?.ToLongs();
        if (split is not null)
        {
            if (split.Sum() != dim) throw Error(n, $"split sizes add up to {split.Sum()}, not {dim}.");
            return Array.ConvertAll(split, v => (int)v);
        }
        int parts = n.Outputs.Length;
        int size = (dim + parts - 1) / parts;
        return Enumerable.Range(0, parts).Select(i => Math.Max(0, Math.Min(size, dim - i * size))).ToArray();
    }

    private HostTensor[] SplitConstant(OnnxNode n, HostTensor data)
    {
        int axis = Axis(n, Int(n, "axis", 0), data.Rank);
        var sizes = SplitSizes(n, data.Shape[axis]);
        var r = new HostTensor[sizes.Length];
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= data.Shape[d];
        for (int d = axis + 1; d < data.Rank; d++) inner *= data.Shape[d];
        int offset = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            var shape = (int[])data.Shape.Clone();
            shape[axis] = sizes[k];
            var v = new double[outer * sizes[k] * inner];
            for (int o = 0; o < outer; o++)
                Array.Copy(data.Values, (o * data.Shape[axis] + offset) * inner, v, o * sizes[k] * inner, sizes[k] * inner);
            r[k] = new HostTensor(shape, v, data.Type);
            offset += sizes[k];
        }
        return r;
    }

    /// <summary>The ONNX output shape of Reshape, Flatten, Squeeze or Unsqueeze applied to <paramref name="shape"/>.</summary>
    private int[] ReshapeTarget(OnnxNode n, int[] shape)
    {
        int rank = shape.Length;
        switch (n.OpType)
        {
            case "Flatten":
            {
                long a = Int(n, "axis", 1);
                int axis = (int)(a < 0 ? a + rank : a);
                if (axis < 0 || axis > rank) throw Error(n, $"axis {a} is outside 0..{rank}.");
                long outer = 1;
                for (int d = 0; d < axis; d++) outer *= shape[d];
                return [(int)outer, (int)(HostTensor.ShapeCount(shape) / Math.Max(outer, 1))];
            }
            case "Squeeze":
            {
                long[]? axes = _opset < 13 ? Ints(n, "axes") : OptConstIn(n, 1, "axes")?.ToLongs();
                var drop = axes is null ? Enumerable.Range(0, rank).Where(d => shape[d] == 1).ToHashSet()
                    : axes.Select(a => Axis(n, a, rank)).ToHashSet();
                foreach (int d in drop)
                    if (shape[d] != 1) throw Error(n, $"cannot squeeze dim {d} of size {shape[d]}.");
                return Enumerable.Range(0, rank).Where(d => !drop.Contains(d)).Select(d => shape[d]).ToArray();
            }
            case "Unsqueeze":
            {
                long[] axes = (_opset < 13 ? Ints(n, "axes") : ConstIn(n, 1, "axes").ToLongs()) ?? throw Error(n, "has no axes.");
                int outRank = rank + axes.Length;
                var insert = axes.Select(a => Axis(n, a, outRank)).ToHashSet();
                var r = new int[outRank];
                int k = 0;
                for (int d = 0; d < outRank; d++)
                    r[d] = insert.Contains(d) ? 1 : shape[k++];
                return r;
            }
            default:
            {
                long[] target = _opset < 5 ? Ints(n, "shape")! : ConstIn(n, 1, "shape").ToLongs();
                bool allowZero = Int(n, "allowzero", 0) != 0;
                var r = new int[target.Length];
                int unknown = -1;
                long known = 1;
                for (int i = 0; i < target.Length; i++)
                {
                    long d = target[i];
                    if (d == 0 && !allowZero)
                    {
                        if (i >= rank) throw Error(n, $"shape entry {i} is 0 (copy) but the input has rank {rank}.");
                        d = shape[i];
                    }
                    if (d == -1)
                    {
                        if (unknown >= 0) throw Error(n, "shape has more than one -1.");
                        unknown = i;
                        continue;
                    }
                    if (d < 0) throw Error(n, $"shape entry {d} is invalid.");
                    r[i] = (int)d;
                    known *= d;
                }
                long total = HostTensor.ShapeCount(shape);
                if (unknown >= 0)
                {
                    if (known == 0 || total % known != 0) throw Error(n, $"cannot infer -1 for {total} elements into {Layouts.Format(r)}.");
                    r[unknown] = (int)(total / known);
                }
                else if (known != total)
                    throw Error(n, $"shape {Layouts.Format(r)} does not hold the input's {total} elements.");
                return r;
            }
        }
    }
}
