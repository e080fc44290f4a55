using EdgeConv.Graph;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// Ops that move data: Transpose (folded into the layout), Reshape/Flatten/Squeeze/Unsqueeze,
/// Concat, Pad, Softmax axes, Slice, Split and Resize.
/// </summary>
internal sealed partial class ImportSession
{
    private void ImportTranspose(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        var perm = Ints(n, "perm") is { } p ? Array.ConvertAll(p, v => (int)v) : Reverse(x.Rank);
        if (perm.Length != x.Rank || perm.Distinct().Count() != x.Rank || perm.Any(v => v < 0 || v >= x.Rank))
            throw Error(n, $"perm [{string.Join(',', perm)}] is not a permutation of rank {x.Rank}.");
        // Same bytes, new meaning: the transpose only changes the layout record.
        _values[n.Outputs[0]] = new ImportValue
        {
            Name = n.Outputs[0], Shape = Layouts.Apply(x.Shape, perm), Tensor = x.Tensor,
            Layout = Layouts.AfterTranspose(x.Layout, perm), Producer = x.Producer, Type = x.Type,
        };
        _notes.Add(new ImportNote("folded-transpose", n.Describe(), $"perm [{string.Join(',', perm)}] absorbed into the layout"));
    }

    private void ImportReshapeLike(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        var shape = ReshapeTarget(n, x.Shape);
        int input = InOnnxOrder(x, n.Describe());
        Emit(n, BuiltinOp.Reshape, [input, IntTensor(n.Outputs[0] + "/shape", shape)], n.Outputs[0], shape, Layouts.Identity(shape.Length));
    }

    private void ImportSoftmax(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        ExpectFloat(n, x);
        int rank = x.Rank;
        int axis = Axis(n, Int(n, "axis", _opset < 13 ? 1 : -1), rank);
        var options = new OpOptions { Beta = 1f };
        if (_opset >= 13 || axis == rank - 1)
        {
            // One axis: store it last.
            int[] layout = x.Layout[^1] == axis ? x.Layout
                : Layouts.Identity(rank).Where(d => d != axis).Append(axis).ToArray();
            int input = EnsureLayout(x, layout, n.Describe());
            Emit(n, BuiltinOp.Softmax, [input], n.Outputs[0], x.Shape, layout, options);
            return;
        }
        // Opset < 13: softmax over the flattened dims [axis, rank).
        int outer = x.Shape[..axis].Aggregate(1, (p, d) => p * d);
        int inner = x.Shape[axis..].Aggregate(1, (p, d) => p * d);
        int plain = InOnnxOrder(x, n.Describe());
        int flat = _draft.AddTensor(n.Outputs[0] + "/2d", "", [outer, inner]);
        _draft.AddOp(BuiltinOp.Reshape, [plain, IntTensor(n.Outputs[0] + "/2d_shape", [outer, inner])], [flat], n.Describe());
        int soft = _draft.AddTensor(n.Outputs[0] + "/2d_softmax", "", [outer, inner]);
        _draft.AddOp(BuiltinOp.Softmax, [flat], [soft], n.Describe(), options);
        Emit(n, BuiltinOp.Reshape, [soft, IntTensor(n.Outputs[0] + "/shape", x.Shape)], n.Outputs[0], x.Shape, Layouts.Identity(rank));
    }

