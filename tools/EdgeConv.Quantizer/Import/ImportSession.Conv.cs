using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Quantization;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// Conv (standard, depthwise with multiplier, grouped), pooling, BatchNormalization, Gemm and
/// MatMul. ONNX explicit pads become TFLite SAME/VALID when equivalent, a PAD op otherwise.
/// </summary>
internal sealed partial class ImportSession
{
    /// <summary>Begin/end padding of one spatial dim.</summary>
    private readonly record struct Pads2(int Top, int Left, int Bottom, int Right);

    private Pads2 ResolvePads(OnnxNode n, int inH, int inW, int effH, int effW, int sh, int sw)
    {
        string autoPad = Str(n, "auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET" or "":
                var p = Ints(n, "pads") ?? [0, 0, 0, 0];
                if (p.Length != 4) throw Unsupported(n, $"pads [{string.Join(',', p)}] (2-D ops take 4 pads).");
                if (p.Any(v => v < 0)) throw Unsupported(n, "negative pads.");
                return new Pads2((int)p[0], (int)p[1], (int)p[2], (int)p[3]);
            case "VALID":
                return new Pads2(0, 0, 0, 0);
            case "SAME_UPPER" or "SAME_LOWER":
                int oh = (inH + sh - 1) / sh, ow = (inW + sw - 1) / sw;
                int th = Math.Max(0, (oh - 1) * sh + effH - inH), tw = Math.Max(0, (ow - 1) * sw + effW - inW);
                int top = autoPad == "SAME_UPPER" ? th / 2 : th - th / 2, left = autoPad == "SAME_UPPER" ? tw / 2 : tw - tw / 2;
                return new Pads2(top, left, th - top, tw - left);
            default:
                throw Unsupported(n, $"auto_pad '{autoPad}'.");
        }
    }

    /// <summary>SAME or VALID when TFLite's padding gives exactly ONNX's output size and leading pads; null otherwise.</summary>
    private static Padding? TfLitePadding(Pads2 p, int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int outH, int outW)
    {
        foreach (var padding in new[] { Padding.Valid, Padding.Same })
        {
            var g = ConvGeometry.Create(padding, sh, sw, dh, dw, inH, inW, kh, kw, out int oh, out int ow);
            if (oh == outH && ow == outW && g.PadTop == p.Top && g.PadLeft == p.Left)
                return padding;
        }
        return null;
    }

    private static int[] Attr2(OnnxNode n, string name, int fallback)
    {
        var v = Ints(n, name);
        if (v is null) return [fallback, fallback];
        if (v.Length != 2) throw Unsupported(n, $"{name} [{string.Join(',', v)}]: only 2-D windows are supported.");
        return [(int)v[0], (int)v[1]];
    }

    /// <summary>
    /// The input tensor for a 2-D window op and its TFLite padding: folds an upstream zero Pad and
    /// the op's own pads into SAME/VALID when equivalent, else pads explicitly with <paramref name="padValue"/>.
    /// </summary>
    private (int Tensor, Padding Padding, int InH, int InW) WindowInput(OnnxNode n, ImportValue x, ref Pads2 pads,
        int kh, int kw, int sh, int sw, int dh, int dw, int outH, int outW, float padValue, bool allowFold, bool allowSame = true)
    {
        int inH = x.Shape[2], inW = x.Shape[3];
        var source = x;
        string? padNode = null;
        if (x.Pad is { } dp && padValue == 0 && allowFold)
        {
            source = dp.Source;
            inH = source.Shape[2];
            inW = source.Shape[3];
            pads = new Pads2(pads.Top + (int)dp.Pads[2], pads.Left + (int)dp.Pads[3], pads.Bottom + (int)dp.Pads[6], pads.Right + (int)dp.Pads[7]);
            padNode = dp.Node;
        }
        if (TfLitePadding(pads, inH, inW, kh, kw, sh, sw, dh, dw, outH, outW) is { } padding && (allowSame || padding == Padding.Valid))
        {
            if (padNode is not null)
                _notes.Add(new ImportNote("folded-pad", padNode, $"into {padding} padding of {n.Describe()}"));
            return (EnsureLayout(source, Layouts.NhwcOfNchw, n.Describe()), padding, inH, inW);
        }
        // Explicit padding, then VALID. The end pad is trimmed to what the last window reads.
        int bottom = Math.Max(0, (outH - 1) * sh + (kh - 1) * dh + 1 - inH - pads.Top);
        int right = Math.Max(0, (outW - 1) * sw + (kw - 1) * dw + 1 - inW - pads.Left);
        int ph = inH + pads.Top + bottom, pw = inW + pads.Left + right;
        int src = EnsureLayout(source, Layouts.NhwcOfNchw, n.Describe());
        var srcShape = _draft.Tensors[src].Shape;
        int padded = _draft.AddTensor(n.Outputs[0] + "/padded", "", [srcShape[0], ph, pw, srcShape[3]]);
        int paddings = _draft.AddConstant(n.Outputs[0] + "/paddings", [4, 2], [0, 0, pads.Top, bottom, pads.Left, right, 0, 0]);
        if (padValue == 0)
            _draft.AddOp(BuiltinOp.Pad, [src, paddings], [padded], n.Describe());
        else
            _draft.AddOp(BuiltinOp.PadV2, [src, paddings, ConstTensor(n.Outputs[0] + "/pad_value", [], [padValue])], [padded], n.Describe());
        return (padded, Padding.Valid, ph, pw);
    }

