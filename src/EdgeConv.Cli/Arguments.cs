namespace EdgeConv.Cli;

/// <summary>Minimal "--name value" / "--flag" parser that rejects anything it does not know.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public Arguments(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (flags.Contains(a))
                    _options[a] = null;
                else if (valueOptions.Contains(a))
                {
                    if (i + 1 >= args.Count)
                        throw new CliException($"option {a} needs a value.", 2);
                    _options[a] = args[++i];
                }
                else
                    throw new CliException($"unknown option {a}.", 2);
            }
            else
                _positional.Add(a);
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int defaultValue, int min)
    {
        string? v = Value(name);
        if (v is null)
            return defaultValue;
        if (!int.TryParse(v, out int r) || r < min)
            throw new CliException($"option {name} expects an integer >= {min}, got '{v}'.", 2);
        return r;
    }
}
