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
    private readonly Dictionary<string, string> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, object> _shared = new();
    // Nodes of a concurrent type are created on threads of their own (ComponentRegistry.Build): what they share goes through this gate.
    private readonly object _gate = new();

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
    /// <summary>The loop's rate, Hz: <c>app.loop.rate_hz</c>, else the board's <c>timing.rate_hz</c> (what a simulated world steps by, what a controller's nominal period is).</summary>
    public double LoopRateHz => Board.App?.Loop?.RateHz ?? Board.Timing.RateHz;
    /// <summary>The assets folder (models, videos), or null when none was found.</summary>
    public string? AssetsDirectory { get; init; }

    /// <summary>
    /// Whether a path is a regular file (not a device, FIFO, socket or folder, which would block or
    /// never end a read); the host sets the kernel's answer, the default only asks whether a file exists.
    /// </summary>
    public Func<string, bool> IsRegularFile { get; init; } = System.IO.File.Exists;

    /// <summary>
    /// The file a component's <paramref name="name"/> field names (required): an absolute path as
    /// is, else under <see cref="AssetsDirectory"/>, else beside the profile file. Missing or not a
    /// regular file is a problem naming the field (and null is returned).
    /// </summary>
    public string? RequireAsset(NodeConfig config, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(config);
        string relative = config.Text(name);
        if (relative.Length == 0) return null;
        if (relative.Contains('\0', StringComparison.Ordinal)) { config.Problem(name, "a path with a NUL character"); return null; }
        string path = System.IO.Path.IsPathRooted(relative) ? relative
            : AssetsDirectory is not null ? System.IO.Path.Combine(AssetsDirectory, relative)
            : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Source)) ?? ".", relative);
        path = System.IO.Path.GetFullPath(path);
        if (!System.IO.File.Exists(path))
        {
            string where = AssetsDirectory is null ? "no assets folder was found (name one, or set RTAPP_ASSETS)" : $"assets folder {AssetsDirectory}";
            config.Problem(name, $"{what} not found: {path} ({where}; ./scripts/fetch-assets.sh fetches the project's assets)");
            return null;
        }
        if (!IsRegularFile(path)) { config.Problem(name, $"{what} {path} is not a regular file (a device, FIFO or socket)"); return null; }
        return path;
    }

    /// <summary>
    /// Claims <paramref name="output"/> (a PWM channel, a GPIO line: any text that names one output
    /// of the board) for node <paramref name="node"/>: null when it was free or is already this node's,
    /// else the name of the node that holds it. Two sinks driving one output would fight over it every
    /// frame and neither's safe state would hold, so a sink opens nothing it could not claim.
    /// </summary>
    public string? Claim(string output, string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        ArgumentException.ThrowIfNullOrEmpty(node);
        lock (_gate)
        {
            if (_claims.TryGetValue(output, out string? holder)) return holder == node ? null : holder;
            // Several applications in one host: an output another loop's sink holds is as taken as one of this graph's.
            if (HostClaims?.Claim(output, LoopName ?? "", node) is { } elsewhere) return elsewhere;
            _claims.Add(output, node);
            return null;
        }
    }

    /// <summary>
    /// The outputs every loop of the host has claimed, when it runs several applications (null: this
    /// build is the only one); an output is then named by what it is on the board (a PWM chip and channel,
    /// a GPIO line), so two loops' profiles that list it differently still meet.
    /// </summary>
    public OutputClaims? HostClaims { get; init; }

    /// <summary>The loop this build is for, when the host runs several (its <c>apps[].name</c>), as claims name it.</summary>
    public string? LoopName { get; init; }

    /// <summary>
    /// The one <typeparamref name="T"/> of this application build, made by <paramref name="create"/>
    /// the first time a component asks: what several nodes must share rather than each open (one
    /// PWM opener per board, so a PCA9685 is opened once; a simulated plant that reads the
    /// simulated outputs a sink writes). An <see cref="IDisposable"/> one is owned by the context.
    /// </summary>
    public T Shared<T>(Func<T> create) where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        // Held while creating: a second asker waits for the one instance (the lock is reentrant, so create may Own).
        lock (_gate)
        {
            if (_shared.TryGetValue(typeof(T), out object? existing)) return (T)existing;
            T made = create() ?? throw new InvalidOperationException($"the factory of the shared {typeof(T).Name} returned null");
            _shared.Add(typeof(T), made);
            if (made is IDisposable disposable) _owned.Add(disposable);
            return made;
        }
    }

    /// <summary>Hands <paramref name="resource"/> to the application: disposed, last owned first, when the context is.</summary>
    public T Own<T>(T resource) where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (_gate) _owned.Add(resource);
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
