using System;
using System.Collections.Generic;
using System.Globalization;

namespace Realtime.App;

/// <summary>A command line: the command, then --name value options and --flags.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);

    private CommandLine(string command) => Command = command;

    public string Command { get; }

    /// <summary>Parses; unknown options are errors naming the option.</summary>
    public static CommandLine Parse(string[] args, IReadOnlyDictionary<string, bool> known)
    {
        var cl = new CommandLine(args.Length > 0 ? args[0] : "help");
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{a}'");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (!known.TryGetValue(name, out bool takesValue)) throw new UsageException($"unknown option '--{name}' for '{cl.Command}'");
            if (takesValue && value is null)
            {
                if (i + 1 >= args.Length) throw new UsageException($"option '--{name}' needs a value");
                value = args[++i];
            }
            cl._options[name] = value;
            if (value is not null)
            {
                if (!cl._repeated.TryGetValue(name, out var all)) cl._repeated[name] = all = new List<string>();
                all.Add(value);
            }
        }
        return cl;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    /// <summary>Every value of an option that may be repeated (--set a=1 --set b=2), in order.</summary>
    public IReadOnlyList<string> GetAll(string name) => _repeated.TryGetValue(name, out var all) ? all : Array.Empty<string>();

    public int? GetInt(string name, int min, int max)
    {
        string? v = Get(name);
        if (v is null) return null;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{v}'");
        return n;
    }
}

/// <summary>A mistake on the command line.</summary>
internal sealed class UsageException(string message) : Exception(message);
