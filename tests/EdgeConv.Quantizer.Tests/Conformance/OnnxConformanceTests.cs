using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Onnx;
using EdgeConv.Quantizer.Tests.Support;

namespace EdgeConv.Quantizer.Tests.Conformance;

/// <summary>
/// ONNX's backend conformance cases through import + EdgeConv's float engine, compared with the
/// stored outputs at the backend-test tolerance (rtol 1e-3, atol 1e-7).
/// </summary>
public sealed class OnnxConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string c in OnnxConformanceCases.All())
            data.Add(c);
        if (data.Count == 0)
            data.Add("(libonnx-testdata not installed)");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_matches_the_stored_outputs(string testCase)
    {
        string dir = Path.Combine(OnnxConformanceCases.Root, testCase);
        if (!Directory.Exists(dir))
            Assert.Skip($"ONNX conformance data is absent: install Debian's libonnx-testdata ({OnnxConformanceCases.Root}).");
        string name = Path.GetFileName(testCase);
        var onnx = OnnxModelReader.ReadFile(Path.Combine(dir, "model.onnx"));
        string firstSet = Directory.GetDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal).First();
        var frozen = FrozenInputs(onnx, firstSet);
        ImportedModel imported;
        try
        {
            imported = OnnxImporter.Import(onnx, "model.onnx", new ImportOptions { ConstantInputs = frozen });
        }
        catch (OnnxImportException e)
        {
            Assert.True(OnnxConformanceCases.ExpectedUnsupported.TryGetValue(testCase, out string? reason),
                $"{testCase} is not listed as unsupported but import failed: {e.Message}");
            Assert.Contains(reason, e.Message, StringComparison.Ordinal);
            return;
        }
        Assert.False(OnnxConformanceCases.ExpectedUnsupported.TryGetValue(testCase, out string? why),
            $"{testCase} is listed as unsupported ({why}) but imported.");

        foreach (string set in Directory.GetDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            var inputs = Files(set, "input_").Select(OnnxTensorDecoder.ReadFile)
                .Where((_, i) => !frozen.ContainsKey(GraphInputs(onnx)[i].Name)).ToList();
            var expected = Files(set, "output_").Select(OnnxTensorDecoder.ReadFile).ToList();
            var actual = FloatRunner.Run(imported, inputs.Take(imported.Inputs.Count).Select(t => t.ToFloats()).ToList());
            Assert.Equal(expected.Count, actual.Length);
            for (int o = 0; o < expected.Count; o++)
            {
                Assert.Equal(imported.Outputs[o].Shape.Select(d => (long)d), expected[o].Dims);
                string? diff = FloatCompare.AllClose(actual[o], expected[o].ToFloats(), 1e-3, 1e-7);
                Assert.True(diff is null, $"{testCase} {Path.GetFileName(set)} output {o}: {diff}");
            }
        }
    }

    /// <summary>
    /// ONNX's operator tests pass weights, shapes and parameters as graph inputs. Inputs that are
    /// never a node's first input (nor the graph's first input) are bound as constants from the test data,
    /// as an exporter would have stored them; first inputs stay run-time tensors.
    /// </summary>
    private static Dictionary<string, OnnxTensor> FrozenInputs(OnnxModel model, string set)
    {
        var inputs = GraphInputs(model);
        var files = Files(set, "input_").ToList();
        var frozen = new Dictionary<string, OnnxTensor>();
        const int firstInput = 0;
        for (int i = 0; i < inputs.Count && i < files.Count; i++)
        {
            string name = inputs[i].Name;
            bool dataInput = i == firstInput || model.Graph.Nodes.Any(n => n.Inputs.Length > 0 && n.Inputs[0] == name);
            if (!dataInput)
                frozen[name] = OnnxTensorDecoder.ReadFile(files[i]);
        }
        return frozen;
    }

    private static List<OnnxValueInfo> GraphInputs(OnnxModel model) =>
        model.Graph.Inputs.Where(i => model.Graph.Initializers.All(t => t.Name != i.Name)).ToList();

    private static IEnumerable<string> Files(string set, string prefix) =>
        Directory.GetFiles(set, prefix + "*.pb").OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..]));
}
