using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.Core.Graph;

/// <summary>
/// What every component factory of one application build is given beside its own configuration:
/// the board's facts (pins, PWM chips, whether it is simulated), where the profile came from (for
/// messages and relative paths), the clock, and the list of what the application owns and
/// releases when it is disposed (a loaded model, an open device).
/// </summary>
public sealed class ComponentContext : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    /// <summary>A context for the board <paramref name="board"/>, read from <paramref name="source"/>.</summary>
    public ComponentContext(BoardProfile board, string source, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(source);
        Board = board;
        Source = source;
        Clock = clock ?? SystemClock.Instance;
    }

    /// <summary>The board profile (board facts; its <c>app</c> section is what is being built).</summary>
    public BoardProfile Board { get; }
    /// <summary>Where the profile came from (a path, or a built-in board's name), for messages.</summary>
    public string Source { get; }
    /// <summary>The clock sources and nodes stamp with.</summary>
    public IClock Clock { get; }
    /// <summary>The assets folder (models, videos), or null when none was found.</summary>
    public string? AssetsDirectory { get; init; }

    /// <summary>Hands <paramref name="resource"/> to the application: disposed, last owned first, when the context is.</summary>
    public T Own<T>(T resource) where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(resource);
        _owned.Add(resource);
        return resource;
    }

    /// <summary>Releases what was owned, last first; every one is released even if one throws.</summary>
    public void Dispose()
    {
        List<Exception>? errors = null;
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            try { _owned[i].Dispose(); }
            catch (Exception ex) { (errors ??= new()).Add(ex); }
        }
        _owned.Clear();
        if (errors is not null) throw new AggregateException("releasing the application's resources", errors);
    }
}
