using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Quantizer.Calibration;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Quantization;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Tests.Support;

/// <summary>The quantize command's steps in code: calibrate once (ranges and histograms), quantize with any options, load the written .tflite.</summary>
internal sealed class InCodeQuantizer
{
    private readonly ImportedModel _imported;
    private readonly Dictionary<int, TensorStatistics> _stats;

    public InCodeQuantizer(ImportedModel imported, IEnumerable<float[]> onnxOrderSamples)
    {
        _imported = imported;
        FloatModel = Model.FromGraph(imported.Graph);
        var samples = onnxOrderSamples.Select(s => new[] { imported.Inputs[0].FromOnnxOrder(s) }).ToList();
        _stats = Calibrator.Run(FloatModel, samples, withHistograms: true);
    }

    public Model FloatModel { get; }

    /// <summary>The int8 model for these options, written to TFLite bytes and loaded back.</summary>
    public Model Quantize(QuantizationOptions options) =>
        Model.Load(TfLiteModelWriter.Write(GraphQuantizer.Quantize(_imported.Graph, _stats, options)), "quantized");

    /// <summary>An ONNX-order sample in the imported model's input layout.</summary>
    public float[] ModelOrder(float[] onnxOrderInput) => _imported.Inputs[0].FromOnnxOrder(onnxOrderInput);

    /// <summary>Every output of a float or int8 model on one sample (ONNX element order in), dequantized.</summary>
    public float[][] Run(Model model, float[] onnxOrderInput)
    {
        var it = new Interpreter(model);
        Report.QuantizationReport.FillInput(it, _imported.Inputs[0].FromOnnxOrder(onnxOrderInput));
        it.Invoke();
        var outputs = new float[it.OutputCount][];
        for (int o = 0; o < outputs.Length; o++)
        {
            var d = it.OutputDetails(o);
            outputs[o] = d.Type == ElementType.Float32
                ? it.Output<float>(o).ToArray()
                : it.Output<sbyte>(o).ToArray().Select(v => d.Dequantize(v)).ToArray();
        }
        return outputs;
    }
}
