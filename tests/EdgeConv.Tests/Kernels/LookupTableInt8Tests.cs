using EdgeConv.Graph;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

/// <summary>
/// <see cref="LookupTableInt8"/> on every lookup this CPU runs (the others skip, saying so): each looks up exactly what
/// its table holds, at every length, offset and in place; and the int8 unary ops that run as tables (LOGISTIC,
/// HARD_SWISH, RELU, RELU_N1_TO_1, RELU6, LEAKY_RELU, int8 → int8 QUANTIZE) give, through the interpreter, what their
/// reference kernels give.
/// </summary>
[Trait("Category", "Kernel")]
public class LookupTableInt8Tests
{
    public static TheoryData<string> Isas() => [.. Enum.GetNames<LookupTableInt8Isa>()];

    private static LookupTableInt8Isa Isa(string name)
    {
        var isa = Enum.Parse<LookupTableInt8Isa>(name);
        if (!LookupTableInt8.IsSupported(isa))
            Assert.Skip($"LookupTableInt8({isa}) needs instructions this CPU (as the runtime reports it) lacks.");
        return isa;
    }

    /// <summary>Random tables; lengths 0 to 300 (the 64- and 16-wide steps and the tails) at offsets 0 to 3 into the spans.</summary>
    [Theory]
    [MemberData(nameof(Isas))]
    public void EveryLengthAndOffset_LooksUpTheTable(string name)
    {
        var isa = Isa(name);
        var rng = new Random(31);
        for (int n = 0; n <= 300; n++)
        {
            var table = RandomTensors.Int8(rng, 256);
            var kernel = new LookupTableInt8(table, isa);
            int offset = n % 4;
            var input = RandomTensors.Int8(rng, n + offset);
            var output = new sbyte[n + offset + 5];
            var sentinel = (sbyte)rng.Next(-128, 128);
            Array.Fill(output, sentinel);
            kernel.Run(input.AsSpan(offset), output.AsSpan(offset, n));
            for (int i = 0; i < n; i++)
                Assert.True(table[(byte)input[offset + i]] == output[offset + i], $"{isa}: length {n} offset {offset} element {i}");
            for (int i = 0; i < offset; i++)
                Assert.Equal(sentinel, output[i]);
            for (int i = offset + n; i < output.Length; i++)
                Assert.Equal(sentinel, output[i]);
        }
    }

    /// <summary>Every input value at every lane position (the 256 values, rotated), and in place.</summary>
    [Theory]
    [MemberData(nameof(Isas))]
    public void EveryValueInEveryLane_AndInPlace(string name)
    {
        var isa = Isa(name);
        var table = new sbyte[256];
        for (int i = 0; i < 256; i++)
            table[i] = (sbyte)(i * 37 + 11);   // a permutation: every entry differs from its neighbours
        var kernel = new LookupTableInt8(table, isa);
        for (int rotate = 0; rotate < 64; rotate++)
        {
            var input = new sbyte[256 + 64];
            for (int i = 0; i < input.Length; i++)
                input[i] = (sbyte)(i + rotate);
            var expected = input.Select(v => table[(byte)v]).ToArray();
            var output = new sbyte[input.Length];
            kernel.Run(input, output);
            Assert.Equal(expected, output);
            kernel.Run(input, input);
            Assert.Equal(expected, input);
        }
    }