    private void ImportConcat(OnnxNode n)
    {
        var parts = Enumerable.Range(0, n.Inputs.Length).Select(i => In(n, i)).Where(v => HostTensor.ShapeCount(v.Shape) > 0).ToList();
        var first = parts.FirstOrDefault(p => !p.IsConstant) ?? throw Error(n, "has no computed input.");
        int rank = first.Rank;
        int axis = Axis(n, Int(n, "axis", 1), rank);
        foreach (var p in parts)
            ExpectFloat(n, p);
        // Zero constants at either end are padding (exporters write channel padding this way).
        int lo = 0, hi = parts.Count;
        while (lo < hi && IsZeros(parts[lo])) lo++;
        while (hi > lo && IsZeros(parts[hi - 1])) hi--;
        int before = parts.Take(lo).Sum(p => p.Shape[axis]);
        int after = parts.Skip(hi).Sum(p => p.Shape[axis]);
        var middle = parts.GetRange(lo, hi - lo);
        if (middle.Count == 0) throw Error(n, "has no computed input.");
        var layout = first.Pad is not null ? first.Pad.Source.Layout : first.Layout;
        int physicalAxis = Array.IndexOf(layout, axis);
        var outShape = (int[])first.Shape.Clone();
        outShape[axis] = parts.Sum(p => p.Shape[axis]);
        var midShape = (int[])first.Shape.Clone();
        midShape[axis] = middle.Sum(p => p.Shape[axis]);
        bool pad = before + after > 0;
        ImportValue mid;
        if (middle.Count == 1 && !middle[0].IsConstant)
        {
            mid = Materialized(middle[0], n);
            layout = mid.Layout;
            physicalAxis = Array.IndexOf(layout, axis);
        }
        else
        {
            var inputs = middle.Select(p => EnsureLayout(p, layout, n.Describe())).ToArray();
            string name = pad ? n.Outputs[0] + "/concat" : n.Outputs[0];
            mid = Emit(n, BuiltinOp.Concatenation, inputs, name, midShape, layout, new OpOptions { Axis = physicalAxis });
        }
        if (!pad)
        {
            if (middle.Count == 1 && !middle[0].IsConstant) Alias(n, 0, mid);
            return;
        }
        var paddings = new int[2 * rank];
        paddings[2 * physicalAxis] = before;
        paddings[2 * physicalAxis + 1] = after;
        Emit(n, BuiltinOp.Pad, [mid.Tensor, _draft.AddConstant(n.Outputs[0] + "/paddings", [rank, 2], paddings)], n.Outputs[0], outShape, layout);
        _notes.Add(new ImportNote("concat-zeros-as-pad", n.Describe(), $"zero constants on axis {axis} became PAD ({before}, {after})"));
    }

    private static bool IsZeros(ImportValue v) => v.Constant is { } c && c.Values.All(x => x == 0);

    private void ImportPad(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        ExpectFloat(n, x);
        string mode = Str(n, "mode", "constant");
        if (mode != "constant")
            throw Unsupported(n, $"Pad mode '{mode}' (only constant).");
        long[] pads;
        double value;
        if (_opset < 11)
        {
            pads = Ints(n, "pads") ?? throw Error(n, "has no pads.");
            value = Float(n, "value", 0f);
        }
        else
        {
            pads = ConstIn(n, 1, "pads").ToLongs();
            value = OptConstIn(n, 2, "constant_value")?.Values.FirstOrDefault() ?? 0;
            if (OptIn(n, 3) is not null)
                throw Unsupported(n, "Pad axes input.");
        }
        int rank = x.Rank;
        if (pads.Length != 2 * rank)
            throw Error(n, $"has {pads.Length} pads for rank {rank}.");
        if (pads.Any(p => p < 0))
            throw Unsupported(n, "negative pads (cropping).");
        var shape = Enumerable.Range(0, rank).Select(d => x.Shape[d] + (int)pads[d] + (int)pads[d + rank]).ToArray();
        bool spatialOnly = rank == 4 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0;
        bool feedsOneConv = _consumers.GetValueOrDefault(n.Outputs[0]) == 1 && !_graphOutputs.Contains(n.Outputs[0])
            && _consumerNodes[n.Outputs[0]][0].OpType == "Conv" && _consumerNodes[n.Outputs[0]][0].Inputs[0] == n.Outputs[0];
        if (value == 0 && spatialOnly && feedsOneConv && _options.Fuse)
        {
            // Left for the Conv to absorb as SAME padding; materialized as PAD if it cannot.
            _values[n.Outputs[0]] = new ImportValue { Name = n.Outputs[0], Shape = shape, Layout = x.Layout, Pad = new DeferredPad(x, pads, n.Describe()) };
            return;
        }
        var paddings = new int[2 * rank];
        for (int j = 0; j < rank; j++)
        {
            int d = x.Layout[j];
            paddings[2 * j] = (int)pads[d];
            paddings[2 * j + 1] = (int)pads[d + rank];
        }
        int pt = _draft.AddConstant(n.Outputs[0] + "/paddings", [rank, 2], paddings);
        if (value == 0)
            Emit(n, BuiltinOp.Pad, [x.Tensor, pt], n.Outputs[0], shape, x.Layout);
        else
            Emit(n, BuiltinOp.PadV2, [x.Tensor, pt, ConstTensor(n.Outputs[0] + "/value", [], [(float)value])], n.Outputs[0], shape, x.Layout);
    }

