using EdgeConv.Formats;
using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Quantization;

namespace EdgeConv.Runtime.Operations;

/// <summary>Validation helpers for an op's Prepare: every failure names the model, op and tensor.</summary>
internal sealed class PrepareContext
{
    public PrepareContext(ModelGraph graph, OperatorInfo op)
    {
        Graph = graph;
        Op = op;
    }

    public ModelGraph Graph { get; }
    public OperatorInfo Op { get; }

    public ModelFormatException Error(string what) => new($"{Graph.Name}: {Op.Describe()}: {what}");

    /// <summary>Runs a kernel's Prepare, turning its argument checks into a model error naming this op.</summary>
    public T Guard<T>(Func<T> prepare)
    {
        try
        {
            return prepare();
        }
        catch (ArgumentException e)
        {
            throw Error(e.Message);
        }
    }

    /// <summary>Runs a kernel's argument check, turning its <see cref="ArgumentException"/> into a model error naming this op.</summary>
    public void Guard(Action check) => Guard(() =>
    {
        check();
        return true;
    });

    public void ExpectCounts(int minInputs, int maxInputs, int outputs)
    {
        if (Op.Inputs.Length < minInputs || Op.Inputs.Length > maxInputs)
            throw Error($"has {Op.Inputs.Length} inputs, expected {(minInputs == maxInputs ? minInputs.ToString() : $"{minInputs} to {maxInputs}")}.");
        if (Op.Outputs.Length != outputs)
            throw Error($"has {Op.Outputs.Length} outputs, expected {outputs}.");
    }

    public TensorInfo Input(int i)
    {
        int t = i < Op.Inputs.Length ? Op.Inputs[i] : -1;
        if (t < 0)
            throw Error($"input {i} is missing.");
        return Graph.Tensors[t];
    }

    public TensorInfo? OptionalInput(int i)
    {
        int t = i < Op.Inputs.Length ? Op.Inputs[i] : -1;
        return t < 0 ? null : Graph.Tensors[t];
    }

    public TensorInfo Output(int i) => Graph.Tensors[Op.Outputs[i]];

    public void ExpectType(TensorInfo t, ElementType type, string role)
    {
        if (t.Type != type)
            throw Error($"{role} {t.Describe()} has type {t.Type}, expected {type}.");
    }

    public void ExpectRank(TensorInfo t, int rank, string role)
    {
        if (t.Shape.Length != rank)
            throw Error($"{role} {t.Describe()} has rank {t.Shape.Length}, expected {rank}.");
    }

    public void ExpectConstant(TensorInfo t, string role)
    {
        if (!t.IsConstant)
            throw Error($"{role} {t.Describe()} must be a constant tensor stored in the model.");
    }

    public void ExpectNotConstant(TensorInfo t, string role)
    {
        if (t.IsConstant)
            throw Error($"{role} {t.Describe()} is constant, but an op output must be computed.");
    }

    public QuantizationInfo Quant(TensorInfo t, string role)
        => t.Quantization ?? throw Error($"{role} {t.Describe()} has no quantization parameters.");

    /// <summary>Checks a per-tensor quantized int8 tensor and returns (scale, zero point).</summary>
    public (float Scale, int ZeroPoint) Int8Quant(TensorInfo t, string role)
    {
        ExpectType(t, ElementType.Int8, role);
        var q = Quant(t, role);
        if (q.IsPerChannel)
            throw Error($"{role} {t.Describe()} is quantized per channel; activations must be per tensor.");
        if (q.ZeroPoint < sbyte.MinValue || q.ZeroPoint > sbyte.MaxValue)
            throw Error($"{role} {t.Describe()} has zero point {q.ZeroPoint} outside [-128, 127].");
        return (q.Scale, q.ZeroPoint);
    }

    public void ExpectShape(TensorInfo t, ReadOnlySpan<int> expected, string role)
    {
        if (!t.Shape.AsSpan().SequenceEqual(expected))
            throw Error($"{role} {t.Describe()} should have shape [{string.Join(',', expected.ToArray())}].");
    }

    /// <summary>
    /// The common half of an element-wise activation's Prepare: one input and one output with the same
    /// element count, both float32, or both per-tensor int8 (whose scales and zero points it returns).
    /// </summary>
    public UnaryTensors Unary()
    {
        ExpectCounts(1, 1, 1);
        var input = Input(0);
        var output = Output(0);
        ExpectSameElements(input, output);
        if (input.Type == ElementType.Float32)
        {
            ExpectType(output, ElementType.Float32, "output");
            return new UnaryTensors(input.Index, output.Index, true, 0f, 0, 0f, 0);
        }
        var (si, zi) = Int8Quant(input, "input");
        var (so, zo) = Int8Quant(output, "output");
        return new UnaryTensors(input.Index, output.Index, false, si, zi, so, zo);
    }

    /// <summary>For ops that move or interpolate raw values without rescaling: output quantization must equal the input's.</summary>
    public void ExpectSameQuantization(TensorInfo input, TensorInfo output)
    {
        if (input.Quantization is { } qi && output.Quantization is { } qo && (qi.Scale != qo.Scale || qi.ZeroPoint != qo.ZeroPoint))
            throw Error($"input {input.Describe()} and output {output.Describe()} quantization differ; {BuiltinOpNames.Name(Op.Op)} cannot rescale.");
    }

    public void ExpectSameElements(TensorInfo a, TensorInfo b)
    {
        if (a.ElementCount != b.ElementCount)
            throw Error($"{a.Describe()} has {a.ElementCount} elements but {b.Describe()} has {b.ElementCount}.");
    }

