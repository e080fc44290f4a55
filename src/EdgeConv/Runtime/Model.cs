using EdgeConv.Formats;
using EdgeConv.Formats.TFLite;
using EdgeConv.Graph;
using EdgeConv.Planning;
using EdgeConv.Runtime.Operations;

namespace EdgeConv.Runtime;

/// <summary>
/// A loaded, validated and planned model. Immutable: share one across threads and create an
/// <see cref="Interpreter"/> per thread.
/// </summary>
public sealed class Model
{
    private readonly Operation[] _operations;

    private Model(ModelGraph graph)
    {
        Graph = graph;
        _operations = new Operation[graph.Operators.Length];
        for (int i = 0; i < _operations.Length; i++)
            _operations[i] = OperationFactory.Create(graph, graph.Operators[i]);
        Plan = PlanArena(graph);
        foreach (var op in _operations)
            ScratchBytes = Math.Max(ScratchBytes, op.ScratchBytes);
        Inputs = Array.ConvertAll(graph.Inputs, i => new TensorDetails(graph.Tensors[i]));
        Outputs = Array.ConvertAll(graph.Outputs, i => new TensorDetails(graph.Tensors[i]));
        var ops = new OpSummary[_operations.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            var op = _operations[i];
            ops[i] = new OpSummary(i, BuiltinOpNames.Name(op.Info.Op), op.KernelName, op.Describe(),
                op.Info.Inputs, op.Info.Outputs, op.Macs, op.Parameters);
        }
        Operations = ops;
    }

    /// <summary>Loads a .tflite file.</summary>
    /// <exception cref="ModelFormatException">The file is malformed or uses an unsupported feature.</exception>
    public static Model Load(string path) => new(TfLiteModelReader.ReadFile(path));

    /// <summary>Loads a .tflite model from memory (the array is kept and must not change).</summary>
    /// <exception cref="ModelFormatException">The bytes are malformed or use an unsupported feature.</exception>
    public static Model Load(byte[] bytes, string name = "model") => new(TfLiteModelReader.Read(bytes, name));

    /// <summary>Prepares an already decoded graph (e.g. one the quantization tool built).</summary>
    public static Model FromGraph(ModelGraph graph) => new(graph ?? throw new ArgumentNullException(nameof(graph)));

    /// <summary>The decoded graph.</summary>
    public ModelGraph Graph { get; }

    /// <summary>
    /// Bytes of the one arena every interpreter of this model allocates: the planned tensors, then
    /// (64-byte aligned) the scratch region of <see cref="ScratchBytes"/> that the ops share.
    /// </summary>
    public int ArenaBytes => ScratchBytes == 0 ? Plan.ArenaBytes : ScratchOffset + ScratchBytes;

    /// <summary>Bytes of per-interpreter scratch: the most any op's kernel needs (0 when none does).</summary>
    public int ScratchBytes { get; }

    internal int ScratchOffset => (Plan.ArenaBytes + GreedyArenaPlanner.Alignment - 1) & -GreedyArenaPlanner.Alignment;

    /// <summary>Graph inputs.</summary>
    public IReadOnlyList<TensorDetails> Inputs { get; }

    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<TensorDetails> Outputs { get; }

    /// <summary>Every op with its kernel choice and cost.</summary>
    public IReadOnlyList<OpSummary> Operations { get; }

    internal ArenaPlan Plan { get; }

    internal ReadOnlySpan<Operation> PreparedOperations => _operations;

    /// <summary>
    /// Lifetimes come from execution order: a tensor lives from the op that writes it (0 for graph
    /// inputs) to the last op that reads it (the end for graph outputs).
    /// </summary>
    private static ArenaPlan PlanArena(ModelGraph graph)
    {
        int n = graph.Tensors.Length;
        int opCount = graph.Operators.Length;
        var first = new int[n];
        var last = new int[n];
        Array.Fill(first, -1);
        Array.Fill(last, -1);
        foreach (int t in graph.Inputs)
        {
            if (graph.Tensors[t].IsConstant)
                throw new ModelFormatException($"{graph.Name}: graph input {graph.Tensors[t].Describe()} is constant.");
            first[t] = 0;
            last[t] = 0;
        }
        foreach (var op in graph.Operators)
        {
            foreach (int t in op.Inputs)
            {
                if (t < 0 || graph.Tensors[t].IsConstant)
                    continue;
                if (first[t] < 0)
                    throw new ModelFormatException($"{graph.Name}: {op.Describe()} reads {graph.Tensors[t].Describe()} before any op writes it.");
                last[t] = Math.Max(last[t], op.Index);
            }
            foreach (int t in op.Outputs)
            {
                if (first[t] >= 0)
                    throw new ModelFormatException($"{graph.Name}: {op.Describe()} writes {graph.Tensors[t].Describe()}, which is already written by an earlier op or is a graph input.");
                first[t] = op.Index;
                last[t] = Math.Max(last[t], op.Index);
            }
        }
        foreach (int t in graph.Outputs)
        {
            if (first[t] < 0 && !graph.Tensors[t].IsConstant)
                throw new ModelFormatException($"{graph.Name}: graph output {graph.Tensors[t].Describe()} is never written.");
            last[t] = Math.Max(opCount - 1, 0);
        }

        var buffers = new List<BufferLifetime>();
        var owners = new List<int>();
        for (int t = 0; t < n; t++)
        {
            if (first[t] < 0 || graph.Tensors[t].IsConstant)
                continue;
            buffers.Add(new BufferLifetime(graph.Tensors[t].ByteLength, first[t], last[t]));
            owners.Add(t);
        }
        int[] placed = GreedyArenaPlanner.Plan(buffers, out int arenaBytes);
        var offsets = new int[n];
        Array.Fill(offsets, -1);
        for (int i = 0; i < owners.Count; i++)
            offsets[owners[i]] = placed[i];
        return new ArenaPlan { Offsets = offsets, ArenaBytes = arenaBytes };
    }
}
