using EdgeConv.Quantization;

namespace EdgeConv.Graph;

/// <summary>SAME or VALID, as TFLite encodes them.</summary>
public enum Padding : byte
{
    /// <summary>Output = ceil(in / stride); pads split with the extra pixel after.</summary>
    Same = 0,
    /// <summary>No padding.</summary>
    Valid = 1,
}

/// <summary>An operator of the graph with its decoded builtin options.</summary>
public sealed class OperatorInfo
{
    /// <summary>Position of the op in execution order.</summary>
    public required int Index { get; init; }

    /// <summary>The builtin code.</summary>
    public required BuiltinOp Op { get; init; }

    /// <summary>Version of the op code the model declares.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Input tensor indices; -1 marks an omitted optional input.</summary>
    public required int[] Inputs { get; init; }

    /// <summary>Output tensor indices.</summary>
    public required int[] Outputs { get; init; }

    /// <summary>Decoded options (defaults when the model omits them).</summary>
    public OpOptions Options { get; init; } = new();

    /// <summary>"op 3 (DEPTHWISE_CONV_2D)" for messages.</summary>
    public string Describe() => $"op {Index} ({BuiltinOpNames.Name(Op)})";
}

/// <summary>The union of the builtin options EdgeConv reads; each op uses its own fields.</summary>
public sealed record OpOptions
{
    /// <summary>Conv/pool padding.</summary>
    public Padding Padding { get; init; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; init; } = 1;
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; init; } = 1;
    /// <summary>Horizontal dilation.</summary>
    public int DilationW { get; init; } = 1;
    /// <summary>Vertical dilation.</summary>
    public int DilationH { get; init; } = 1;
    /// <summary>Depthwise channel multiplier as stored (may be 0 in newer converters).</summary>
    public int DepthMultiplier { get; init; }
    /// <summary>Pool window width.</summary>
    public int FilterW { get; init; }
    /// <summary>Pool window height.</summary>
    public int FilterH { get; init; }
    /// <summary>Fused activation function.</summary>
    public FusedActivation Activation { get; init; }
    /// <summary>FULLY_CONNECTED keep_num_dims.</summary>
    public bool KeepNumDims { get; init; }
    /// <summary>FULLY_CONNECTED weights_format (0 = DEFAULT).</summary>
    public int WeightsFormat { get; init; }
    /// <summary>SOFTMAX beta.</summary>
    public float Beta { get; init; }
    /// <summary>CONCATENATION axis.</summary>
    public int Axis { get; init; }
    /// <summary>MEAN keep_dims.</summary>
    public bool KeepDims { get; init; }
    /// <summary>RESHAPE new_shape (may be absent; the shape tensor then decides).</summary>
    public int[]? NewShape { get; init; }
    /// <summary>SQUEEZE squeeze_dims.</summary>
    public int[]? SqueezeDims { get; init; }
    /// <summary>LEAKY_RELU alpha (the slope for negative inputs).</summary>
    public float Alpha { get; init; }
    /// <summary>RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR align_corners.</summary>
    public bool AlignCorners { get; init; }
    /// <summary>RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR half_pixel_centers.</summary>
    public bool HalfPixelCenters { get; init; }
}
