using System;
using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>A profile (or what it points at) that cannot be used; one line per problem, each naming the file and the field.</summary>
public sealed class ProfileException : Exception
{
    /// <summary>Creates the exception from its problems.</summary>
    public ProfileException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems))
    {
        Source = source;
        Problems = problems;
    }

    /// <summary>The file (or embedded name) the profile came from.</summary>
    public new string Source { get; }
    /// <summary>The problems, each "field: what is wrong".</summary>
    public IReadOnlyList<string> Problems { get; }

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
