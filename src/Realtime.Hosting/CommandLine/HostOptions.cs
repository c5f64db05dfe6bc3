using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// The kinds of option a host's commands take, as System.CommandLine options with the house's
/// wording: a flag takes no value, a number is range-checked as it is parsed, a choice lists its
/// words, and a bad value is one line that names the option and what it got. An option with one
/// value may be given again, and the last one counts, so a script's defaults can be followed by the
/// user's own (<c>rtapp run --board sim "$@"</c>).
/// </summary>
public static class HostOptions
{
    /// <summary>An option without a value (<c>--quiet</c>): true when given.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>An option with one value taken as written (a name, a path, a specification the command reads), or null when not given.</summary>
    /// <param name="name">The option, dashes included (<c>--report</c>).</param>
    /// <param name="helpName">What its value is, as help shows it (<c>FILE.json</c>).</param>
    /// <param name="description">What it does.</param>
    public static Option<string> Text(string name, string helpName, string description) =>
        LastCounts(new Option<string>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                string v = r.Tokens[^1].Value;
                // An empty value (an unset shell variable: --report "$OUT") names no file, folder or board.
                if (string.IsNullOrWhiteSpace(v)) r.AddError($"{name} needs {helpName}, got an empty value");
                return v;
            },
        });

    /// <summary>A board profile: a built-in name (the names complete in the shell) or a profile file.</summary>
    public static Option<string> Board(string name, string description)
    {
        var option = Text(name, "NAME|FILE.json", description);
        option.CompletionSources.Add(_ => ProfileCatalog.Names());
        return option;
    }

    /// <summary>An option that may be given again and again, one value each time (<c>--set a=1 --set b=2</c>), in order.</summary>
    public static Option<string[]> Repeated(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null when not given.</summary>
    public static Option<int?> Number(string name, int min, int max, string helpName, string description) =>
        LastCounts(new Option<int?>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                string v = r.Tokens[^1].Value;
                if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max) return n;
                r.AddError($"{name} must be a whole number from {min} to {max}, got '{MessageText.Shown(v)}'");
                return null;
            },
        });

    /// <summary>A number above <paramref name="above"/> and at most <paramref name="max"/> (a rate, a time), or null when not given.</summary>
    public static Option<double?> Real(string name, double above, double max, string helpName, string description) =>
        LastCounts(new Option<double?>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                string v = r.Tokens[^1].Value;
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > above && x <= max) return x;
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a number above {above} and at most {max}, got '{MessageText.Shown(v)}'"));
                return null;
            },
        });

    /// <summary>One of a few words, each standing for a value (<c>--scenario periodic|single-stream</c>), or null when not given; the words complete in the shell.</summary>
    public static Option<T?> Choice<T>(string name, string description, params (string Word, T Value)[] choices) where T : struct
    {
        ArgumentOutOfRangeException.ThrowIfZero(choices.Length);
        var words = new string[choices.Length];
        for (int i = 0; i < choices.Length; i++) words[i] = choices[i].Word;
        var option = new Option<T?>(name)
        {
            Description = description,
            HelpName = string.Join('|', words),
            CustomParser = r =>
            {
                string v = r.Tokens[^1].Value;
                foreach (var (word, value) in choices)
                    if (word == v) return value;
                r.AddError($"{name} must be {Alternatives(words)}, got '{MessageText.Shown(v)}'");
                return null;
            },
        };
        LastCounts(option);
        // The words, not System.CommandLine's default of the enum's member names.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(words);
        return option;
    }

    /// <summary>One of a few words, taken as the word itself (<c>--page-cache warm|cold|both</c>), or null when not given.</summary>
    public static Option<string> Word(string name, string description, params string[] words)
    {
        ArgumentOutOfRangeException.ThrowIfZero(words.Length);
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', words),
            CustomParser = r =>
            {
                string v = r.Tokens[^1].Value;
                if (Array.IndexOf(words, v) >= 0) return v;
                r.AddError($"{name} must be {Alternatives(words)}, got '{MessageText.Shown(v)}'");
                return null;
            },
        };
        LastCounts(option);
        option.CompletionSources.Add(words);
        return option;
    }

    /// <summary>
    /// Lets a one-value option be given more than once, one value each time (the parser above reads
    /// the last); a second word after one <c>--name</c> is still a stray argument.
    /// </summary>
    private static Option<T> LastCounts<T>(Option<T> option)
    {
        option.Arity = ArgumentArity.OneOrMore;
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }

    /// <summary>"a", "a or b", "a, b or c".</summary>
    private static string Alternatives(string[] words)
    {
        if (words.Length == 1) return words[0];
        var sb = new StringBuilder();
        for (int i = 0; i < words.Length; i++)
        {
            if (i > 0) sb.Append(i == words.Length - 1 ? " or " : ", ");
            sb.Append(words[i]);
        }
        return sb.ToString();
    }
}