    private void ImportConv(OnnxNode n)
    {
        if (In(n, 0).Rank == 3)
        {
            ImportLifted1D(n, ImportConv);
            return;
        }
        var x = In(n, 0);
        ExpectFloat(n, x);
        var w = ConstIn(n, 1, "weight");
        var b = OptConstIn(n, 2, "bias");
        if (x.Rank != 4 || w.Rank != 4)
            throw Unsupported(n, $"{x.Rank - 2}-D convolution (only 2-D, NCHW input of rank 4).");
        int group = (int)Int(n, "group", 1);
        int m = w.Shape[0], cPerGroup = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int c = x.Shape[1];
        if (group <= 0 || cPerGroup * group != c || m % group != 0)
            throw Error(n, $"weight {Layouts.Format(w.Shape)} with group {group} does not fit {c} input channels.");
        if (Ints(n, "kernel_shape") is { } ks && (ks.Length != 2 || ks[0] != kh || ks[1] != kw))
            throw Error(n, $"kernel_shape [{string.Join(',', ks)}] differs from the weight's {kh}x{kw}.");
        var s = Attr2(n, "strides", 1);
        var d = Attr2(n, "dilations", 1);
        int effH = (kh - 1) * d[0] + 1, effW = (kw - 1) * d[1] + 1;
        var pads = ResolvePads(n, x.Shape[2], x.Shape[3], effH, effW, s[0], s[1]);
        int outH = (x.Shape[2] + pads.Top + pads.Bottom - effH) / s[0] + 1;
        int outW = (x.Shape[3] + pads.Left + pads.Right - effW) / s[1] + 1;
        if (x.Pad is { } dp0 && dp0.Pads.Where((v, i) => i % 4 < 2 && v != 0).Any())
            x = MaterializePad(x); // padding batch or channels cannot fold into the conv
        if (outH <= 0 || outW <= 0)
            throw Error(n, $"window {effH}x{effW} does not fit the padded input.");
        var (input, padding, _, _) = WindowInput(n, x, ref pads, kh, kw, s[0], s[1], d[0], d[1], outH, outW, 0f, allowFold: true);

        bool depthwise = group == c && cPerGroup == 1 && group > 1;
        float[] filter;
        int[] filterShape;
        if (depthwise)
        {
            // [M, 1, kh, kw] → [1, kh, kw, M]; ONNX output channel g*mult+j is TFLite channel g*mult+j.
            filterShape = [1, kh, kw, m];
            filter = w.Transpose([1, 2, 3, 0]).ToFloats();
        }
        else
        {
            // OIHW → OHWI (grouped: I is the per-group input depth).
            filterShape = [m, kh, kw, cPerGroup];
            filter = w.Transpose([0, 2, 3, 1]).ToFloats();
        }
        int filterTensor = ConstTensor(n.Outputs[0] + "/filter", filterShape, filter);
        int biasTensor = b is null ? -1 : ConstTensor(n.Outputs[0] + "/bias", [m], b.ToFloats());
        var options = new OpOptions
        {
            Padding = padding, StrideH = s[0], StrideW = s[1], DilationH = d[0], DilationW = d[1],
            DepthMultiplier = depthwise ? m / c : 0,
        };
        int[] inputs = biasTensor >= 0 ? [input, filterTensor, biasTensor] : [input, filterTensor];
        Emit(n, depthwise ? BuiltinOp.DepthwiseConv2D : BuiltinOp.Conv2D, inputs, n.Outputs[0],
            [x.Shape[0], m, outH, outW], Layouts.NhwcOfNchw, options);
    }

