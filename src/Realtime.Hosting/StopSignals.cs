using System;
using System.Runtime.InteropServices;

namespace Realtime.Hosting;

/// <summary>
/// SIGINT and SIGTERM taken over from the runtime, whose default ends the process at once: each
/// calls the command's stop with its number (2, 15), and the command ends in its own time (outputs
/// safe, a report of what it measured, its temporary files removed). Held for as long as the
/// command may be stopped.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    /// <summary>Calls <paramref name="stop"/> with the signal's number at each SIGINT or SIGTERM until disposed.</summary>
    public StopSignals(Action<int> stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop(2); });
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop(15); });
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
