using System.Runtime.InteropServices;
using Realtime.Linux.Interop;

namespace Realtime.Linux.V4l2;

/// <summary>
/// The raw device calls the capture makes: open, ioctl, mmap, munmap, poll, close. The real one is
/// libc; tests put a fake kernel device behind it (there is no camera on the build machines).
/// Failures come back as negative errno values, never exceptions, so the capture loop stays free
/// of exception machinery.
/// </summary>
internal unsafe interface IV4l2Device
{
    /// <summary>Opens the node read-write and non-blocking; the descriptor, or −errno.</summary>
    int Open(string path);
    /// <summary>ioctl with a pointer argument; 0, or −errno.</summary>
    int Ioctl(int fd, uint request, void* arg);
    /// <summary>Maps a driver buffer shared, read-write; its address, or null with <paramref name="errno"/>.</summary>
    void* Map(int fd, uint length, uint offset, out int errno);
    /// <summary>Unmaps a buffer.</summary>
    void Unmap(void* address, uint length);
    /// <summary>Waits until a buffer can be dequeued: &gt;0 ready, 0 timed out, −errno.</summary>
    int Poll(int fd, int timeoutMs);
    /// <summary>Closes the descriptor.</summary>
    void Close(int fd);
}

/// <summary>The kernel, through libc.</summary>
internal sealed unsafe class LibcV4l2Device : IV4l2Device
{
    public static readonly LibcV4l2Device Instance = new();

    public int Open(string path)
    {
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    public int Ioctl(int fd, uint request, void* arg)
    {
        while (true)
        {
            if (Libc.ioctl(fd, request, arg) >= 0) return 0;
            int e = Marshal.GetLastPInvokeError();
            if (e != Libc.EINTR) return -e;
        }
    }

    public void* Map(int fd, uint length, uint offset, out int errno)
    {
        void* p = Libc.mmap(null, length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, offset);
        if (p == (void*)-1)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        errno = 0;
        return p;
    }

    public void Unmap(void* address, uint length) => Libc.munmap(address, length);

    public int Poll(int fd, int timeoutMs)
    {
        var p = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
        int r = Libc.poll(&p, 1, timeoutMs);
        if (r < 0)
        {
            int e = Marshal.GetLastPInvokeError();
            return e == Libc.EINTR ? 0 : -e;
        }
        if (r > 0 && (p.Revents & (Libc.POLLERR | Libc.POLLHUP)) != 0 && (p.Revents & Libc.POLLIN) == 0)
            return -Libc.ENODEV; // the device went away (a USB camera unplugged)
        return r;
    }

    public void Close(int fd) => Libc.close(fd);
}