    private void ImportPool(OnnxNode n)
    {
        if (In(n, 0).Rank == 3 && !(n.Outputs.Length > 1 && n.Outputs[1].Length > 0))
        {
            ImportLifted1D(n, ImportPool);
            return;
        }
        var x = In(n, 0);
        ExpectFloat(n, x);
        if (x.Rank != 4)
            throw Unsupported(n, $"{x.Rank - 2}-D pooling (only 2-D).");
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0)
            throw Unsupported(n, "MaxPool's indices output.");
        bool max = n.OpType == "MaxPool";
        var k = Attr2(n, "kernel_shape", 0);
        var s = Attr2(n, "strides", 1);
        var d = Attr2(n, "dilations", 1);
        if (d[0] != 1 || d[1] != 1)
            throw Unsupported(n, $"pooling dilations [{d[0]},{d[1]}].");
        bool ceil = Int(n, "ceil_mode", 0) != 0;
        bool countPad = Int(n, "count_include_pad", 0) != 0;
        if (x.Pad is not null)
            x = MaterializePad(x);
        int inH = x.Shape[2], inW = x.Shape[3];
        var pads = ResolvePads(n, inH, inW, k[0], k[1], s[0], s[1]);
        int OutSize(int input, int before, int after, int kernel, int stride)
        {
            int span = input + before + after - kernel;
            int o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
            if (ceil && (o - 1) * stride >= input + before) o--; // the last window must start inside the input or leading pad
            return o;
        }
        int outH = OutSize(inH, pads.Top, pads.Bottom, k[0], s[0]);
        int outW = OutSize(inW, pads.Left, pads.Right, k[1], s[1]);
        bool anyPad = pads.Top + pads.Left + pads.Bottom + pads.Right > 0;
        float padValue = max ? float.NegativeInfinity : 0f;
        bool allowSame = true;
        if (!max && countPad && anyPad)
        {
            // Padded cells count: pad zeros explicitly; a ceil_mode window past the pads would count differently.
            allowSame = false;
            ceil = false;
            if (OutSize(inH, pads.Top, pads.Bottom, k[0], s[0]) != outH || OutSize(inW, pads.Left, pads.Right, k[1], s[1]) != outW)
                throw Unsupported(n, "AveragePool with count_include_pad=1 and ceil_mode windows past the pads.");
        }
        else if (!max && TfLitePadding(pads, inH, inW, k[0], k[1], s[0], s[1], 1, 1, outH, outW) is null)
        {
            throw Unsupported(n, $"AveragePool pads [{pads.Top},{pads.Left},{pads.Bottom},{pads.Right}] ceil_mode={ceil} count_include_pad=0 have no TFLite SAME/VALID equivalent.");
        }
        var (input, padding, _, _) = WindowInput(n, x, ref pads, k[0], k[1], s[0], s[1], 1, 1, outH, outW, padValue, allowFold: false, allowSame);
        var options = new OpOptions { Padding = padding, StrideH = s[0], StrideW = s[1], FilterH = k[0], FilterW = k[1] };
        Emit(n, max ? BuiltinOp.MaxPool2D : BuiltinOp.AveragePool2D, [input], n.Outputs[0], [x.Shape[0], x.Shape[1], outH, outW], Layouts.NhwcOfNchw, options);
    }

    private void ImportGlobalAveragePool(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        if (x.Rank != 4) throw Unsupported(n, $"GlobalAveragePool over rank {x.Rank} (only 4-D NCHW).");
        int input = EnsureLayout(x, Layouts.NhwcOfNchw, n.Describe());
        Emit(n, BuiltinOp.Mean, [input, IntTensor(n.Outputs[0] + "/axes", [1, 2])], n.Outputs[0],
            [x.Shape[0], x.Shape[1], 1, 1], Layouts.NhwcOfNchw, new OpOptions { KeepDims = true });
    }

    private void ImportGlobalMaxPool(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        if (x.Rank != 4) throw Unsupported(n, $"GlobalMaxPool over rank {x.Rank} (only 4-D NCHW).");
        int input = EnsureLayout(x, Layouts.NhwcOfNchw, n.Describe());
        var options = new OpOptions { Padding = Padding.Valid, FilterH = x.Shape[2], FilterW = x.Shape[3] };
        Emit(n, BuiltinOp.MaxPool2D, [input], n.Outputs[0], [x.Shape[0], x.Shape[1], 1, 1], Layouts.NhwcOfNchw, options);
    }

    private void ImportReduceMean(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        long[]? axes = _opset < 18 ? Ints(n, "axes") : OptConstIn(n, 1, "axes")?.ToLongs();
        bool keep = Int(n, "keepdims", 1) != 0;
        var set = (axes ?? Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray()).Select(a => Axis(n, a, x.Rank)).ToHashSet();
        if (x.Rank != 4 || !set.SetEquals([2, 3]))
            throw Unsupported(n, $"ReduceMean over axes [{string.Join(',', set.Order())}] of a rank-{x.Rank} tensor (only the spatial axes 2,3 of NCHW).");
        int input = EnsureLayout(x, Layouts.NhwcOfNchw, n.Describe());
        var options = new OpOptions { KeepDims = keep };
        var axesTensor = IntTensor(n.Outputs[0] + "/axes", [1, 2]);
        if (keep)
            Emit(n, BuiltinOp.Mean, [input, axesTensor], n.Outputs[0], [x.Shape[0], x.Shape[1], 1, 1], Layouts.NhwcOfNchw, options);
        else
            Emit(n, BuiltinOp.Mean, [input, axesTensor], n.Outputs[0], [x.Shape[0], x.Shape[1]], [0, 1], options);
    }

    private void ImportBatchNorm(OnnxNode n)
    {
        var x = In(n, 0);
        ExpectFloat(n, x);
        if (Int(n, "training_mode", 0) != 0 || n.Outputs.Skip(1).Any(o => o.Length > 0))
            throw Unsupported(n, "BatchNormalization in training mode (running mean/var outputs).");
        var scale = ConstIn(n, 1, "scale").ToFloats();
        var bias = ConstIn(n, 2, "B").ToFloats();
        var mean = ConstIn(n, 3, "mean").ToFloats();
        var variance = ConstIn(n, 4, "var").ToFloats();
        float eps = Float(n, "epsilon", 1e-5f);
        int c = x.Rank >= 2 ? x.Shape[1] : throw Error(n, "input has rank < 2.");
        if (scale.Length != c || bias.Length != c || mean.Length != c || variance.Length != c)
            throw Error(n, $"parameters do not all have {c} channels.");
        var mul = new float[c];
        var add = new float[c];
        for (int i = 0; i < c; i++)
        {
            mul[i] = (float)(scale[i] / Math.Sqrt(variance[i] + (double)eps));
            add[i] = (float)(bias[i] - mean[i] * (double)mul[i]);
        }
        if (SoleProducer(x) is { Options.Activation: FusedActivation.None } op
            && op.Op is BuiltinOp.Conv2D or BuiltinOp.DepthwiseConv2D or BuiltinOp.FullyConnected)
        {
            var filter = _draft.Tensors[op.Inputs[1]];
            var f = filter.Floats!;
            bool lastAxis = op.Op == BuiltinOp.DepthwiseConv2D;
            int per = f.Length / c;
            for (int i = 0; i < f.Length; i++)
                f[i] *= mul[lastAxis ? i % c : i / per];
            float[] newBias = new float[c];
            float[]? oldBias = op.Inputs.Length > 2 && op.Inputs[2] >= 0 ? _draft.Tensors[op.Inputs[2]].Floats : null;
            for (int i = 0; i < c; i++)
                newBias[i] = (oldBias?[i] ?? 0f) * mul[i] + add[i];
            op.Inputs = [op.Inputs[0], op.Inputs[1], ConstTensor(n.Outputs[0] + "/bias", [c], newBias)];
            var t = _draft.Tensors[x.Tensor];
            t.Name = n.Outputs[0];
            t.OnnxName = n.Outputs[0];
            Alias(n, 0, x);
            _notes.Add(new ImportNote("folded-batchnorm", n.Describe(), $"into {BuiltinOpNames.Name(op.Op)} from {op.OnnxNode}"));
            return;
        }
        // Standalone: y = x * mul + add per channel (axis 1).
        var cshape = Enumerable.Range(0, x.Rank).Select(i => i == 1 ? c : 1).ToArray();
        var scaled = EmitBinaryConst(n, BuiltinOp.Mul, x, new HostTensor(cshape, Array.ConvertAll(mul, v => (double)v), OnnxDataType.Float), n.Outputs[0] + "/scaled");
        var v = EmitBinaryConst(n, BuiltinOp.Add, scaled, new HostTensor(cshape, Array.ConvertAll(add, v => (double)v), OnnxDataType.Float), n.Outputs[0]);
        _values[n.Outputs[0]] = v;
        _notes.Add(new ImportNote("batchnorm-as-mul-add", n.Describe(), "no single-consumer Conv/Gemm producer to fold into"));
    }

    private void ImportGemm(OnnxNode n)
    {
        var a = Materialized(In(n, 0), n);
        ExpectFloat(n, a);
        var bMat = ConstIn(n, 1, "B");
        var cTensor = OptConstIn(n, 2, "C");
        float alpha = Float(n, "alpha", 1f), beta = Float(n, "beta", 1f);
        bool transA = Int(n, "transA", 0) != 0, transB = Int(n, "transB", 0) != 0;
        if (a.Rank != 2 || bMat.Rank != 2)
            throw Unsupported(n, "Gemm inputs must be 2-D.");
        if (transA)
        {
            a = new ImportValue { Name = a.Name + "/T", Shape = [a.Shape[1], a.Shape[0]], Tensor = a.Tensor, Layout = Layouts.AfterTranspose(a.Layout, [1, 0]), Producer = -1 };
        }
        var w = transB ? bMat : bMat.Transpose([1, 0]); // [N, K]
        int units = w.Shape[0], depth = w.Shape[1];
        if (a.Shape[1] != depth)
            throw Error(n, $"A {Layouts.Format(a.Shape)} and B {Layouts.Format(bMat.Shape)} do not multiply.");
        var weights = w.ToFloats();
        if (alpha != 1f)
            for (int i = 0; i < weights.Length; i++) weights[i] *= alpha;
        int batch = a.Shape[0];
        int input = InOnnxOrder(a, n.Describe());
        var inputs = new List<int> { input, ConstTensor(n.Outputs[0] + "/weights", [units, depth], weights) };
        HostTensor? matrixBias = null;
        if (cTensor is not null && beta != 0f)
        {
            var full = cTensor.BroadcastTo([batch, units], n.Describe());
            bool perUnit = cTensor.Rank < 2 || cTensor.Shape[0] == 1;
            if (perUnit)
                inputs.Add(ConstTensor(n.Outputs[0] + "/bias", [units], full.ToFloats().Take(units).Select(v => v * beta).ToArray()));
            else
                matrixBias = Map(full, v => v * beta);
        }
        if (matrixBias is null)
        {
            Emit(n, BuiltinOp.FullyConnected, [.. inputs], n.Outputs[0], [batch, units], [0, 1]);
            return;
        }
        var product = Emit(n, BuiltinOp.FullyConnected, [.. inputs], n.Outputs[0] + "/matmul", [batch, units], [0, 1]);
        _values[n.Outputs[0]] = EmitBinaryConst(n, BuiltinOp.Add, product, matrixBias, n.Outputs[0]);
    }

    private void ImportMatMul(OnnxNode n)
    {
        var a = In(n, 0);
        ExpectFloat(n, a);
        var b = In(n, 1);
        if (b.Constant is not { } bMat || bMat.Rank != 2 || a.Rank < 2)
            throw Unsupported(n, "MatMul needs a constant 2-D right-hand side and an input of rank >= 2 (FULLY_CONNECTED).");
        int depth = bMat.Shape[0], units = bMat.Shape[1];
        if (a.Shape[^1] != depth)
            throw Error(n, $"{Layouts.Format(a.Shape)} x {Layouts.Format(bMat.Shape)} do not multiply.");
        int input = InOnnxOrder(a, n.Describe());
        var shape = a.Shape[..^1].Append(units).ToArray();
        Emit(n, BuiltinOp.FullyConnected, [input, ConstTensor(n.Outputs[0] + "/weights", [units, depth], bMat.Transpose([1, 0]).ToFloats())],
            n.Outputs[0], shape, Layouts.Identity(shape.Length), new OpOptions { KeepNumDims = true });
    }
}
