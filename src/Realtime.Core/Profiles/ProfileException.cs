using System;
using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>A profile (or what it points at) that cannot be used; one line per problem, each naming the file and the field.</summary>
public sealed class ProfileException : Exception
{
    /// <summary>Creates the exception from its problems.</summary>
    public ProfileException(string source, IReadOnlyList<string> problems)
        : base(Format(OneLine(source), OneLine(problems)))
    {
        Source = OneLine(source);
        Problems = OneLine(problems);
    }

    /// <summary>
    /// <paramref name="message"/> without a leading "<paramref name="source"/>: ": a reader's or an engine's
    /// message names its file, and a problem line is printed after its source already.
    /// </summary>
    public static string WithoutSource(string message, string source)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(source);
        return message.StartsWith(source + ": ", StringComparison.Ordinal) ? message[(source.Length + 2)..] : message;
    }

    /// <summary>The longest problem line kept; a value echoed from a hostile profile is cut there.</summary>
    public const int MaxLineLength = 1000;

    /// <summary>The file (or embedded name) the profile came from.</summary>
    public new string Source { get; }
    /// <summary>The problems, each "field: what is wrong".</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string[] OneLine(IReadOnlyList<string> problems)
    {
        var lines = new string[problems.Count];
        for (int i = 0; i < lines.Length; i++) lines[i] = OneLine(problems[i]);
        return lines;
    }

    /// <summary>
    /// One printable line: a value echoed from the profile may hold newlines, escape sequences or
    /// megabytes; each problem stays one line a terminal shows as it is.
    /// </summary>
    private static string OneLine(string text)
    {
        bool clean = text.Length <= MaxLineLength;
        foreach (char ch in text) if (char.IsControl(ch) || char.IsSurrogate(ch) || ch is '\u2028' or '\u2029') { clean = false; break; }
        if (clean) return text;
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, MaxLineLength) + 16);
        for (int i = 0; i < text.Length && sb.Length < MaxLineLength; i++)
        {
            char ch = text[i];
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) sb.Append(ch).Append(text[++i]);
            else if (char.IsControl(ch) || char.IsSurrogate(ch) || ch is '\u2028' or '\u2029') sb.Append("\\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(ch);
        }
        if (sb.Length >= MaxLineLength && text.Length > MaxLineLength) sb.Append("… (cut)");
        return sb.ToString();
    }

    private static string Format(string source, IReadOnlyList<string> problems)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < problems.Count; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(source).Append(": ").Append(problems[i]);
        }
        return sb.ToString();
    }
}
