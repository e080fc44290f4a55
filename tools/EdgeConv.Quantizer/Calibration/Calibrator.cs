using System.Runtime.InteropServices;
using EdgeConv.Graph;
using EdgeConv.Runtime;

namespace EdgeConv.Quantizer.Calibration;

/// <summary>
/// Runs a float graph over calibration samples and records statistics of every float tensor it
/// computes (and of the graph inputs), read right after each op so arena reuse cannot hide them.
/// </summary>
public static class Calibrator
{
    /// <summary>
    /// Observes all samples once for min/max and, when <paramref name="withHistograms"/>, a second time
    /// for histograms. Each sample holds one float array per graph input.
    /// </summary>
    public static Dictionary<int, TensorStatistics> Run(Model floatModel, IReadOnlyList<float[][]> samples,
        bool withHistograms, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
            throw new ArgumentException("Calibration needs at least one sample.", nameof(samples));
        var stats = new Dictionary<int, TensorStatistics>();
        var interpreter = new Interpreter(floatModel);
        int passes = withHistograms ? 2 : 1;
        for (int pass = 0; pass < passes; pass++)
        {
            var observer = new Observer(stats, histogram: pass == 1);
            for (int i = 0; i < samples.Count; i++)
            {
                Feed(interpreter, samples[i]);
                observer.ObserveInputs(interpreter);
                interpreter.Invoke(observer);
                progress?.Invoke(pass * samples.Count + i + 1, passes * samples.Count);
            }
        }
        return stats;
    }

    /// <summary>Copies one sample into the interpreter's float inputs, checking sizes.</summary>
    public static void Feed(Interpreter interpreter, float[][] sample)
    {
        ArgumentNullException.ThrowIfNull(interpreter);
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Length != interpreter.InputCount)
            throw new ArgumentException($"A sample has {sample.Length} inputs; the model has {interpreter.InputCount}.");
        for (int k = 0; k < sample.Length; k++)
        {
            var input = interpreter.Input<float>(k);
            if (sample[k].Length != input.Length)
                throw new ArgumentException($"Input {k} sample has {sample[k].Length} values; the model expects {input.Length} ({interpreter.InputDetails(k)}).");
            sample[k].CopyTo(input);
        }
    }

    private sealed class Observer(Dictionary<int, TensorStatistics> stats, bool histogram) : IOpObserver
    {
        public void ObserveInputs(Interpreter interpreter)
        {
            foreach (int t in interpreter.Model.Graph.Inputs)
                Observe(interpreter, t);
        }

        public void OnOpCompleted(Interpreter interpreter, int opIndex)
        {
            foreach (int t in interpreter.Model.Graph.Operators[opIndex].Outputs)
                Observe(interpreter, t);
        }

        private void Observe(Interpreter interpreter, int tensor)
        {
            if (interpreter.Model.Graph.Tensors[tensor].Type != ElementType.Float32)
                return;
            var values = MemoryMarshal.Cast<byte, float>(interpreter.TensorBytes(tensor));
            if (!stats.TryGetValue(tensor, out var s))
                stats[tensor] = s = new TensorStatistics();
            if (histogram)
            {
                s.ObserveHistogram(values);
                return;
            }
            s.ObserveRange(values);
            var shape = interpreter.Model.Graph.Tensors[tensor].Shape;
            if (shape.Length > 0)
                s.ObserveChannels(values, shape[^1]);
        }
    }
}
