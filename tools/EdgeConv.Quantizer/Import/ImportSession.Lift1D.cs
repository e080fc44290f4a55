using EdgeConv.Graph;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// 1-D Conv and pooling (NCW) run as their 2-D forms over an [N, C, 1, W] view: the input is
/// reshaped to H = 1, the window attributes gain a leading 1, and the result is reshaped back.
/// </summary>
internal sealed partial class ImportSession
{
    private static readonly int[] NwcOfNcw = [0, 2, 1];

    private void ImportLifted1D(OnnxNode n, Action<OnnxNode> import2D)
    {
        var x = Materialized(In(n, 0), n);
        int batch = x.Shape[0], channels = x.Shape[1], width = x.Shape[2];
        string liftedName = n.Outputs[0] + "/input_2d";
        int t3 = EnsureLayout(x, NwcOfNcw, n.Describe());
        int t4 = _draft.AddTensor(liftedName, x.Name, [batch, 1, width, channels]);
        _draft.AddOp(BuiltinOp.Reshape, [t3, IntTensor(liftedName + "/shape", [batch, 1, width, channels])], [t4], n.Describe());
        _values[liftedName] = new ImportValue { Name = liftedName, Shape = [batch, channels, 1, width], Tensor = t4, Layout = Layouts.NhwcOfNchw };

        var inputs = (string[])n.Inputs.Clone();
        inputs[0] = liftedName;
        if (n.OpType == "Conv")
        {
            var w = ConstIn(n, 1, "weight");
            if (w.Rank != 3) throw Error(n, $"weight {Layouts.Format(w.Shape)} is not 3-D for a 1-D convolution.");
            inputs[1] = n.Outputs[0] + "/weight_2d";
            _values[inputs[1]] = Const(inputs[1], w.Reshape([w.Shape[0], w.Shape[1], 1, w.Shape[2]]));
        }
        string out2D = n.Outputs[0] + "/output_2d";
        var attributes = new Dictionary<string, OnnxAttributeValue>();
        foreach (var (key, a) in n.Attributes)
        {
            long[]? lifted = key switch
            {
                "kernel_shape" or "strides" or "dilations" when a.Ints.Length == 1 => [1, a.Ints[0]],
                "pads" when a.Ints.Length == 2 => [0, a.Ints[0], 0, a.Ints[1]],
                _ => null,
            };
            attributes[key] = lifted is null ? a : new OnnxAttributeValue { Name = key, Type = OnnxAttributeType.Ints, Ints = lifted };
        }
        var node2D = new OnnxNode { Name = n.Name.Length > 0 ? n.Name : n.Outputs[0], OpType = n.OpType, Domain = n.Domain, Inputs = inputs, Outputs = [out2D], Attributes = attributes };
        import2D(node2D);

        var y = Materialized(_values[out2D], n);
        int outChannels = y.Shape[1], outWidth = y.Shape[3];
        int t = NewTensor(n.Outputs[0], [batch, outChannels, outWidth], NwcOfNcw);
        int op = _draft.AddOp(BuiltinOp.Reshape, [EnsureLayout(y, Layouts.NhwcOfNchw, n.Describe()), IntTensor(n.Outputs[0] + "/shape", [batch, outWidth, outChannels])], [t], n.Describe());
        _values[n.Outputs[0]] = new ImportValue { Name = n.Outputs[0], Shape = [batch, outChannels, outWidth], Tensor = t, Layout = NwcOfNcw, Producer = op };
        _notes.Add(new ImportNote("lifted-1d", n.Describe(), "run as the 2-D op over an H = 1 view"));
    }
}
