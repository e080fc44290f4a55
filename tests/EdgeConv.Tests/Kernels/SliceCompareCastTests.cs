using EdgeConv.Formats;
using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Reference;
using EdgeConv.Runtime;

namespace EdgeConv.Tests.Kernels;

/// <summary>SLICE, MAXIMUM/MINIMUM, EQUAL and CAST: kernels by hand, models through writer, reader and interpreter, load-time checks.</summary>
public class SliceCompareCastTests
{
    [Fact]
    public void Slice_CopiesTheBox_AndResolvesMinusOne()
    {
        // [2,3,4] of bytes 0..23; begin [1,1,1], size [1,-1,2] -> rows (1,1,1..2) and (1,2,1..2).
        byte[] input = Enumerable.Range(0, 24).Select(i => (byte)i).ToArray();
        int[] dims = [2, 3, 4], begin = [1, 1, 1];
        int[] outDims = SliceReference.OutputDims(dims, begin, [1, -1, 2]);
        Assert.Equal([1, 2, 2], outDims);
        var output = new byte[4];
        SliceReference.Run(input, dims, begin, outDims, 1, output);
        Assert.Equal([17, 18, 21, 22], output);

        // Float elements (4 bytes): channel slice of an NHWC tensor, as M-LSD's outputs do.
        float[] f = Enumerable.Range(0, 2 * 2 * 3).Select(i => (float)i).ToArray();
        var fo = new float[4];
        SliceReference.Run(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()), [1, 2, 2, 3], [0, 0, 0, 1], [1, 2, 2, 1], 4,
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(fo.AsSpan()));
        Assert.Equal([1f, 4f, 7f, 10f], fo);

