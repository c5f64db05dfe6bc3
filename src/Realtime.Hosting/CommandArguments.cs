using System;
using System.Collections.Generic;
using System.Globalization;

namespace Realtime.Hosting;

/// <summary>A command's arguments: <c>--name value</c> options and <c>--flags</c>, parsed against the options the command declares.</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);

    private CommandArguments(string command) => Command = command;

    /// <summary>The command's name (the first argument).</summary>
    public string Command { get; }

    /// <summary>Parses <paramref name="args"/> (the command first); an unknown option, a stray word or a missing value is a <see cref="UsageException"/> naming it.</summary>
    /// <param name="args">The whole command line, the command's name first.</param>
    /// <param name="known">The options the command takes, without their dashes, each with whether it takes a value.</param>
    public static CommandArguments Parse(string[] args, IReadOnlyDictionary<string, bool> known)
    {
        var cl = new CommandArguments(args.Length > 0 ? args[0] : "help");
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{a}'");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (!known.TryGetValue(name, out bool takesValue))
            {
                string? near = Nearest(name, known.Keys);
                throw new UsageException($"unknown option '--{name}' for '{cl.Command}'{(near is null ? "" : $" (did you mean '--{near}'?)")}");
            }
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

    /// <summary>Whether the option was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The option's value (the last one given), or null.</summary>
    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    /// <summary>Every value of an option that may be repeated (--set a=1 --set b=2), in order.</summary>
    public IReadOnlyList<string> GetAll(string name) => _repeated.TryGetValue(name, out var all) ? all : Array.Empty<string>();

    /// <summary>The option as a whole number from <paramref name="min"/> to <paramref name="max"/>, or null when not given; anything else is a <see cref="UsageException"/>.</summary>
    public int? GetInt(string name, int min, int max)
    {
        string? v = Get(name);
        if (v is null) return null;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{v}'");
        return n;
    }

    /// <summary>The known name closest to <paramref name="typed"/> (a typo's fix), or null when none is close.</summary>
    internal static string? Nearest(string typed, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string k in known)
        {
            int d = EditDistance(typed, k);
            if (d < bestDistance) { best = k; bestDistance = d; }
        }
        // At most a third of the word wrong (and at least one edit allowed): closer than that is a typo, further a different word.
        return best is not null && bestDistance <= Math.Max(1, typed.Length / 3) ? best : null;
    }

    /// <summary>Edits from one word to the other: insertions, deletions, substitutions, and two neighbours swapped (the commonest typo) as one.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
