using System.Runtime.InteropServices;
using Realtime.Core.Pipeline;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// The kernel watchdog device (/dev/watchdog): once opened, the board resets unless it is written
/// within the driver's timeout. Kicked from the watchdog thread only while the loop makes progress;
/// on a clean stop the magic 'V' disarms it so a deliberate exit does not reset the board.
/// Not exercised on hardware in this repository's tests (no watchdog device here).
/// </summary>
public sealed unsafe class HardwareWatchdog : IWatchdogKick
{
    private int _fd;
    private readonly long _intervalNs;
    private long _lastKickNs;

    private HardwareWatchdog(int fd, long intervalNs)
    {
        _fd = fd;
        _intervalNs = intervalNs;
    }

    /// <summary>Opens the device; null with the reason when it cannot.</summary>
    public static HardwareWatchdog? TryOpen(string device, long kickIntervalNs, out string? problem)
    {
        problem = null;
        int fd = Libc.open(device, Libc.O_WRONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            problem = $"could not open the hardware watchdog {device}: {Libc.LastErrnoText()}";
            return null;
        }
        return new HardwareWatchdog(fd, kickIntervalNs);
    }

    /// <inheritdoc/>
    public void Kick(long nowNs)
    {
        if (_fd < 0 || nowNs - _lastKickNs < _intervalNs) return;
        _lastKickNs = nowNs;
        byte k = (byte)'k';
        Libc.write(_fd, &k, 1);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fd < 0) return;
        byte v = (byte)'V';
        Libc.write(_fd, &v, 1);
        Libc.close(_fd);
        _fd = -1;
    }
}