    /// <summary>Reads an int32 (or int64) constant tensor, e.g. a shape, permutation or padding.</summary>
    public int[] ConstantInts(TensorInfo t, string role)
    {
        ExpectConstant(t, role);
        var bytes = Graph.ConstantBytes(t);
        if (t.Type == ElementType.Int32)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).ToArray();
        if (t.Type == ElementType.Int64)
        {
            var longs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes);
            var r = new int[longs.Length];
            for (int i = 0; i < r.Length; i++)
            {
                if (longs[i] is < int.MinValue or > int.MaxValue)
                    throw Error($"{role} {t.Describe()} value {longs[i]} does not fit int32.");
                r[i] = (int)longs[i];
            }
            return r;
        }
        throw Error($"{role} {t.Describe()} must be INT32 or INT64.");
    }

    /// <summary>The quantized clamp of a fused activation on an int8 output.</summary>
    public (int Min, int Max) Int8ActivationRange(FusedActivation act, float scale, int zeroPoint)
    {
        if (act is FusedActivation.Tanh or FusedActivation.SignBit)
            throw Error($"fused activation {act} is not supported.");
        return ActivationRange.Int8(act, scale, zeroPoint);
    }

    public (float Min, float Max) FloatActivationRange(FusedActivation act)
    {
        if (act is FusedActivation.Tanh or FusedActivation.SignBit)
            throw Error($"fused activation {act} is not supported.");
        return ActivationRange.Float(act);
    }

    public void ExpectPositive(int value, string what)
    {
        if (value <= 0)
            throw Error($"{what} is {value}; it must be positive.");
    }

    /// <summary>Per-output-channel requantization as TFLite's PopulateConvolutionQuantizationParams computes it.</summary>
    public RequantParams ConvRequant(TensorInfo input, TensorInfo filter, TensorInfo output, int outputChannels,
        int channelAxis, FusedActivation act)
    {
        var (inScale, inZp) = Int8Quant(input, "input");
        var (outScale, outZp) = Int8Quant(output, "output");
        ExpectType(filter, ElementType.Int8, "filter");
        var fq = Quant(filter, "filter");
        if (fq.IsPerChannel && (fq.QuantizedDimension != channelAxis || fq.Scales.Length != outputChannels))
            throw Error($"filter {filter.Describe()} has {fq.Scales.Length} scales on axis {fq.QuantizedDimension}; expected {outputChannels} on axis {channelAxis}.");
        foreach (long zp in fq.ZeroPoints)
            if (zp != 0)
                throw Error($"filter {filter.Describe()} has zero point {zp}; int8 weights must be symmetric (zero point 0).");
        var multipliers = new int[outputChannels];
        var shifts = new int[outputChannels];
        for (int c = 0; c < outputChannels; c++)
        {
            double filterScale = fq.IsPerChannel ? fq.Scales[c] : fq.Scales[0];
            double effective = (double)inScale * filterScale / outScale;
            var m = QuantizedMultiplier.FromDouble(effective);
            multipliers[c] = m.Multiplier;
            shifts[c] = m.Shift;
        }
        var (min, max) = Int8ActivationRange(act, outScale, outZp);
        return new RequantParams
        {
            InputOffset = -inZp,
            OutputOffset = outZp,
            ActivationMin = min,
            ActivationMax = max,
            Multipliers = multipliers,
            Shifts = shifts,
        };
    }

    /// <summary>
    /// The type-dependent half of a conv-like op's Prepare: float32 takes a float bias and a float
    /// clamp; int8 takes an int32 bias and per-channel requantization.
    /// </summary>
    public ConvLikeParams ConvLike(TensorInfo input, TensorInfo filter, TensorInfo output, int outputChannels, int channelAxis)
    {
        var act = Op.Options.Activation;
        if (input.Type == ElementType.Float32)
        {
            ExpectType(filter, ElementType.Float32, "filter");
            ExpectType(output, ElementType.Float32, "output");
            var (min, max) = FloatActivationRange(act);
            return new ConvLikeParams(true, Bias(2, outputChannels, ElementType.Float32)?.Index ?? -1, null, min, max);
        }
        int bias = Bias(2, outputChannels, ElementType.Int32)?.Index ?? -1;
        return new ConvLikeParams(false, bias, ConvRequant(input, filter, output, outputChannels, channelAxis, act), 0, 0);
    }

    /// <summary>Validates an int32 bias of <paramref name="count"/> elements, or returns null when absent.</summary>
    public TensorInfo? Bias(int inputIndex, int count, ElementType expected)
    {
        var bias = OptionalInput(inputIndex);
        if (bias is null)
            return null;
        ExpectType(bias, expected, "bias");
        ExpectConstant(bias, "bias");
        if (bias.ElementCount != count)
            throw Error($"bias {bias.Describe()} has {bias.ElementCount} elements, expected {count}.");
        return bias;
    }
}

/// <summary>What <see cref="PrepareContext.Unary"/> checks and finds for a one-input, one-output element-wise op.</summary>
internal readonly record struct UnaryTensors(int Input, int Output, bool IsFloat,
    float InputScale, int InputZeroPoint, float OutputScale, int OutputZeroPoint);

/// <summary>What <see cref="PrepareContext.ConvLike"/> decides for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED.</summary>
internal sealed record ConvLikeParams(bool IsFloat, int Bias, RequantParams? Requant, float FloatMin, float FloatMax);
