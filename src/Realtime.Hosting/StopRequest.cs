using System.Threading;
using Realtime.Core.Pipeline;

namespace Realtime.Hosting;

/// <summary>
/// A SIGINT/SIGTERM seen at any moment of <c>rtapp run</c>: registered before anything else, it
/// remembers the first signal and asks the loop to stop as soon as there is one (at once when the
/// loop already exists, or the moment it is attached), so a signal during start-up is never lost.
/// </summary>
public sealed class StopRequest
{
    private int _signal;
    // Every loop of the host (several applications: one each); replaced whole, so the handler reads a whole array.
    private IClosedLoop[] _loops = System.Array.Empty<IClosedLoop>();
    private readonly object _gate = new();

    /// <summary>The first signal's number (2 or 15), 0 when none came.</summary>
    public int Signal => Volatile.Read(ref _signal);

    /// <summary>Whether a signal came.</summary>
    public bool Requested => Signal != 0;

    /// <summary>The signal's name for the report ("SIGTERM").</summary>
    public string SignalName => Signal == 2 ? "SIGINT" : Signal == 15 ? "SIGTERM" : $"signal {Signal}";

    /// <summary>From the signal handler: note the signal and stop the loop if there is one.</summary>
    public void Raise(int signal)
    {
        Interlocked.CompareExchange(ref _signal, signal, 0);
        foreach (var loop in Volatile.Read(ref _loops)) loop.RequestStop();
    }

    /// <summary>The loop now exists (one of several, when the host runs several): a signal that came before stops it before its first frame.</summary>
    public void Attach(IClosedLoop loop)
    {
        System.ArgumentNullException.ThrowIfNull(loop);
        lock (_gate)
        {
            var loops = new IClosedLoop[_loops.Length + 1];
            _loops.CopyTo(loops, 0);
            loops[^1] = loop;
            Volatile.Write(ref _loops, loops);
        }
        if (Requested) loop.RequestStop();
    }
}
