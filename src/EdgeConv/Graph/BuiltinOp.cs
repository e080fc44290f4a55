namespace EdgeConv.Graph;

/// <summary>TFLite builtin operator codes (the subset EdgeConv names; others keep their number).</summary>
public enum BuiltinOp
{
    /// <summary>ADD.</summary>
    Add = 0,
    /// <summary>AVERAGE_POOL_2D.</summary>
    AveragePool2D = 1,
    /// <summary>CONCATENATION.</summary>
    Concatenation = 2,
    /// <summary>CONV_2D.</summary>
    Conv2D = 3,
    /// <summary>DEPTHWISE_CONV_2D.</summary>
    DepthwiseConv2D = 4,
    /// <summary>DEQUANTIZE.</summary>
    Dequantize = 6,
    /// <summary>FULLY_CONNECTED.</summary>
    FullyConnected = 9,
    /// <summary>LOGISTIC.</summary>
    Logistic = 14,
    /// <summary>MAX_POOL_2D.</summary>
    MaxPool2D = 17,
    /// <summary>MUL.</summary>
    Mul = 18,
    /// <summary>RELU.</summary>
    Relu = 19,
    /// <summary>RELU_N1_TO_1.</summary>
    ReluN1To1 = 20,
    /// <summary>RELU6.</summary>
    Relu6 = 21,
    /// <summary>RESHAPE.</summary>
    Reshape = 22,
    /// <summary>RESIZE_BILINEAR.</summary>
    ResizeBilinear = 23,
    /// <summary>SOFTMAX.</summary>
    Softmax = 25,
    /// <summary>CUSTOM.</summary>
    Custom = 32,
    /// <summary>PAD.</summary>
    Pad = 34,
    /// <summary>TRANSPOSE.</summary>
    Transpose = 39,
    /// <summary>MEAN.</summary>
    Mean = 40,
    /// <summary>SUB.</summary>
    Sub = 41,
    /// <summary>SQUEEZE.</summary>
    Squeeze = 43,
    /// <summary>CAST.</summary>
    Cast = 53,
    /// <summary>MAXIMUM.</summary>
    Maximum = 55,
    /// <summary>MINIMUM.</summary>
    Minimum = 57,
    /// <summary>PADV2.</summary>
    PadV2 = 60,
    /// <summary>SLICE.</summary>
    Slice = 65,
    /// <summary>EQUAL.</summary>
    Equal = 71,
    /// <summary>RESIZE_NEAREST_NEIGHBOR.</summary>
    ResizeNearestNeighbor = 97,
    /// <summary>LEAKY_RELU.</summary>
    LeakyRelu = 98,
    /// <summary>QUANTIZE.</summary>
    Quantize = 114,
    /// <summary>HARD_SWISH.</summary>
    HardSwish = 117,
}

/// <summary>TFLite spellings of operator codes, for messages and the inspect table.</summary>
public static class BuiltinOpNames
{
    /// <summary>The TFLite name of a builtin code, e.g. DEPTHWISE_CONV_2D, or BUILTIN_&lt;n&gt;.</summary>
    public static string Name(BuiltinOp op) => op switch
    {
        BuiltinOp.Add => "ADD",
        BuiltinOp.AveragePool2D => "AVERAGE_POOL_2D",
        BuiltinOp.Concatenation => "CONCATENATION",
        BuiltinOp.Conv2D => "CONV_2D",
        BuiltinOp.DepthwiseConv2D => "DEPTHWISE_CONV_2D",
        BuiltinOp.Dequantize => "DEQUANTIZE",
        BuiltinOp.FullyConnected => "FULLY_CONNECTED",
        BuiltinOp.Logistic => "LOGISTIC",
        BuiltinOp.MaxPool2D => "MAX_POOL_2D",
        BuiltinOp.Mul => "MUL",
        BuiltinOp.Relu => "RELU",
        BuiltinOp.ReluN1To1 => "RELU_N1_TO_1",
        BuiltinOp.Relu6 => "RELU6",
        BuiltinOp.Reshape => "RESHAPE",
        BuiltinOp.ResizeBilinear => "RESIZE_BILINEAR",
        BuiltinOp.Softmax => "SOFTMAX",
        BuiltinOp.Custom => "CUSTOM",
        BuiltinOp.Pad => "PAD",
        BuiltinOp.Transpose => "TRANSPOSE",
        BuiltinOp.Mean => "MEAN",
        BuiltinOp.Sub => "SUB",
        BuiltinOp.Squeeze => "SQUEEZE",
        BuiltinOp.Cast => "CAST",
        BuiltinOp.Maximum => "MAXIMUM",
        BuiltinOp.Minimum => "MINIMUM",
        BuiltinOp.PadV2 => "PADV2",
        BuiltinOp.Slice => "SLICE",
        BuiltinOp.Equal => "EQUAL",
        BuiltinOp.ResizeNearestNeighbor => "RESIZE_NEAREST_NEIGHBOR",
        BuiltinOp.LeakyRelu => "LEAKY_RELU",
        BuiltinOp.Quantize => "QUANTIZE",
        BuiltinOp.HardSwish => "HARD_SWISH",
        _ => $"BUILTIN_{(int)op}",
    };
}
