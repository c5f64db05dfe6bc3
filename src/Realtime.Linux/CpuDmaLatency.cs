using System;
using System.Runtime.InteropServices;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Holds a PM QoS request on /dev/cpu_dma_latency: while the file stays open the kernel keeps
/// every core out of idle states whose exit latency exceeds the value (0 = none), which removes
/// wake-up latency from the loop at the cost of power. Released when disposed.
/// </summary>
public sealed unsafe class CpuDmaLatency : IDisposable
{
    private int _fd;

    private CpuDmaLatency(int fd, int latencyUs)
    {
        _fd = fd;
        LatencyUs = latencyUs;
    }

    /// <summary>The value held, µs.</summary>
    public int LatencyUs { get; }

    /// <summary>Opens and writes the request; returns null with the reason when it cannot.</summary>
    public static CpuDmaLatency? TryHold(int latencyUs, out string? problem)
    {
        problem = null;
        int fd = Libc.open("/dev/cpu_dma_latency", Libc.O_WRONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            problem = $"could not open /dev/cpu_dma_latency: {Libc.LastErrnoText()}; idle-state exits may add wake-up latency";
            return null;
        }
        int v = latencyUs;
        if (Libc.write(fd, &v, sizeof(int)) != sizeof(int))
        {
            string why = Libc.LastErrnoText();
            Libc.close(fd);
            problem = $"could not write /dev/cpu_dma_latency: {why}";
            return null;
        }
        return new CpuDmaLatency(fd, latencyUs);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fd >= 0) Libc.close(_fd);
        _fd = -1;
    }
}
