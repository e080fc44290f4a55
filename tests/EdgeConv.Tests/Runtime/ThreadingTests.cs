using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Runtime;

/// <summary>Threads split each op by output rows; every thread count must give the single-thread bytes.</summary>
public class ThreadingTests
{
    private static byte[][] RunAll(Model model, int threads, int seed)
    {
        using var it = new Interpreter(model, new InterpreterOptions { Threads = threads });
        var rng = new Random(seed);
        for (int i = 0; i < it.InputCount; i++)
        {
            if (it.InputDetails(i).Type == EdgeConv.Graph.ElementType.Float32)
            {
                var f = it.Input<float>(i);
                for (int k = 0; k < f.Length; k++) f[k] = (float)rng.NextDouble();
            }
            else
            {
                rng.NextBytes(it.Input(i));
            }
        }
        // Every intermediate tensor, so a wrong slice anywhere shows even if later ops hide it.
        var captured = new List<byte[]>();
        it.Invoke(new Capture(captured));
        return [.. captured];
    }

    private sealed class Capture(List<byte[]> tensors) : IOpObserver
    {
        public void OnOpCompleted(Interpreter interpreter, int opIndex)
        {
            foreach (int t in interpreter.Model.Graph.Operators[opIndex].Outputs)
                tensors.Add(interpreter.TensorBytes(t).ToArray());
        }
    }

    public static TheoryData<string> Models() => ["all-ops", "person_detect", "mobilenet_v2", "micro_speech", "demo"];

    private static Model Load(string name) => name switch
    {
        "all-ops" => Model.FromGraph(AllOpsModel.Build()),
        "demo" => Model.FromGraph(EdgeConv.Graph.DemoNetworks.MobileNetStyle(42)),
        "person_detect" => Model.Load(SharedFiles.Require("models", "person_detect.tflite")),
        "mobilenet_v2" => Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite")),
        _ => Model.Load(SharedFiles.Require("models", "micro_speech_quantized.tflite")),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryThreadCount_GivesTheSingleThreadBytes(string name)
    {
        var model = Load(name);
        var expected = RunAll(model, 1, seed: 5);
        foreach (int threads in new[] { 2, 3, 4 })
        {
            var actual = RunAll(model, threads, seed: 5);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{name}: tensor #{i} differs with {threads} threads");
        }
    }

    [Fact]
    public void ThreadedInvoke_AllocatesNothingOnTheInvokingThread()
    {
        var model = Model.FromGraph(EdgeConv.Graph.DemoNetworks.MobileNetStyle(42));
        using var it = new Interpreter(model, new InterpreterOptions { Threads = 3 });
        Assert.Equal(3, it.Threads);
        Allocations.AssertNoneAfterWarmUp(it.Invoke, perWindow: 200);
    }

    [Fact]
    public void ArenaGrows_ByOneScratchPerExtraThread_Only()
    {
        var model = Model.FromGraph(EdgeConv.Graph.DemoNetworks.MobileNetStyle(42));
        using var one = new Interpreter(model, new InterpreterOptions { Threads = 1 });
        using var four = new Interpreter(model, new InterpreterOptions { Threads = 4 });
        Assert.Equal(model.ArenaBytes, one.ArenaBytes);
        int stride = (model.ScratchBytes + 63) & ~63;   // each thread's scratch starts on a cache line
        Assert.Equal(model.ArenaBytes + 3 * stride, four.ArenaBytes);
    }
}
