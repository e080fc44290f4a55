using System.Globalization;

namespace EdgeConv.Quantizer.Cli;

/// <summary>A user-facing error: one line on stderr, exit code 2 (usage) or 1 (failure).</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>"--name value" and "--flag" arguments; anything unknown is an error.</summary>
internal sealed class CliOptions
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CliOptions(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (flagOptions.Contains(a))
                _flags.Add(a);
            else if (valueOptions.Contains(a))
            {
                if (i + 1 >= args.Count)
                    throw new CliException($"option {a} needs a value.", 2);
                if (!_values.TryGetValue(a, out var list))
                    _values[a] = list = [];
                list.Add(args[++i]);
            }
            else if (a.StartsWith("--", StringComparison.Ordinal))
                throw new CliException($"unknown option {a}.", 2);
            else
                Positional.Add(a);
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    public IEnumerable<string> Values(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public string Required(string name, string what) => Value(name) ?? throw new CliException($"missing {name} {what}.", 2);

    public int Int(string name, int defaultValue, int min)
    {
        string? v = Value(name);
        if (v is null)
            return defaultValue;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) || r < min)
            throw new CliException($"option {name} expects an integer >= {min}, got '{v}'.", 2);
        return r;
    }

    public float[]? Floats(string name)
    {
        string? v = Value(name);
        if (v is null)
            return null;
        try
        {
            return v.Split(',').Select(x => float.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new CliException($"option {name} expects numbers separated by commas, got '{v}'.", 2);
        }
    }
}
