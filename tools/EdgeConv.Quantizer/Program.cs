using EdgeConv.Graph;
using EdgeConv.Quantizer.Import;
using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer;

/// <summary>The edgeconv-quantize command. For now: <c>import MODEL.onnx</c> prints the imported float graph.</summary>
public static class Program
{
    /// <summary>Entry point; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "import")
        {
            Console.Error.WriteLine("usage: edgeconv-quantize import MODEL.onnx");
            return 2;
        }
        try
        {
            var imported = OnnxImporter.Import(args[1]);
            foreach (var i in imported.Inputs)
                Console.WriteLine($"input  {i.Name} onnx [{string.Join(',', i.OnnxShape)}] model [{string.Join(',', i.Shape)}]{(i.IsNhwcOfNchw ? " (NHWC)" : "")}");
            foreach (var o in imported.Outputs)
                Console.WriteLine($"output {o.Name} [{string.Join(',', o.Shape)}]");
            var g = imported.Graph;
            foreach (var op in g.Operators)
                Console.WriteLine($"{op.Index,4} {BuiltinOpNames.Name(op.Op),-24} -> {g.Tensors[op.Outputs[0]].Describe()}  [{imported.OpOnnxNodes[op.Index]}]");
            foreach (var note in imported.Notes)
                Console.WriteLine($"note {note.Kind}: {note.OnnxNode}: {note.Detail}");
            return 0;
        }
        catch (Exception e) when (e is OnnxFormatException or OnnxImportException or IOException)
        {
            Console.Error.WriteLine($"edgeconv-quantize: {e.Message}");
            return 1;
        }
    }
}
