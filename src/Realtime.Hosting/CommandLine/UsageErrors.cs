using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// A command line System.CommandLine could not parse, said in one line: what was not understood and,
/// for a typo, the nearest word (System.CommandLine's own corrections take several lines, and the
/// house rule for bad input is one).
/// </summary>
internal static class UsageErrors
{
    /// <summary>The one line for <paramref name="result"/>'s first problem.</summary>
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        bool atRoot = command is RootCommand;
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            string shown = MessageText.Shown(token);
            if (token.StartsWith('-'))
            {
                int eq = token.IndexOf('=');
                string typed = eq > 0 ? token[..eq] : token;
                var names = new List<string>();
                foreach (var o in command.Options) if (!o.Hidden) names.Add(o.Name);
                foreach (var p in command.Parents)
                    if (p is Command parent)
                        foreach (var o in parent.Options) if (o.Recursive && !o.Hidden) names.Add(o.Name);
                return $"unknown option '{shown}'{(atRoot ? "" : $" for '{command.Name}'")}{Hint(typed, names)}";
            }
            if (atRoot)
            {
                var names = new List<string>();
                foreach (var c in command.Subcommands) if (!c.Hidden) names.Add(c.Name);
                return $"unknown command '{shown}'{Hint(token, names)}";
            }
            return $"unexpected argument '{shown}' for '{command.Name}'";
        }
        foreach (var error in result.Errors)
        {
            if (error.SymbolResult is OptionResult { Implicit: false } o && o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0)
                return $"option '{o.Option.Name}' needs a value";
            return MessageText.Shown(error.Message);
        }
        return "the command line could not be read";
    }

    private static string Hint(string typed, IEnumerable<string> known) =>
        Nearest(typed, known) is string near ? $" (did you mean '{near}'?)" : "";

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
