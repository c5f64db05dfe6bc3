using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// CPU time consumed, in nanoseconds, from the kernel's CPU-time clocks: the whole process (every
/// thread, ONNX Runtime's pool included) and the calling thread. getrusage and /proc/self/stat count
/// in clock ticks (10 ms here); these clocks count in nanoseconds, so a few frames show.
/// </summary>
public static unsafe class CpuClock
{
    /// <summary>CPU time of every thread of this process so far (CLOCK_PROCESS_CPUTIME_ID).</summary>
    public static long ProcessNs() => Read(Libc.CLOCK_PROCESS_CPUTIME_ID);

    /// <summary>CPU time of the calling thread so far (CLOCK_THREAD_CPUTIME_ID).</summary>
    public static long ThreadNs() => Read(Libc.CLOCK_THREAD_CPUTIME_ID);

    private static long Read(int clock)
    {
        Libc.Timespec ts;
        // These clocks exist on every Linux since 2.6.12: a failure would be a broken libc, not an input.
        if (Libc.clock_gettime(clock, &ts) != 0) throw new System.InvalidOperationException($"clock_gettime({clock}) failed");
        return ts.Sec * 1_000_000_000L + ts.Nsec;
    }
}
