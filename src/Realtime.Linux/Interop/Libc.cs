using System.Runtime.InteropServices;

namespace Realtime.Linux.Interop;

/// <summary>The libc calls the runtime uses, source-generated (no runtime marshalling stubs).</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int SCHED_OTHER = 0;
    public const int SCHED_FIFO = 1;
    public const int SCHED_RR = 2;
    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;
    public const int MCL_ONFAULT = 4;
    public const int CLOCK_MONOTONIC = 1;
    public const int CLOCK_BOOTTIME = 7;
    public const int TIMER_ABSTIME = 1;
    public const int EINTR = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sched_setscheduler(int pid, int policy, int* param);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sched_getscheduler(int pid);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sched_getparam(int pid, int* param);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sched_setaffinity(int pid, nuint size, ulong* mask);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sched_getaffinity(int pid, nuint size, ulong* mask);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int mlockall(int flags);

    [LibraryImport(Lib)]
    public static partial int clock_nanosleep(int clock, int flags, Timespec* request, Timespec* remain);

    [LibraryImport(Lib)]
    public static partial int clock_gettime(int clock, Timespec* ts);

    [LibraryImport(Lib)]
    public static partial int gettid();

    [LibraryImport(Lib)]
    public static partial long sysconf(int name);

    public const int _SC_CLK_TCK = 2;
}
