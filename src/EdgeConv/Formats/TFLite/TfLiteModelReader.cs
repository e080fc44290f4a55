using EdgeConv.Graph;
using EdgeConv.Quantization;

namespace EdgeConv.Formats.TFLite;

/// <summary>
/// Decodes the subset of the TFLite flatbuffer schema (schema.fbs, version 3) that EdgeConv runs.
/// Field numbers follow the schema's declaration order; union fields take two slots.
/// </summary>
public static class TfLiteModelReader
{
    private const int MaxTensorBytes = 1 << 30;
    private const int MaxRank = 8;

    // Model
    private const int ModelVersion = 0, ModelOperatorCodes = 1, ModelSubgraphs = 2, ModelDescription = 3, ModelBuffers = 4;
    // OperatorCode
    private const int OpCodeDeprecatedBuiltin = 0, OpCodeCustom = 1, OpCodeVersion = 2, OpCodeBuiltin = 3;
    // SubGraph
    private const int SubGraphTensors = 0, SubGraphInputs = 1, SubGraphOutputs = 2, SubGraphOperators = 3;
    // Tensor
    private const int TensorShape = 0, TensorType = 1, TensorBuffer = 2, TensorName = 3, TensorQuantization = 4, TensorSparsity = 6;
    // QuantizationParameters
    private const int QuantScale = 2, QuantZeroPoint = 3, QuantDetailsType = 4, QuantDimension = 6;
    // Operator
    private const int OperatorOpcodeIndex = 0, OperatorInputs = 1, OperatorOutputs = 2, OperatorBuiltinOptions = 4;
    // Buffer
    private const int BufferData = 0, BufferOffset = 1, BufferSize = 2;