        Assert.Throws<ArgumentException>(() => SliceReference.OutputDims(dims, [0, 2, 0], [1, 2, 1]));
        Assert.Throws<ArgumentException>(() => SliceReference.OutputDims(dims, [0, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => SliceReference.OutputDims([1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]));
    }

    [Fact]
    public void MaximumMinimum_CompareRawValues_WithBroadcast_AndTfLitesNaNRule()
    {
        var shape = new Shape4(1, 1, 2, 3);
        var scalar = new Shape4(1, 1, 1, 1);
        sbyte[] a = [-128, -5, 0, 3, 100, 127];
        var o = new sbyte[6];
        MaximumMinimumReference.Run(true, shape, a, scalar, [(sbyte)1], shape, o);
        Assert.Equal(new sbyte[] { 1, 1, 1, 3, 100, 127 }, o);
        MaximumMinimumReference.Run(false, shape, a, scalar, [(sbyte)1], shape, o);
        Assert.Equal(new sbyte[] { -128, -5, 0, 1, 1, 1 }, o);

        var f = new float[2];
        MaximumMinimumFloat.Run(true, new Shape4(1, 1, 1, 2), [float.NaN, 2f], new Shape4(1, 1, 1, 2), [1f, float.NaN], new Shape4(1, 1, 1, 2), f);
        Assert.Equal(1f, f[0]);          // NaN > 1 is false: input 2 wins
        Assert.True(float.IsNaN(f[1]));  // 2 > NaN is false: input 2 (NaN) wins
        MaximumMinimumFloat.Run(false, new Shape4(1, 1, 1, 2), [-1f, 5f], new Shape4(1, 1, 1, 1), [0.5f], new Shape4(1, 1, 1, 2), f);
        Assert.Equal([-1f, 0.5f], f);
    }

    [Fact]
    public void EqualInt8_ComparesRealValues_AcrossScales()
    {
        // 2 * 0.5 = 1.0 and 4 * 0.25 = 1.0 are equal; 5 * 0.25 is not; zero points are honoured.
        var p = EqualInt8Reference.Prepare(0.5f, 0, 0.25f, 0);
        Assert.True(EqualInt8Reference.Equal(p, 2, 4));
        Assert.False(EqualInt8Reference.Equal(p, 2, 5));
        var q = EqualInt8Reference.Prepare(0.1f, -3, 0.1f, 7);
        Assert.True(EqualInt8Reference.Equal(q, 0, 10));
        Assert.False(EqualInt8Reference.Equal(q, 0, 9));
        // Same quantization: exactly raw equality for every pair.
        var same = EqualInt8Reference.Prepare(0.07f, 4, 0.07f, 4);
        for (int x = -128; x <= 127; x += 5)
            for (int y = -128; y <= 127; y += 3)
                Assert.Equal(x == y, EqualInt8Reference.Equal(same, (sbyte)x, (sbyte)y));
        // TFLite computes the multipliers with QuantizeMultiplierSmallerThanOneExp: scales >= 1 are rejected.
        Assert.Throws<ArgumentException>(() => EqualInt8Reference.Prepare(1.5f, 0, 0.5f, 0));

        var bools = new bool[3];
        EqualInt8Reference.Run(same, new Shape4(1, 1, 1, 3), [1, 2, 3], new Shape4(1, 1, 1, 1), [(sbyte)2], new Shape4(1, 1, 1, 3), bools);
        Assert.Equal([false, true, false], bools);
        EqualFloat.Run(new Shape4(1, 1, 1, 3), [1f, float.NaN, 3f], new Shape4(1, 1, 1, 3), [1f, float.NaN, 2f], new Shape4(1, 1, 1, 3), bools);
        Assert.Equal([true, false, false], bools);
    }

    [Fact]
    public void Cast_IsAValueConversion_LikeStaticCast()
    {
        var f = new float[3];
        CastReference.Run(ElementType.Bool, [1, 0, 7], ElementType.Float32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()), 3);
        Assert.Equal([1f, 0f, 1f], f);
        CastReference.Run(ElementType.Int8, [unchecked((byte)-5), 0, 127], ElementType.Float32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()), 3);
        Assert.Equal([-5f, 0f, 127f], f);
        int[] ints = new int[3];
        float[] src = [2.9f, -2.9f, 1e20f];
        CastReference.Run(ElementType.Float32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(src.AsSpan()), ElementType.Int32,
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(ints.AsSpan()), 3);
        Assert.Equal([2, -2, int.MaxValue], ints);
        var i8 = new byte[2];
        int[] wide = [300, -129];
        CastReference.Run(ElementType.Int32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(wide.AsSpan()), ElementType.Int8, i8, 2);
        Assert.Equal([(byte)44, (byte)127], i8); // 300 wraps to 44, -129 wraps to 127
        Assert.False(CastReference.Supports(ElementType.Int64, ElementType.Float32));
    }

    /// <summary>x[1,2,2,4] -> SLICE channels 1..2 -> MAXIMUM(., lo) -> MINIMUM(., hi) -> EQUAL(., itself sliced) -> CAST to float.</summary>
    private static ModelGraph Build(bool float32)
    {
        var b = new GraphBuilder();
        var type = float32 ? ElementType.Float32 : ElementType.Int8;
        float scale = float32 ? 0f : 0.05f;
        int x = b.AddTensor("x", type, [1, 2, 2, 4], scale, 3);
        int s = b.AddTensor("slice", type, [1, 2, 2, 2], scale, 3);
        b.AddOp(BuiltinOp.Slice, [x, b.AddConstant("begin", [4], [0, 0, 0, 1]), b.AddConstant("size", [4], [-1, -1, -1, 2])], [s]);
        int lo = float32 ? b.AddConstant("lo", [1], [-0.5f]) : b.AddConstant("lo", [1], [(sbyte)-7], GraphBuilder.PerTensor(0.05f, 3));
        int hi = float32 ? b.AddConstant("hi", [1], [0.5f]) : b.AddConstant("hi", [1], [(sbyte)13], GraphBuilder.PerTensor(0.05f, 3));
        int mx = b.AddTensor("max", type, [1, 2, 2, 2], scale, 3);
        b.AddOp(BuiltinOp.Maximum, [s, lo], [mx]);
        int mn = b.AddTensor("min", type, [1, 2, 2, 2], scale, 3);
        b.AddOp(BuiltinOp.Minimum, [mx, hi], [mn]);
        int eq = b.AddTensor("eq", ElementType.Bool, [1, 2, 2, 2]);
        b.AddOp(BuiltinOp.Equal, [mn, s], [eq]);
        int y = b.AddTensor("y", ElementType.Float32, [1, 2, 2, 2]);
        b.AddOp(BuiltinOp.Cast, [eq], [y]);
        b.SetInputs(x);
        b.SetOutputs(y, mn);
        return b.Build(float32 ? "slice-cmp-cast-f32" : "slice-cmp-cast-int8");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Model_RunsAfterWriterReaderRoundTrip(bool float32)
    {
        var graph = Build(float32);
        byte[] bytes = TfLiteModelWriter.Write(graph);
        var read = TfLiteModelReader.Read(bytes, "roundtrip");
        Assert.Equal(graph.Operators.Select(o => o.Op), read.Operators.Select(o => o.Op));
        var interpreter = new Interpreter(Model.Load(bytes));
        var kernels = interpreter.Model.Operations.Select(o => o.Kernel).ToList();
        Assert.Contains("SliceReference", kernels);
        Assert.Contains(float32 ? "MaximumFloat(broadcast)" : "MaximumInt8Reference(broadcast)", kernels);
        Assert.Contains(float32 ? "EqualFloat" : "EqualInt8Reference", kernels);
        Assert.Contains("CastReference", kernels);

        // Channel c of pixel p holds v = (p * 4 + c) - 8 (int8 raw, or v / 10 as float).
        for (int i = 0; i < 16; i++)
        {
            if (float32) interpreter.Input<float>(0)[i] = (i - 8) / 10f;
            else interpreter.Input<sbyte>(0)[i] = (sbyte)(i - 8);
        }
        interpreter.Invoke();
        // Sliced channels 1, 2 of each pixel; clamped to [-0.5, 0.5] (raw [-7, 13] around zero point 3).
        float[] expectedEq = new float[8];
        for (int p = 0; p < 4; p++)
            for (int c = 0; c < 2; c++)
            {
                int raw = p * 4 + c + 1 - 8;
                bool inside = float32 ? raw / 10f is >= -0.5f and <= 0.5f : raw is >= -7 and <= 13;
                expectedEq[p * 2 + c] = inside ? 1f : 0f;
            }
        Assert.Equal(expectedEq, interpreter.Output<float>(0).ToArray());
        if (!float32)
            Assert.Equal(new sbyte[] { -7, -6, -3, -2, 1, 2, 5, 6 }, interpreter.Output<sbyte>(1).ToArray());
    }

    private static ModelFormatException LoadError(Action<GraphBuilder, int> addOps)
    {
        var b = new GraphBuilder();
        int x = b.AddTensor("x", ElementType.Int8, [1, 2, 2, 3], 0.1f, 0);
        addOps(b, x);
        b.SetInputs(x);
        b.SetOutputs(b.Build().Operators[^1].Outputs[0]);
        return Assert.Throws<ModelFormatException>(() => Model.Load(TfLiteModelWriter.Write(b.Build()), "bad"));
    }

    [Fact]
    public void LoadTime_Checks_NameTheOp()
    {
        var e = LoadError((b, x) => b.AddOp(BuiltinOp.Maximum, [x, b.AddConstant("c", [1], [(sbyte)0], GraphBuilder.PerTensor(0.2f, 0))],
            [b.AddTensor("y", ElementType.Int8, [1, 2, 2, 3], 0.1f, 0)]));
        Assert.Contains("op 0 (MAXIMUM)", e.Message);
        Assert.Contains("must share one quantization", e.Message);

        e = LoadError((b, x) => b.AddOp(BuiltinOp.Slice, [x, b.AddConstant("begin", [4], [0, 1, 0, 0]), b.AddConstant("size", [4], [1, 2, 2, 3])],
            [b.AddTensor("y", ElementType.Int8, [1, 2, 2, 3], 0.1f, 0)]));
        Assert.Contains("op 0 (SLICE)", e.Message);
        Assert.Contains("leave the input extent", e.Message);

        e = LoadError((b, x) => b.AddOp(BuiltinOp.Slice, [x, b.AddTensor("begin", ElementType.Int32, [4]), b.AddConstant("size", [4], [1, 1, 1, 1])],
            [b.AddTensor("y", ElementType.Int8, [1, 1, 1, 1], 0.1f, 0)]));
        Assert.Contains("must be a constant", e.Message);

        e = LoadError((b, x) => b.AddOp(BuiltinOp.Equal, [x, x], [b.AddTensor("y", ElementType.Int8, [1, 2, 2, 3], 0.1f, 0)]));
        Assert.Contains("op 0 (EQUAL)", e.Message);
        Assert.Contains("expected Bool", e.Message);

        e = LoadError((b, x) => b.AddOp(BuiltinOp.Cast, [x], [b.AddTensor("y", ElementType.Int64, [1, 2, 2, 3])]));
        Assert.Contains("op 0 (CAST)", e.Message);
        Assert.Contains("not supported", e.Message);
    }
}
