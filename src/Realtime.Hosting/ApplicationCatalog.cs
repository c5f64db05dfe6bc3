using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>The applications a host knows, by name, in the order they were added.</summary>
public sealed class ApplicationCatalog
{
    private readonly List<IRealtimeApplication> _all = new();
    private readonly List<string> _names = new();

    /// <summary>Every application's name, in the order added.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Every application, in the order added.</summary>
    public IReadOnlyList<IRealtimeApplication> All => _all;

    /// <summary>Adds <paramref name="application"/>; a second one of the same name, or a name that is not letters, digits and '-', is an error.</summary>
    public void Add(IRealtimeApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        string name = application.Name;
        if (!IsValidName(name))
            throw new ArgumentException($"application name '{name}' must be 1 to 64 letters, digits or '-', starting with a letter", nameof(application));
        if (Has(name)) throw new ArgumentException($"an application named '{name}' is already registered", nameof(application));
        _all.Add(application);
        _names.Add(name);
    }

    /// <summary>The application a profile that names none runs: the first one added (null while none is).</summary>
    public IRealtimeApplication? Default => _all.Count > 0 ? _all[0] : null;

    /// <summary>Whether an application is registered as <paramref name="name"/>.</summary>
    public bool Has(string name) => _names.Contains(name);

    /// <summary>The application registered as <paramref name="name"/>, or null.</summary>
    public IRealtimeApplication? Find(string name)
    {
        int i = _names.IndexOf(name);
        return i < 0 ? null : _all[i];
    }

    /// <summary>
    /// "unknown demo 'x' (available: a, b)": the words every command uses for a name not registered
    /// (a profile chooses its application in its <c>demo</c> field, hence the word).
    /// </summary>
    public string Unknown(string name) =>
        _names.Count == 0 ? $"unknown demo '{MessageText.Shown(name)}' (no application is registered)" : $"unknown demo '{MessageText.Shown(name)}' (available: {string.Join(", ", _names)})";

    private static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !char.IsAsciiLetter(name[0])) return false;
        foreach (char c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        return true;
    }
}
