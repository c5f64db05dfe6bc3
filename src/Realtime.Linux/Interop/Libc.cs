using System.Runtime.InteropServices;

namespace Realtime.Linux.Interop;

/// <summary>The libc calls the runtime uses, source-generated (no runtime marshalling stubs).</summary>
internal static unsafe partial class Libc
{
    /// <summary>An errno as the kernel's words and its number: "No such file or directory (errno 2)".</summary>
    public static string ErrnoText(int errno) => $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary><see cref="ErrnoText"/> of the last P/Invoke's errno.</summary>
    public static string LastErrnoText() => ErrnoText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError());

    private const string Lib = "libc";

    public const int SCHED_OTHER = 0;
    public const int SCHED_FIFO = 1;
    public const int SCHED_RR = 2;
    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;
    public const int MCL_ONFAULT = 4;
    public const int CLOCK_MONOTONIC = 1;
    public const int CLOCK_PROCESS_CPUTIME_ID = 2;
    public const int CLOCK_THREAD_CPUTIME_ID = 3;
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

    public const int M_TOP_PAD = -2;

    [LibraryImport(Lib)]
    public static partial int mallopt(int param, int value);

    [LibraryImport(Lib)]
    public static partial int clock_nanosleep(int clock, int flags, Timespec* request, Timespec* remain);

    [LibraryImport(Lib)]
    public static partial int clock_gettime(int clock, Timespec* ts);

    [LibraryImport(Lib)]
    public static partial int gettid();

    [LibraryImport(Lib)]
    public static partial long sysconf(int name);

    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CLOEXEC = 0x80000;
    public const int AF_UNIX = 1;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_DONTWAIT = 0x40;
    public const int RLIMIT_MEMLOCK = 8;
    public const int RLIMIT_RTPRIO = 14;
    public const int SCHED_DEADLINE = 6;

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(int fd, void* buf, nuint count);

    public const int O_CREAT = 0x40;
    public const int O_TRUNC = 0x200;

    /// <summary>open(2) with a NUL-terminated UTF-8 path already in memory (no marshalling, no allocation) and a mode for O_CREAT.</summary>
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true)]
    public static partial int open(byte* path, int flags, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int rename(byte* oldPath, byte* newPath);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int unlink(byte* path);

    [LibraryImport(Lib)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint pread(int fd, void* buf, nuint count, long offset);

    public const int O_RDONLY = 0;
    public const int RUSAGE_THREAD = 1;

    /// <summary>struct rusage of getrusage(2) on 64-bit Linux: two timevals, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Rusage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, MinorFaults, MajorFaults, Swaps, BlocksIn, BlocksOut,
            MessagesSent, MessagesReceived, Signals, VoluntarySwitches, InvoluntarySwitches;
    }

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getrusage(int who, Rusage* usage);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint sendto(int fd, void* buf, nuint len, int flags, void* addr, uint addrlen);

    [StructLayout(LayoutKind.Sequential)]
    public struct Rlimit
    {
        public ulong Cur;
        public ulong Max;
    }

    public const ulong RLIM_INFINITY = ulong.MaxValue;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getrlimit(int resource, Rlimit* rlim);

    /// <summary>struct sched_attr of sched_setattr(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
    }

    [LibraryImport(Lib, SetLastError = true)]
    public static partial long syscall(long number, long a1, long a2, long a3);

    /// <summary>syscall(2) with four arguments (sched_getattr). Declared non-variadic: on x86-64 and arm64 Linux the arguments travel in the same registers either way.</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long syscall4(long number, long a1, long a2, long a3, long a4);

    /// <summary>sched_getattr's syscall number on this architecture (x86-64 315, arm64 275), or -1.</summary>
    public static long SysSchedGetattr => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 315,
        Architecture.Arm64 => 275,
        Architecture.Arm => 381,
        _ => -1,
    };

    /// <summary>sched_attr.sched_flags: children of a fork start at SCHED_OTHER (a deadline thread may not fork otherwise).</summary>
    public const ulong SCHED_FLAG_RESET_ON_FORK = 1;
    /// <summary>sched_attr.sched_flags: a deadline thread may reclaim bandwidth others leave unused (GRUB).</summary>
    public const ulong SCHED_FLAG_RECLAIM = 2;
    /// <summary>sched_attr.sched_flags: SIGXCPU when the runtime is overrun.</summary>
    public const ulong SCHED_FLAG_DL_OVERRUN = 4;
    public const int EPERM = 1;

    /// <summary>futex(2)'s syscall number on this architecture (x86-64 202, arm64 98), or -1.</summary>
    public static long SysFutex => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        Architecture.Arm => 240,
        _ => -1,
    };
    public const int FUTEX_WAIT_PRIVATE = 0 | 128;
    public const int FUTEX_WAKE_PRIVATE = 1 | 128;
    public const int FUTEX_LOCK_PI_PRIVATE = 6 | 128;
    public const int FUTEX_UNLOCK_PI_PRIVATE = 7 | 128;
    /// <summary>What sched_getscheduler ORs into the policy of a thread with SCHED_FLAG_RESET_ON_FORK.</summary>
    public const int SCHED_RESET_ON_FORK = 0x40000000;

    /// <summary>sched_setattr's syscall number on this architecture (x86-64 314, arm64 274), or -1.</summary>
    public static long SysSchedSetattr => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 314,
        Architecture.Arm64 => 274,
        Architecture.Arm => 380,
        _ => -1,
    };

    public const int _SC_CLK_TCK = 2;

    // --- V4L2 capture: open/ioctl/mmap/munmap/poll/close. Values are the generic Linux ones, the same
    // on x86-64 and arm64 (and armhf): O_NONBLOCK is 04000, errno numbers from asm-generic.
    public const int O_NONBLOCK = 0x800;
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const short POLLIN = 1;
    public const short POLLERR = 8;
    public const short POLLHUP = 0x10;
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>ioctl(2) with a pointer argument. Declared non-variadic: on x86-64 and arm64 Linux a
    /// pointer third argument travels in the same register either way.</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, void* arg);

    /// <summary>mmap(2); off_t is 64-bit on LP64 targets.</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial void* mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int munmap(void* addr, nuint length);

    // --- Anonymous memory whose pages can be taken away (the drop-memory fault, the page fault's cost).
    public const int MAP_PRIVATE = 2;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MADV_DONTNEED = 4;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int madvise(void* addr, nuint length, int advice);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int munlock(void* addr, nuint length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeoutMs);

    // --- Checking what a path really is before anything is written to it (the hardware watchdog).
    public const int O_NOCTTY = 0x100;
    public const int AT_FDCWD = -100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const uint STATX_TYPE = 1;
    public const uint STATX_MODE = 2;
    public const int S_IFMT = 0xF000;
    public const int S_IFCHR = 0x2000;
    public const int S_IFBLK = 0x6000;
    public const int S_IFREG = 0x8000;
    public const int S_IFDIR = 0x4000;
    public const int S_IFIFO = 0x1000;
    public const int S_IFSOCK = 0xC000;
    public const int S_IFLNK = 0xA000;
    public const int PATH_MAX = 4096;

    /// <summary>The part of struct statx the runtime reads. statx's layout is the same on every
    /// architecture (unlike struct stat), which is why it is used; the kernel fills 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, Statx* buffer);

    /// <summary>realpath(3) into a caller's PATH_MAX buffer: symbolic links, '.' and '..' resolved.</summary>
    [LibraryImport(Lib, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial byte* realpath(string path, byte* resolved);

    /// <summary>Writes every dirty page out (it cannot fail).</summary>
    [LibraryImport(Lib)]
    public static partial void sync();

    // --- The metrics server's connections (ConnectionCalls): x86-64 and arm64 share these values.
    public const int SOL_SOCKET = 1;
    public const int SO_RCVTIMEO = 20;
    public const int SO_SNDTIMEO = 21;
    public const int SHUT_RDWR = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timeval
    {
        public long Sec;
        public long Usec;
    }

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int accept4(int fd, void* addr, void* addrlen, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint recv(int fd, void* buf, nuint length, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint send(int fd, void* buf, nuint length, int flags);

    [LibraryImport(Lib)]
    public static partial int shutdown(int fd, int how);

    // --- The offload client's connection (ConnectionCalls.Connect).
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int EINPROGRESS = 115;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int connect(int fd, void* addr, uint addrlen);
}