    private void ImportSlice(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        var ranges = SliceRanges(n, x.Shape);
        if (ranges.Any(r => r.Step != 1))
            throw Unsupported(n, "Slice with steps other than 1 on a computed tensor.");
        EmitSlice(n, x, ranges.Select(r => r.Start).ToArray(), ranges.Select(r => r.Count).ToArray(), n.Outputs[0]);
    }

    private void EmitSlice(OnnxNode n, ImportValue x, int[] begin, int[] size, string output)
    {
        var pb = Layouts.Apply(begin, x.Layout);
        var ps = Layouts.Apply(size, x.Layout);
        Emit(n, BuiltinOp.Slice, [x.Tensor, IntTensor(output + "/begin", pb), IntTensor(output + "/size", ps)], output, size, x.Layout);
    }

    private void ImportSplit(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        int axis = Axis(n, Int(n, "axis", 0), x.Rank);
        var sizes = SplitSizes(n, x.Shape[axis]);
        int offset = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            var begin = new int[x.Rank];
            begin[axis] = offset;
            var size = (int[])x.Shape.Clone();
            size[axis] = sizes[k];
            if (n.Outputs[k].Length > 0)
                EmitSlice(n, x, begin, size, n.Outputs[k]);
            offset += sizes[k];
        }
    }

    private void ImportResize(OnnxNode n)
    {
        var x = Materialized(In(n, 0), n);
        ExpectFloat(n, x);
        if (x.Rank != 4)
            throw Unsupported(n, $"{n.OpType} of a rank-{x.Rank} tensor (only 4-D NCHW).");
        string mode = Str(n, "mode", "nearest");
        string transform = n.OpType == "Upsample" || _opset < 11 ? "asymmetric" : Str(n, "coordinate_transformation_mode", "half_pixel");
        string nearestMode = n.OpType == "Upsample" || _opset < 11 ? "floor" : Str(n, "nearest_mode", "round_prefer_floor");
        double[]? scales = null;
        int[]? sizes = null;
        if (n.OpType == "Upsample" && _opset < 9)
            scales = n.Attributes.TryGetValue("scales", out var sa) ? Array.ConvertAll(sa.Floats, v => (double)v) : throw Error(n, "has no scales.");
        else if (n.OpType == "Upsample" || _opset < 11)
            scales = ConstIn(n, 1, "scales").Values;
        else
        {
            var sc = OptConstIn(n, 2, "scales");
            var sz = OptConstIn(n, 3, "sizes");
            if (sz is { Values.Length: > 0 }) sizes = sz.ToInts(n.Describe());
            else if (sc is { Values.Length: > 0 }) scales = sc.Values;
            else throw Error(n, "has neither scales nor sizes.");
            if (Int(n, "exclude_outside", 0) != 0) throw Unsupported(n, "exclude_outside=1.");
            if (n.Attributes.ContainsKey("axes")) throw Unsupported(n, "Resize axes attribute.");
        }
        if (scales is not null)
        {
            if (scales.Length != 4) throw Error(n, $"has {scales.Length} scales for rank 4.");
            sizes = Enumerable.Range(0, 4).Select(d => (int)Math.Floor(x.Shape[d] * scales[d])).ToArray();
        }
        if (sizes!.Length != 4) throw Error(n, $"has {sizes.Length} sizes for rank 4.");
        if (sizes[0] != x.Shape[0] || sizes[1] != x.Shape[1])
            throw Unsupported(n, "resizing the batch or channel dims.");
        double scaleH = scales?[2] ?? (double)sizes[2] / x.Shape[2], scaleW = scales?[3] ?? (double)sizes[3] / x.Shape[3];
        if (Math.Abs(scaleH * x.Shape[2] - sizes[2]) > 1e-6 || Math.Abs(scaleW * x.Shape[3] - sizes[3]) > 1e-6)
            throw Unsupported(n, "scales that are not exactly output size / input size (TFLite derives the scale from the sizes).");
        BuiltinOp op;
        bool align, half;
        switch (mode)
        {
            case "nearest":
                op = BuiltinOp.ResizeNearestNeighbor;
                (align, half) = NearestEquivalent(n, transform, nearestMode, x.Shape[2], sizes[2], x.Shape[3], sizes[3]);
                break;
            case "linear" or "bilinear":
                op = BuiltinOp.ResizeBilinear;
                (align, half) = transform switch
                {
                    "align_corners" => (true, false),
                    "asymmetric" => (false, false),
                    "half_pixel" => (false, true),
                    "pytorch_half_pixel" when sizes[2] > 1 && sizes[3] > 1 => (false, true),
                    _ => throw Unsupported(n, $"linear Resize with coordinate_transformation_mode '{transform}'."),
                };
                break;
            default:
                throw Unsupported(n, $"Resize mode '{mode}' (nearest and linear only).");
        }
        int input = EnsureLayout(x, Layouts.NhwcOfNchw, n.Describe());
        Emit(n, op, [input, IntTensor(n.Outputs[0] + "/size", [sizes[2], sizes[3]])], n.Outputs[0], sizes, Layouts.NhwcOfNchw,
            new OpOptions { AlignCorners = align, HalfPixelCenters = half });
    }

    /// <summary>The TFLite (align_corners, half_pixel_centers) whose nearest source pixels equal ONNX's for these sizes.</summary>
    private static (bool Align, bool Half) NearestEquivalent(OnnxNode n, string transform, string nearestMode, int inH, int outH, int inW, int outW)
    {
        foreach (var (align, half) in new[] { (false, false), (false, true), (true, false) })
        {
            if (SameNearest(transform, nearestMode, align, half, inH, outH) && SameNearest(transform, nearestMode, align, half, inW, outW))
                return (align, half);
        }
        throw Unsupported(n, $"nearest Resize with coordinate_transformation_mode '{transform}' and nearest_mode '{nearestMode}' for {inH}x{inW} -> {outH}x{outW} has no TFLite equivalent.");
    }

    private static bool SameNearest(string transform, string nearestMode, bool align, bool half, int input, int output)
    {
        double scale = (double)output / input;
        for (int o = 0; o < output; o++)
        {
            double src = transform switch
            {
                "half_pixel" => (o + 0.5) / scale - 0.5,
                "pytorch_half_pixel" => output > 1 ? (o + 0.5) / scale - 0.5 : 0,
                "align_corners" => output == 1 ? 0 : o * (input - 1.0) / (output - 1.0),
                "asymmetric" => o / scale,
                "tf_half_pixel_for_nn" => (o + 0.5) / scale,
                _ => double.NaN,
            };
            if (double.IsNaN(src)) return false;
            double rounded = nearestMode switch
            {
                "round_prefer_floor" => src - Math.Floor(src) == 0.5 ? Math.Floor(src) : Math.Round(src),
                "round_prefer_ceil" => src - Math.Floor(src) == 0.5 ? Math.Ceiling(src) : Math.Round(src),
                "floor" => Math.Floor(src),
                "ceil" => Math.Ceiling(src),
                _ => double.NaN,
            };
            if (double.IsNaN(rounded)) return false;
            int onnx = (int)Math.Clamp(rounded, 0, input - 1);
            // TFLite reference_ops::ResizeNearestNeighbor.
            float tscale = align && output > 1 ? (input - 1f) / (output - 1f) : (float)input / output;
            float offset = half ? 0.5f : 0f;
            float value = (o + offset) * tscale;
            int tfl = Math.Min(align ? (int)MathF.Round(value) : (int)MathF.Floor(value), input - 1);
            if (half) tfl = Math.Max(0, tfl);
            if (onnx != tfl) return false;
        }
        return true;
    }
}
