using System;

namespace Realtime.Hosting;

/// <summary>
/// What SIGHUP asks of a run (systemctl reload): set once the run has something to do with it (interval reports now,
/// a recorder's ring into a file). Until then, and in a run with neither, SIGHUP is logged and the run goes on: the
/// signal's default action would end the process without a safe stop or a report.
/// </summary>
public sealed class HangupRequest
{
    private volatile Action? _action;

    /// <summary>What a SIGHUP does from now on.</summary>
    public void Set(Action action) => _action = action ?? throw new ArgumentNullException(nameof(action));

    /// <summary>Called from the signal handler.</summary>
    public void Raise()
    {
        if (_action is { } action) action();
        else Log.Info("signal", "SIGHUP: a bounded run writes its report when it ends (a continuous run writes one now, a recorder its ring); the run goes on");
    }
}
