using System.Text.RegularExpressions;

namespace EdgeConv.Quantizer.Tests.Conformance;

/// <summary>
/// Which cases of ONNX's backend conformance data (Debian libonnx-testdata) the importer must
/// handle, and which it must refuse (with the reason it refuses them).
/// </summary>
internal static partial class OnnxConformanceCases
{
    public const string Root = "/usr/share/libonnx-testdata/data";

    /// <summary>Case folders (relative to <see cref="Root"/>) for the ops the importer supports.</summary>
    [GeneratedRegex("^test_(" +
        "(basic_)?conv_|conv_with|averagepool_|maxpool_|globalaveragepool|globalmaxpool|gemm_|matmul_|relu$|clip|add|mul|sub|div|" +
        "softmax_|batchnorm_|flatten_|reshape_|transpose_|concat_|constant_pad|edge_pad|reflect_pad|reduce_mean_|sigmoid|" +
        "hardsigmoid|hardswish|leakyrelu|resize_|upsample_|identity$|dropout_|squeeze|unsqueeze|shape|constant$|constantofshape_|" +
        // pytorch-converted and pytorch-operator names
        "AvgPool|BatchNorm|ConstantPad2d|ZeroPad2d|Conv[123]d|LeakyReLU|Linear|MaxPool|ReLU|Sigmoid|Softmax$|softmax_|" +
        "operator_(add|addconstant|addmm|basic|clip|concat2|conv|flatten|maxpool|mm|pad|params|permute2|reduced_mean|view)" +
        ")")]
    private static partial Regex SupportedOpPattern();

    public static IEnumerable<string> All()
    {
        foreach (string suite in new[] { "node", "pytorch-converted", "pytorch-operator" })
        {
            string dir = Path.Combine(Root, suite);
            if (!Directory.Exists(dir))
                continue;
            foreach (string c in Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!)
                if (SupportedOpPattern().IsMatch(c!) && !c!.EndsWith("_expanded", StringComparison.Ordinal))
                    yield return $"{suite}/{c}";
        }
    }

