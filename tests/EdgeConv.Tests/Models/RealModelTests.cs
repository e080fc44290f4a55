using EdgeConv.Runtime;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Models;

/// <summary>The real int8 models in ../shared/models (skipped with a reason when ../shared is absent).</summary>
public class RealModelTests
{
    private sealed class Capture(Dictionary<int, byte[]> tensors) : IOpObserver
    {
        public void OnOpCompleted(Interpreter interpreter, int opIndex)
        {
            foreach (int t in interpreter.Model.Graph.Operators[opIndex].Outputs)
                tensors[t] = interpreter.TensorBytes(t).ToArray();
        }
    }

    private static sbyte[] Run(Interpreter interpreter, string inputPath)
    {
        File.ReadAllBytes(inputPath).CopyTo(interpreter.Input(0));
        interpreter.Invoke();
        return interpreter.Output<sbyte>(0).ToArray();
    }

    [Fact]
    public void PersonDetect_ScoresPersonAndNoPersonTheWayTfLiteMicroDoes()
    {
        var model = Model.Load(SharedFiles.Require("models", "person_detect.tflite"));
        var interpreter = new Interpreter(model);
        var person = Run(interpreter, SharedFiles.Require("testdata", "person.int8.raw"));
        var noPerson = Run(interpreter, SharedFiles.Require("testdata", "no_person.int8.raw"));
        Assert.True(person[1] > person[0], $"person image scored person={person[1]} no_person={person[0]}");
        Assert.True(noPerson[0] > noPerson[1], $"no_person image scored person={noPerson[1]} no_person={noPerson[0]}");
    }

    [Fact]
    public void PersonDetect_EveryIntermediateTensor_EqualsTfLiteMicroGolden()
    {
        string golden = SharedFiles.Require("testdata", "person_detect_golden");
        var model = Model.Load(SharedFiles.Require("models", "person_detect.tflite"));
        var interpreter = new Interpreter(model);
        File.ReadAllBytes(SharedFiles.Require("testdata", "person.int8.raw")).CopyTo(interpreter.Input(0));
        var captured = new Dictionary<int, byte[]>();
        interpreter.Invoke(new Capture(captured));
        var files = Directory.GetFiles(golden, "t*.raw");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            int index = int.Parse(Path.GetFileNameWithoutExtension(file)[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(captured.ContainsKey(index), $"tensor {index} was not computed");
            byte[] expected = File.ReadAllBytes(file);
            int firstDiff = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != captured[index][i], -1);
            Assert.True(firstDiff < 0, $"tensor {index} differs from TFLite Micro at byte {firstDiff}");
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(golden, "expected_output.raw")), interpreter.Output(0).ToArray());
    }

    [Fact]
    public void PersonDetect_ArenaIsNoLargerThanTfLiteMicros()
    {
        var model = Model.Load(SharedFiles.Require("models", "person_detect.tflite"));
        Assert.InRange(model.ArenaBytes, 1, 85_024);
    }

    [Fact]
    public void MobileNetV2_ClassifiesTheSamoyed_AndFitsTfLiteMicrosArena()
    {
        var model = Model.Load(SharedFiles.Require("models", "mobilenet_v2_quantized_1x3x224x224.tflite"));
        Assert.InRange(model.ArenaBytes, 1, 2_606_896);
        var interpreter = new Interpreter(model);
        var logits = Run(interpreter, SharedFiles.Require("testdata", "dog.int8.raw"));
        Assert.Equal(1000, logits.Length);
        int top1 = Array.IndexOf(logits, logits.Max());
        Assert.Equal(258, top1);
    }

    [Fact]
    public void MicroSpeech_LoadsAndRuns_ProducingAProbabilityDistribution()
    {
        var model = Model.Load(SharedFiles.Require("models", "micro_speech_quantized.tflite"));
        var interpreter = new Interpreter(model);
        new Random(4).NextBytes(interpreter.Input(0));
        interpreter.Invoke();
        var output = interpreter.Output<sbyte>(0);
        var details = interpreter.OutputDetails(0);
        Assert.Equal(4, output.Length);
        float sum = 0;
        foreach (sbyte q in output)
            sum += details.Dequantize(q);
        Assert.InRange(sum, 0.97f, 1.03f);
    }
}
