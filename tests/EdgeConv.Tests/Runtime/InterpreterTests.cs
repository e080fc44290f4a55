using EdgeConv.Formats.TFLite;
using EdgeConv.Planning;
using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Runtime;

public class InterpreterTests
{
    [Fact]
    public void Invoke_AllocatesZeroBytes_Across1000Invokes_ForEveryOp()
    {
        var model = Model.Load(TfLiteModelWriter.Write(AllOpsModel.Build()), "all-ops");
        var ops = model.Operations.Select(o => o.Op).Distinct().ToHashSet();
        foreach (var op in new[] { "PAD", "CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "ADD", "MUL", "HARD_SWISH", "LOGISTIC", "QUANTIZE",
                     "CONCATENATION", "TRANSPOSE", "AVERAGE_POOL_2D", "MEAN", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX", "DEQUANTIZE" })
            Assert.Contains(op, ops);
        var interpreter = new Interpreter(model);
        new Random(1).NextBytes(interpreter.Input(0));
        Allocations.AssertNoneAfterWarmUp(interpreter.Invoke, perWindow: 1000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Invoke_AllocatesZeroBytes_ForTheActivationSubAndResizeOps(bool float32)
    {
        var model = Model.Load(TfLiteModelWriter.Write(MoreOpsModel.Build(float32)), "more-ops");
        var ops = model.Operations.Select(o => o.Op).ToHashSet();
        foreach (var op in new[] { "RELU", "RELU6", "LEAKY_RELU", "RELU_N1_TO_1", "SUB", "RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR" })
            Assert.Contains(op, ops);
        var interpreter = new Interpreter(model);
        if (float32)
        {
            var rng = new Random(1);
            var input = interpreter.Input<float>(0);
            for (int i = 0; i < input.Length; i++)
                input[i] = (float)(rng.NextDouble() * 8 - 4);
        }
        else
        {
            new Random(1).NextBytes(interpreter.Input(0));
        }
        Allocations.AssertNoneAfterWarmUp(interpreter.Invoke, perWindow: 1000);
    }

    [Fact]
    public async Task Interpreters_ShareOneModel_AndAgree()
    {
        var model = Model.FromGraph(AllOpsModel.Build());
        var a = new Interpreter(model);
        var b = new Interpreter(model);
        new Random(2).NextBytes(a.Input(0));
        a.Input(0).CopyTo(b.Input(0));
        var t = Task.Run(() => { for (int i = 0; i < 50; i++) b.Invoke(); }, TestContext.Current.CancellationToken);
        for (int i = 0; i < 50; i++) a.Invoke();
        await t;
        Assert.True(a.Output(0).SequenceEqual(b.Output(0)));
        Assert.True(a.Output(1).SequenceEqual(b.Output(1)));
        float sum = 0;
        foreach (float p in a.Output<float>(1)) sum += p;
        Assert.InRange(sum, 0.95f, 1.05f);
    }

    [Fact]
    public void ArenaSize_IsKnownAtLoad_AndNoLiveTensorsOverlap()
    {
        var model = Model.FromGraph(AllOpsModel.Build());
        Assert.True(model.ArenaBytes > 0);
        // One thread: the arena is exactly the model's (each extra thread adds one scratch; see ThreadingTests).
        using (var single = new Interpreter(model, new InterpreterOptions { Threads = 1 }))
            Assert.Equal(model.ArenaBytes, single.ArenaBytes);
        var graph = model.Graph;
        var plan = model.Plan;
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        foreach (int t in graph.Inputs) { first[t] = 0; last[t] = 0; }
        foreach (var op in graph.Operators)
        {
            foreach (int t in op.Inputs.Where(t => t >= 0 && !graph.Tensors[t].IsConstant)) last[t] = op.Index;
            foreach (int t in op.Outputs) { first[t] = op.Index; last[t] = op.Index; }
        }
        foreach (int t in graph.Outputs) last[t] = graph.Operators.Length - 1;
        var tensors = first.Keys.ToList();
        foreach (int a in tensors)
        {
            Assert.Equal(0, plan.Offsets[a] % GreedyArenaPlanner.Alignment);
            Assert.True(plan.Offsets[a] + graph.Tensors[a].ByteLength <= model.ArenaBytes);
            foreach (int c in tensors)
            {
                if (a >= c || first[a] > last[c] || first[c] > last[a]) continue;
                int aStart = plan.Offsets[a], aEnd = aStart + graph.Tensors[a].ByteLength;
                int cStart = plan.Offsets[c], cEnd = cStart + graph.Tensors[c].ByteLength;
                Assert.True(aEnd <= cStart || cEnd <= aStart, $"tensors {a} and {c} overlap while both live");
            }
        }
    }

    [Fact]
    public void GreedyPlanner_ReusesMemoryOfDeadBuffers()
    {
        // A chain a->b->c->d: only neighbours are alive together, so two slots (of 1000 bytes, each starting on a
        // 64-byte line) suffice.
        var offsets = GreedyArenaPlanner.Plan([new(1000, 0, 1), new(1000, 1, 2), new(1000, 2, 3), new(1000, 3, 4)], out int arena);
        Assert.Equal(2048, arena);
        Assert.NotEqual(offsets[0], offsets[1]);
        Assert.Equal(offsets[0], offsets[2]);
    }
}

public class DemoNetworkTests
{
    [Fact]
    public void BuiltInDemoNetwork_RunsAndProducesADistribution()
    {
        var model = Model.FromGraph(EdgeConv.Graph.DemoNetworks.MobileNetStyle(seed: 42));
        var interpreter = new Interpreter(model);
        new Random(7).NextBytes(interpreter.Input(0));
        interpreter.Invoke();
        var details = interpreter.OutputDetails(0);
        var probs = interpreter.Output<sbyte>(0).ToArray().Select(q => details.Dequantize(q)).ToArray();
        Assert.Equal(10, probs.Length);
        Assert.InRange(probs.Sum(), 0.95f, 1.05f);
        Assert.True(probs.Max() > probs.Min(), "a seeded network on random input should not output a flat distribution");
    }
}
