using EdgeConv.Formats;

namespace EdgeConv.Cli;

/// <summary>Dispatches `edgeconv COMMAND ...` and turns every failure into one line and an exit code.</summary>
public static class CommandLine
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage:
          edgeconv                                   run the built-in demo
          edgeconv run MODEL.tflite --input IN.raw --output OUT.raw [--dump DIR] [--threads N]
          edgeconv inspect MODEL.tflite
          edgeconv bench MODEL.tflite [--iterations N] [--warmup N] [--threads N] [--profile]
        """;

    /// <summary>Runs a command; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            if (args.Length == 0)
                return DemoCommand.Run(stdout);
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "run" => RunCommand.Run(rest, stdout),
                "inspect" => InspectCommand.Run(rest, stdout),
                "bench" => BenchCommand.Run(rest, stdout),
                "demo" => DemoCommand.Run(stdout),
                "-h" or "--help" or "help" => Help(stdout),
                _ => throw new CliException($"unknown command '{args[0]}'. Run 'edgeconv --help'.", 2),
            };
        }
        catch (CliException e)
        {
            stderr.WriteLine($"edgeconv: {e.Message}");
            return e.ExitCode;
        }
        catch (ModelFormatException e)
        {
            stderr.WriteLine($"edgeconv: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"edgeconv: {e.Message}");
            return 1;
        }
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine(Usage);
        return 0;
    }
}