    /// <summary>Cases the importer must refuse with <c>OnnxImportException</c>, and why.</summary>
    /// <remarks>
    /// The reasons, by family: 3-D convs and pools and rank-5 BatchNorm (EdgeConv is 2-D NHWC;
    /// 1-D ops run as 2-D over an H = 1 view); non-float inputs (uint8/int8/int32/int64/double tests); pool dilations, indices
    /// outputs, AveragePool pads that TFLite's SAME/VALID cannot express with
    /// count_include_pad=0; training-mode BatchNorm and Dropout masks; cubic Resize,
    /// tf_crop_and_resize, exclude_outside and non-integral scales (TFLite derives the scale from
    /// sizes); ReduceMean other than over H,W; batched MatMul; edge/reflect Pad; Tanh and
    /// ConvTranspose (out of scope); graphs whose output is a constant (Shape, Constant);
    /// zero-size tensors.
    /// </remarks>
    public static readonly IReadOnlyDictionary<string, string> ExpectedUnsupported = new Dictionary<string, string>
    {
        ["node/test_add_uint8"] = "graph input 'x' has element type UInt8; only float32 inputs are supported.",
        ["node/test_averagepool_2d_pads"] = "AveragePool node 'y': unsupported: AveragePool pads [2,2,2,2] ceil_mode=False count_include_pad=0 have no TFLite SAME/VALID equivalent.",
        ["node/test_averagepool_2d_same_lower"] = "AveragePool node 'y': unsupported: AveragePool pads [1,1,0,0] ceil_mode=False count_include_pad=0 have no TFLite SAME/VALID equivalent.",
        ["node/test_averagepool_3d_default"] = "AveragePool node 'y': unsupported: 3-D pooling (only 2-D).",
        ["node/test_batchnorm_epsilon_training_mode"] = "BatchNormalization node 'y': unsupported: BatchNormalization in training mode (running mean/var outputs).",
        ["node/test_batchnorm_example_training_mode"] = "BatchNormalization node 'y': unsupported: BatchNormalization in training mode (running mean/var outputs).",
        ["node/test_clip_default_int8_inbounds"] = "graph input 'x' has element type Int8; only float32 inputs are supported.",
        ["node/test_clip_default_int8_max"] = "graph input 'x' has element type Int8; only float32 inputs are supported.",
        ["node/test_clip_default_int8_min"] = "graph input 'x' has element type Int8; only float32 inputs are supported.",
        ["node/test_constant"] = "graph output 'values' is a constant; EdgeConv graphs compute every output.",
        ["node/test_constantofshape_float_ones"] = "graph input 'x' has element type Int64; only float32 inputs are supported.",
        ["node/test_constantofshape_int_shape_zero"] = "graph input 'x' has element type Int64; only float32 inputs are supported.",
        ["node/test_constantofshape_int_zeros"] = "graph input 'x' has element type Int64; only float32 inputs are supported.",
        ["node/test_div_uint8"] = "graph input 'x' has element type UInt8; only float32 inputs are supported.",
        ["node/test_dropout_default_mask"] = "Dropout node 'y': unsupported: Dropout's mask output is used.",
        ["node/test_dropout_default_mask_ratio"] = "Dropout node 'y': unsupported: Dropout's mask output is used.",
        ["node/test_edge_pad"] = "graph input 'x' has element type Int32; only float32 inputs are supported.",
        ["node/test_matmul_3d"] = "MatMul node 'c': unsupported: MatMul needs a constant 2-D right-hand side and an input of rank >= 2 (FULLY_CONNECTED).",
        ["node/test_matmul_4d"] = "MatMul node 'c': unsupported: MatMul needs a constant 2-D right-hand side and an input of rank >= 2 (FULLY_CONNECTED).",
        ["node/test_maxpool_2d_dilations"] = "MaxPool node 'y': unsupported: pooling dilations [2,2].",
        ["node/test_maxpool_2d_uint8"] = "graph input 'x' has element type UInt8; only float32 inputs are supported.",
        ["node/test_maxpool_3d_default"] = "MaxPool node 'y': unsupported: 3-D pooling (only 2-D).",
        ["node/test_maxpool_with_argmax_2d_precomputed_pads"] = "MaxPool node 'y': unsupported: MaxPool's indices output.",
        ["node/test_maxpool_with_argmax_2d_precomputed_strides"] = "MaxPool node 'y': unsupported: MaxPool's indices output.",
        ["node/test_mul_uint8"] = "graph input 'x' has element type UInt8; only float32 inputs are supported.",
        ["node/test_reduce_mean_default_axes_keepdims_example"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [0,1,2] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_default_axes_keepdims_random"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [0,1,2] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_do_not_keepdims_example"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [1] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_do_not_keepdims_random"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [1] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_keepdims_example"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [1] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_keepdims_random"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [1] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_negative_axes_keepdims_example"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [1] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reduce_mean_negative_axes_keepdims_random"] = "ReduceMean node 'reduced': unsupported: ReduceMean over axes [1] of a rank-3 tensor (only the spatial axes 2,3 of NCHW).",
        ["node/test_reflect_pad"] = "graph input 'x' has element type Int32; only float32 inputs are supported.",
        ["node/test_reshape_allowzero_reordered"] = "Reshape node 'reshaped': shape [3,4,0] does not hold the input's 12 elements.",
        ["node/test_resize_downsample_scales_cubic"] = "Resize node 'Y': unsupported: scales that are not exactly output size / input size (TFLite derives the scale from the sizes).",
        ["node/test_resize_downsample_scales_cubic_A_n0p5_exclude_outside"] = "Resize node 'Y': unsupported: exclude_outside=1.",
        ["node/test_resize_downsample_scales_cubic_align_corners"] = "Resize node 'Y': unsupported: scales that are not exactly output size / input size (TFLite derives the scale from the sizes).",
        ["node/test_resize_downsample_scales_linear"] = "Resize node 'Y': unsupported: scales that are not exactly output size / input size (TFLite derives the scale from the sizes).",
        ["node/test_resize_downsample_scales_linear_align_corners"] = "Resize node 'Y': unsupported: scales that are not exactly output size / input size (TFLite derives the scale from the sizes).",
        ["node/test_resize_downsample_scales_nearest"] = "Resize node 'Y': unsupported: scales that are not exactly output size / input size (TFLite derives the scale from the sizes).",
        ["node/test_resize_downsample_sizes_cubic"] = "Resize node 'Y': unsupported: Resize mode 'cubic' (nearest and linear only).",
        ["node/test_resize_downsample_sizes_linear_pytorch_half_pixel"] = "Resize node 'Y': unsupported: linear Resize with coordinate_transformation_mode 'pytorch_half_pixel'.",
        ["node/test_resize_downsample_sizes_nearest"] = "Resize node 'Y': unsupported: nearest Resize with coordinate_transformation_mode 'half_pixel' and nearest_mode 'round_prefer_floor' for 2x4 -> 1x3 has no TFLite equivalent.",
        ["node/test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn"] = "Resize node 'Y': unsupported: nearest Resize with coordinate_transformation_mode 'tf_half_pixel_for_nn' and nearest_mode 'round_prefer_floor' for 4x4 -> 3x2 has no TFLite equivalent.",
        ["node/test_resize_tf_crop_and_resize"] = "Resize node 'Y': unsupported: linear Resize with coordinate_transformation_mode 'tf_crop_and_resize'.",
        ["node/test_resize_upsample_scales_cubic"] = "Resize node 'Y': unsupported: Resize mode 'cubic' (nearest and linear only).",
        ["node/test_resize_upsample_scales_cubic_A_n0p5_exclude_outside"] = "Resize node 'Y': unsupported: exclude_outside=1.",
        ["node/test_resize_upsample_scales_cubic_align_corners"] = "Resize node 'Y': unsupported: Resize mode 'cubic' (nearest and linear only).",
        ["node/test_resize_upsample_scales_cubic_asymmetric"] = "Resize node 'Y': unsupported: Resize mode 'cubic' (nearest and linear only).",
        ["node/test_resize_upsample_sizes_cubic"] = "Resize node 'Y': unsupported: Resize mode 'cubic' (nearest and linear only).",
        ["node/test_resize_upsample_sizes_nearest_ceil_half_pixel"] = "Resize node 'Y': unsupported: nearest Resize with coordinate_transformation_mode 'half_pixel' and nearest_mode 'ceil' for 4x4 -> 8x8 has no TFLite equivalent.",
        ["node/test_resize_upsample_sizes_nearest_floor_align_corners"] = "Resize node 'Y': unsupported: nearest Resize with coordinate_transformation_mode 'align_corners' and nearest_mode 'floor' for 4x4 -> 8x8 has no TFLite equivalent.",
        ["node/test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric"] = "Resize node 'Y': unsupported: nearest Resize with coordinate_transformation_mode 'asymmetric' and nearest_mode 'round_prefer_ceil' for 4x4 -> 8x8 has no TFLite equivalent.",
        ["node/test_shape"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_clip_end"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_clip_start"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_end_1"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_end_negative_1"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_example"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_start_1"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_start_1_end_2"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_start_1_end_negative_1"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_shape_start_negative_1"] = "graph output 'y' is a constant; EdgeConv graphs compute every output.",
        ["node/test_sub_uint8"] = "graph input 'x' has element type UInt8; only float32 inputs are supported.",
        ["pytorch-converted/test_AvgPool3d"] = "AveragePool node '1': unsupported: 3-D pooling (only 2-D).",
        ["pytorch-converted/test_AvgPool3d_stride"] = "AveragePool node '1': unsupported: 3-D pooling (only 2-D).",
        ["pytorch-converted/test_AvgPool3d_stride1_pad0_gpu_input"] = "AveragePool node '1': unsupported: 3-D pooling (only 2-D).",
        ["pytorch-converted/test_BatchNorm3d_eval"] = "BatchNormalization node '5': unsupported: broadcast of rank 5 (at most 4).",
        ["pytorch-converted/test_BatchNorm3d_momentum_eval"] = "BatchNormalization node '5': unsupported: broadcast of rank 5 (at most 4).",
        ["pytorch-converted/test_Conv3d"] = "Conv node '3': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_Conv3d_dilated"] = "Conv node '3': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_Conv3d_dilated_strided"] = "Conv node '3': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_Conv3d_groups"] = "Conv node '3': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_Conv3d_no_bias"] = "Conv node '2': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_Conv3d_stride"] = "Conv node '3': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_Conv3d_stride_padding"] = "Conv node '3': unsupported: 3-D convolution (only 2-D, NCHW input of rank 4).",
        ["pytorch-converted/test_MaxPool1d_stride_padding_dilation"] = "MaxPool node 'Y': unsupported: pooling dilations [1,10].",
        ["pytorch-converted/test_MaxPool2d_stride_padding_dilation"] = "MaxPool node 'Y': unsupported: pooling dilations [10,10].",
        ["pytorch-converted/test_MaxPool3d"] = "MaxPool node '1': unsupported: 3-D pooling (only 2-D).",
        ["pytorch-converted/test_MaxPool3d_stride"] = "MaxPool node '1': unsupported: 3-D pooling (only 2-D).",
        ["pytorch-converted/test_MaxPool3d_stride_padding"] = "MaxPool node '1': unsupported: 3-D pooling (only 2-D).",
        ["pytorch-operator/test_operator_add_broadcast"] = "graph input '0' has element type Double; only float32 inputs are supported.",
        ["pytorch-operator/test_operator_add_size1_broadcast"] = "graph input '0' has element type Double; only float32 inputs are supported.",
        ["pytorch-operator/test_operator_add_size1_right_broadcast"] = "graph input '0' has element type Double; only float32 inputs are supported.",
        ["pytorch-operator/test_operator_add_size1_singleton_broadcast"] = "graph input '0' has element type Double; only float32 inputs are supported.",
        ["pytorch-operator/test_operator_addconstant"] = "graph input '0' has element type Double; only float32 inputs are supported.",
        ["pytorch-operator/test_operator_addmm"] = "Gemm node '4': unsupported: C (input 2, '3') must be a constant.",
        ["pytorch-operator/test_operator_basic"] = "Tanh node '4': unsupported: operator Tanh (opset 6) has no EdgeConv mapping.",
        ["pytorch-operator/test_operator_convtranspose"] = "ConvTranspose node '2': unsupported: operator ConvTranspose (opset 6) has no EdgeConv mapping.",
        ["pytorch-operator/test_operator_pad"] = "Pad node '1': unsupported: Pad mode 'reflect' (only constant).",
        ["pytorch-operator/test_operator_params"] = "Tanh node '4': unsupported: operator Tanh (opset 6) has no EdgeConv mapping.",
        ["pytorch-operator/test_operator_reduced_mean"] = "ReduceMean node '1': unsupported: ReduceMean over axes [2] of a rank-4 tensor (only the spatial axes 2,3 of NCHW).",
        ["pytorch-operator/test_operator_reduced_mean_keepdim"] = "ReduceMean node '1': unsupported: ReduceMean over axes [2] of a rank-4 tensor (only the spatial axes 2,3 of NCHW).",
    };
}