    [Fact]
    public void RejectsTablesOfOtherSizes_AndShortInputs()
    {
        Assert.Throws<ArgumentException>(() => new LookupTableInt8(new sbyte[255], LookupTableInt8Isa.Scalar));
        var kernel = new LookupTableInt8(new sbyte[256], LookupTableInt8Isa.Scalar);
        Assert.Throws<ArgumentException>(() => kernel.Run(new sbyte[3], new sbyte[4]));
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Run_AllocatesNothing(string name)
    {
        var kernel = new LookupTableInt8(RandomTensors.Int8(new Random(2), 256), Isa(name));
        var data = RandomTensors.Int8(new Random(3), 1000);
        Allocations.AssertNoneAfterWarmUp(() => kernel.Run(data, data));
    }

    public static TheoryData<BuiltinOp> UnaryOps() =>
        [BuiltinOp.Logistic, BuiltinOp.HardSwish, BuiltinOp.Relu, BuiltinOp.ReluN1To1, BuiltinOp.Relu6, BuiltinOp.LeakyRelu, BuiltinOp.Quantize];

    /// <summary>
    /// One op per model, over random quantizations (RELU6 keeps the input's, as it must), on all 256 values and a random
    /// tensor: the interpreter's output equals the op's reference kernel run directly.
    /// </summary>
    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void UnaryOps_RunAsTables_EqualTheirReferenceKernels(BuiltinOp op)
    {
        var rng = new Random((int)op);
        int compared = 0;
        for (int trial = 0; trial < 12; trial++)
        {
            float si = (float)Math.Exp(rng.NextDouble() * 6 - 6), so = (float)Math.Exp(rng.NextDouble() * 6 - 6);
            int zi = rng.Next(-128, 128), zo = rng.Next(-128, 128);
            float alpha = (float)(rng.NextDouble() * 2 - 0.5);
            if (op == BuiltinOp.Relu6)
                (so, zo) = (si, zi);
            if (op == BuiltinOp.Logistic)
                (so, zo) = (1f / 256, -128);   // TFLite's int8 LOGISTIC output quantization
            var reference = ReferenceOf(op, si, zi, so, zo, alpha);
            if (reference is null)
                continue;   // a quantization the op rejects at load (covered by its own tests)

            var b = new GraphBuilder();
            int x = b.AddTensor("x", ElementType.Int8, [1, 3, 5, 67], si, zi);
            int y = b.AddTensor("y", ElementType.Int8, [1, 3, 5, 67], so, zo);
            b.AddOp(op, [x], [y], new OpOptions { Alpha = alpha });
            b.SetInputs(x);
            b.SetOutputs(y);
            var interpreter = new Interpreter(Model.FromGraph(b.Build()));
            var input = interpreter.Input<sbyte>(0);
            for (int i = 0; i < input.Length; i++)
                input[i] = i < 256 ? (sbyte)i : (sbyte)rng.Next(-128, 128);
            var expected = new sbyte[input.Length];
            reference(input.ToArray(), expected);
            interpreter.Invoke();
            Assert.True(expected.AsSpan().SequenceEqual(interpreter.Output<sbyte>(0)),
                $"{op} input {si}/{zi} output {so}/{zo} alpha {alpha}");
            compared++;
        }
        Assert.True(compared >= 6, $"{op}: only {compared} of 12 random quantizations were accepted");
    }

    /// <summary>The op's reference kernel with parameters for these quantizations, or null if it rejects them.</summary>
    private static Int8Map? ReferenceOf(BuiltinOp op, float si, int zi, float so, int zo, float alpha)
    {
        try
        {
            switch (op)
            {
                case BuiltinOp.Logistic: { var p = LogisticInt8Reference.Prepare(si, zi, so, zo); return (x, y) => LogisticInt8Reference.Run(p, x, y); }
                case BuiltinOp.HardSwish: { var p = HardSwishInt8Reference.Prepare(si, zi, so, zo); return (x, y) => HardSwishInt8Reference.Run(p, x, y); }
                case BuiltinOp.Relu: { var p = ReluInt8Reference.PrepareRelu(si, zi, so, zo); return (x, y) => ReluInt8Reference.Run(p, x, y); }
                case BuiltinOp.ReluN1To1: { var p = ReluInt8Reference.PrepareReluN1To1(si, zi, so, zo); return (x, y) => ReluInt8Reference.Run(p, x, y); }
                case BuiltinOp.Relu6: { var p = Relu6Int8Reference.Prepare(si, zi, so, zo); return (x, y) => Relu6Int8Reference.Run(p, x, y); }
                case BuiltinOp.Quantize: { var p = QuantizeReference.PrepareRequantize(si, zi, so, zo); return (x, y) => QuantizeReference.Run(p, x, y); }
                default: { var p = LeakyReluInt8Reference.Prepare(si, zi, so, zo, alpha); return (x, y) => LeakyReluInt8Reference.Run(p, x, y); }
            }
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