    /// <summary>Reads a model file.</summary>
    public static ModelGraph ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{path}: cannot read the model file: {e.Message}", e);
        }
        return Read(bytes, Path.GetFileName(path));
    }

    /// <summary>Decodes and validates a model held in memory. The array is kept, not copied.</summary>
    public static ModelGraph Read(byte[] bytes, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("EdgeConv reads TFLite models on little-endian CPUs only.");
        if (bytes.Length >= 8 && !(bytes[4] == 'T' && bytes[5] == 'F' && bytes[6] == 'L' && bytes[7] == '3'))
            throw new ModelFormatException($"{name}: not a TFLite model (file identifier is not 'TFL3').");

        var model = FlatBufferTable.Root(bytes, $"{name}: Model");
        uint version = model.GetUInt32(ModelVersion);
        if (version != 3)
            throw new ModelFormatException($"{name}: schema version {version}, expected 3.");

        int subgraphCount = model.GetTableVectorLength(ModelSubgraphs);
        if (subgraphCount < 1)
            throw new ModelFormatException($"{name}: the model has no subgraph.");

        var opCodes = ReadOperatorCodes(model, name);
        var buffers = ReadBuffers(model, bytes, name);
        var sg = model.GetTableVectorItem(ModelSubgraphs, 0, $"{name}: subgraph 0");

        int tensorCount = sg.GetTableVectorLength(SubGraphTensors);
        var tensors = new TensorInfo[tensorCount];
        for (int i = 0; i < tensorCount; i++)
            tensors[i] = ReadTensor(sg.GetTableVectorItem(SubGraphTensors, i, $"{name}: tensor {i}"), i, buffers, name);

        int[] inputs = sg.GetInt32Vector(SubGraphInputs) ?? [];
        int[] outputs = sg.GetInt32Vector(SubGraphOutputs) ?? [];
        CheckTensorIndices(inputs, tensorCount, $"{name}: graph inputs", allowOmitted: false);
        CheckTensorIndices(outputs, tensorCount, $"{name}: graph outputs", allowOmitted: false);
        if (inputs.Length == 0 || outputs.Length == 0)
            throw new ModelFormatException($"{name}: the graph declares {inputs.Length} inputs and {outputs.Length} outputs; it needs at least one of each.");

        int opCount = sg.GetTableVectorLength(SubGraphOperators);
        var ops = new OperatorInfo[opCount];
        for (int i = 0; i < opCount; i++)
        {
            var opTable = sg.GetTableVectorItem(SubGraphOperators, i, $"{name}: op {i}");
            uint codeIndex = opTable.GetUInt32(OperatorOpcodeIndex);
            if (codeIndex >= opCodes.Length)
                throw new ModelFormatException($"{name}: op {i} uses operator code {codeIndex}, but the model has {opCodes.Length}.");
            var (op, opVersion, custom) = opCodes[codeIndex];
            if (op == BuiltinOp.Custom)
                throw new ModelFormatException($"{name}: op {i} is the custom op '{custom}', which EdgeConv does not support.");
            int[] opIn = opTable.GetInt32Vector(OperatorInputs) ?? [];
            int[] opOut = opTable.GetInt32Vector(OperatorOutputs) ?? [];
            string where = $"{name}: op {i} ({BuiltinOpNames.Name(op)})";
            CheckTensorIndices(opIn, tensorCount, where + " inputs", allowOmitted: true);
            CheckTensorIndices(opOut, tensorCount, where + " outputs", allowOmitted: false);
            var options = ReadOptions(op, opTable.GetTable(OperatorBuiltinOptions, where + " options"), where);
            ops[i] = new OperatorInfo { Index = i, Op = op, Version = opVersion, Inputs = opIn, Outputs = opOut, Options = options };
        }

        return new ModelGraph
        {
            Data = bytes,
            Tensors = tensors,
            Operators = ops,
            Inputs = inputs,
            Outputs = outputs,
            Description = model.GetString(ModelDescription),
            Name = name,
        };
    }

    private static (BuiltinOp Op, int Version, string? Custom)[] ReadOperatorCodes(FlatBufferTable model, string name)
    {
        int n = model.GetTableVectorLength(ModelOperatorCodes);
        var result = new (BuiltinOp, int, string?)[n];
        for (int i = 0; i < n; i++)
        {
            var t = model.GetTableVectorItem(ModelOperatorCodes, i, $"{name}: operator code {i}");
            // Old converters fill only the byte-wide deprecated field; new ones fill both.
            int code = Math.Max(t.GetSByte(OpCodeDeprecatedBuiltin), t.GetInt32(OpCodeBuiltin));
            result[i] = ((BuiltinOp)code, t.GetInt32(OpCodeVersion, 1), t.GetString(OpCodeCustom));
        }
        return result;
    }

    private static (int Start, int Length)[] ReadBuffers(FlatBufferTable model, byte[] bytes, string name)
    {
        int n = model.GetTableVectorLength(ModelBuffers);
        var result = new (int, int)[n];
        for (int i = 0; i < n; i++)
        {
            var b = model.GetTableVectorItem(ModelBuffers, i, $"{name}: buffer {i}");
            var (start, length) = b.GetByteVector(BufferData);
            ulong offset = b.GetUInt64(BufferOffset);
            ulong size = b.GetUInt64(BufferSize);
            if (start < 0 && offset > 1)
            {
                // Models over 2 GB keep data after the flatbuffer, addressed from the file start.
                if (offset + size > (ulong)bytes.Length)
                    throw new ModelFormatException($"{name}: buffer {i} at offset {offset} of {size} bytes runs past the end of the {bytes.Length}-byte file.");
                start = (int)offset;
                length = (int)size;
            }
            result[i] = (start, start < 0 ? 0 : length);
        }
        return result;
    }

    private static TensorInfo ReadTensor(FlatBufferTable t, int index, (int Start, int Length)[] buffers, string name)
    {
        string tensorName = t.GetString(TensorName) ?? "";
        string where = $"{name}: tensor {index} '{tensorName}'";
        int[] shape = t.GetInt32Vector(TensorShape) ?? [];
        if (shape.Length > MaxRank)
            throw new ModelFormatException($"{where}: rank {shape.Length} exceeds {MaxRank}.");
        long elements = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ModelFormatException($"{where}: dimension {d} in shape [{string.Join(',', shape)}]; dynamic shapes are not supported.");
            elements *= d;
            if (elements > MaxTensorBytes)
                throw new ModelFormatException($"{where}: shape [{string.Join(',', shape)}] is too large.");
        }
        if (t.Has(TensorSparsity))
            throw new ModelFormatException($"{where}: sparse tensors are not supported.");

        var type = (ElementType)t.GetSByte(TensorType);
        int elemSize = ElementTypeInfo.SizeOf(type);
        if (elemSize == 0 || !Enum.IsDefined(type))
            throw new ModelFormatException($"{where}: element type {(int)type} is not supported.");
        if (elements * elemSize > MaxTensorBytes)
            throw new ModelFormatException($"{where}: {elements * elemSize} bytes is too large.");

        uint bufferIndex = t.GetUInt32(TensorBuffer);
        if (bufferIndex >= buffers.Length && bufferIndex != 0)
            throw new ModelFormatException($"{where}: buffer index {bufferIndex}, but the model has {buffers.Length} buffers.");
        int dataOffset = -1;
        if (bufferIndex != 0 && bufferIndex < buffers.Length && buffers[bufferIndex].Start >= 0 && buffers[bufferIndex].Length > 0)
        {
            var (start, length) = buffers[bufferIndex];
            if (length != elements * elemSize)
                throw new ModelFormatException($"{where}: buffer {bufferIndex} holds {length} bytes, but a {type} tensor of shape [{string.Join(',', shape)}] needs {elements * elemSize}.");
            dataOffset = start;
        }

        QuantizationInfo? quant = null;
        var q = t.GetTable(TensorQuantization, where + " quantization");
        if (q.Exists)
        {
            if (q.GetByte(QuantDetailsType) != 0)
                throw new ModelFormatException($"{where}: custom quantization details are not supported.");
            float[]? scales = q.GetFloatVector(QuantScale);
            long[]? zeroPoints = q.GetInt64Vector(QuantZeroPoint);
            if (scales is { Length: > 0 })
            {
                zeroPoints ??= new long[scales.Length];
                if (zeroPoints.Length != scales.Length)
                    throw new ModelFormatException($"{where}: {scales.Length} scales but {zeroPoints.Length} zero points.");
                int dim = q.GetInt32(QuantDimension);
                // Some converters stamp a bias vector with the filter's quantized dimension (e.g. 3).
                if (scales.Length > 1 && shape.Length == 1 && dim != 0 && shape[0] == scales.Length)
                    dim = 0;
                if (scales.Length > 1 && ((uint)dim >= (uint)shape.Length || shape[dim] != scales.Length))
                    throw new ModelFormatException($"{where}: {scales.Length} per-channel scales do not match quantized dimension {dim} of shape [{string.Join(',', shape)}].");
                foreach (float s in scales)
                    if (!(s > 0f) || float.IsInfinity(s))
                        throw new ModelFormatException($"{where}: scale {s} must be positive and finite.");
                quant = new QuantizationInfo { Scales = scales, ZeroPoints = zeroPoints, QuantizedDimension = dim };
            }
        }

        return new TensorInfo
        {
            Index = index,
            Name = tensorName,
            Type = type,
            Shape = shape,
            Quantization = quant,
            DataOffset = dataOffset,
        };
    }

    private static void CheckTensorIndices(int[] indices, int tensorCount, string where, bool allowOmitted)
    {
        foreach (int i in indices)
        {
            if (allowOmitted && i == -1)
                continue;
            if ((uint)i >= (uint)tensorCount)
                throw new ModelFormatException($"{where}: tensor index {i} is outside the {tensorCount} tensors.");
        }
    }

    private static OpOptions ReadOptions(BuiltinOp op, FlatBufferTable t, string where)
    {
        var o = new OpOptions();
        if (!t.Exists)
            return o;
        o = op switch
        {
            BuiltinOp.Conv2D => new OpOptions
            {
                Padding = ReadPadding(t, 0, where),
                StrideW = t.GetInt32(1),
                StrideH = t.GetInt32(2),
                Activation = ReadActivation(t, 3, where),
                DilationW = t.GetInt32(4, 1),
                DilationH = t.GetInt32(5, 1),
            },
            BuiltinOp.DepthwiseConv2D => new OpOptions
            {
                Padding = ReadPadding(t, 0, where),
                StrideW = t.GetInt32(1),
                StrideH = t.GetInt32(2),
                DepthMultiplier = t.GetInt32(3),
                Activation = ReadActivation(t, 4, where),
                DilationW = t.GetInt32(5, 1),
                DilationH = t.GetInt32(6, 1),
            },
            BuiltinOp.AveragePool2D or BuiltinOp.MaxPool2D => new OpOptions
            {
                Padding = ReadPadding(t, 0, where),
                StrideW = t.GetInt32(1),
                StrideH = t.GetInt32(2),
                FilterW = t.GetInt32(3),
                FilterH = t.GetInt32(4),
                Activation = ReadActivation(t, 5, where),
            },
            BuiltinOp.FullyConnected => new OpOptions
            {
                Activation = ReadActivation(t, 0, where),
                WeightsFormat = t.GetSByte(1),
                KeepNumDims = t.GetBool(2),
            },
            BuiltinOp.Softmax => new OpOptions { Beta = t.GetFloat(0) },
            BuiltinOp.Concatenation => new OpOptions { Axis = t.GetInt32(0), Activation = ReadActivation(t, 1, where) },
            BuiltinOp.Add or BuiltinOp.Mul or BuiltinOp.Sub => new OpOptions { Activation = ReadActivation(t, 0, where) },
            BuiltinOp.Reshape => new OpOptions { NewShape = t.GetInt32Vector(0) },
            BuiltinOp.Mean => new OpOptions { KeepDims = t.GetBool(0) },
            BuiltinOp.Squeeze => new OpOptions { SqueezeDims = t.GetInt32Vector(0) },
            BuiltinOp.LeakyRelu => new OpOptions { Alpha = t.GetFloat(0) },
            // ResizeBilinearOptions keeps two deprecated fields (new_height, new_width) in slots 0 and 1.
            BuiltinOp.ResizeBilinear => new OpOptions { AlignCorners = t.GetBool(2), HalfPixelCenters = t.GetBool(3) },
            BuiltinOp.ResizeNearestNeighbor => new OpOptions { AlignCorners = t.GetBool(0), HalfPixelCenters = t.GetBool(1) },
            _ => o,
        };
        return o;
    }

    private static Padding ReadPadding(FlatBufferTable t, int field, string where)
    {
        byte p = t.GetByte(field);
        if (p > 1)
            throw new ModelFormatException($"{where}: padding {p} is neither SAME (0) nor VALID (1).");
        return (Padding)p;
    }

    private static FusedActivation ReadActivation(FlatBufferTable t, int field, string where)
    {
        byte a = t.GetByte(field);
        if (a > (byte)FusedActivation.SignBit)
            throw new ModelFormatException($"{where}: fused activation {a} is unknown.");
        return (FusedActivation)a;
    }
}
