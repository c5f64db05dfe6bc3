using System;
using System.Runtime.InteropServices;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// A listening socket's connections through the kernel's own calls (accept4, recv, send, close) on
/// file descriptors: a server thread that answers a scrape every 100 ms for months makes no
/// managed object per connection (a <see cref="System.Net.Sockets.Socket"/> per accepted client
/// would), so it never wakes the garbage collector, which would stop the pipeline thread too.
/// Results are the kernel's: a count or a descriptor, or <c>-errno</c>.
/// </summary>
public static unsafe class ConnectionCalls
{
    /// <summary>The next connection on <paramref name="listener"/> (blocking), or -errno.</summary>
    public static int Accept(nint listener)
    {
        while (true)
        {
            int fd = Libc.accept4((int)listener, null, null, Libc.SOCK_CLOEXEC);
            if (fd >= 0) return fd;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR) return -errno;
        }
    }

    /// <summary>Limits each receive and send on <paramref name="fd"/> to <paramref name="timeoutMs"/>.</summary>
    public static void SetTimeouts(int fd, int timeoutMs)
    {
        var tv = new Libc.Timeval { Sec = timeoutMs / 1000, Usec = (timeoutMs % 1000) * 1000L };
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, &tv, (uint)sizeof(Libc.Timeval));
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, &tv, (uint)sizeof(Libc.Timeval));
    }

    /// <summary>Bytes received into <paramref name="buffer"/> (0 when the peer closed), or -errno.</summary>
    public static int Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Libc.recv(fd, p, (nuint)buffer.Length, 0);
                if (n >= 0) return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINTR) return -errno;
            }
        }
    }

    /// <summary>Sends all of <paramref name="data"/> (no SIGPIPE); 0 when sent, else -errno.</summary>
    public static int SendAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int at = 0;
            while (at < data.Length)
            {
                nint n = Libc.send(fd, p + at, (nuint)(data.Length - at), Libc.MSG_NOSIGNAL);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR) continue;
                    return -errno;
                }
                at += (int)n;
            }
            return 0;
        }
    }

    /// <summary>
    /// A TCP connection to <paramref name="endpoint"/> (IPv4 or IPv6), blocking, with Nagle off and
    /// every connect, send and receive limited to <paramref name="timeoutMs"/> (the kernel bounds a
    /// blocking connect by the send timeout): its descriptor, or -errno (-EINPROGRESS: timed out).
    /// </summary>
    public static int Connect(System.Net.IPEndPoint endpoint, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        bool v6 = endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        int fd = Libc.socket(v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) return -Marshal.GetLastPInvokeError();
        SetTimeouts(fd, timeoutMs);
        int one = 1;
        Libc.setsockopt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, &one, sizeof(int));
        // sockaddr_in (16 bytes) or sockaddr_in6 (28): family, port in network order, address (, scope).
        byte* addr = stackalloc byte[28];
        new Span<byte>(addr, 28).Clear();
        *(ushort*)addr = (ushort)(v6 ? Libc.AF_INET6 : Libc.AF_INET);
        addr[2] = (byte)(endpoint.Port >> 8);
        addr[3] = (byte)endpoint.Port;
        Span<byte> ip = v6 ? new Span<byte>(addr + 8, 16) : new Span<byte>(addr + 4, 4);
        endpoint.Address.TryWriteBytes(ip, out _);
        if (v6) *(uint*)(addr + 24) = (uint)endpoint.Address.ScopeId;
        while (Libc.connect(fd, addr, v6 ? 28u : 16u) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR) continue;
            Libc.close(fd);
            return -errno;
        }
        return fd;
    }

    /// <summary>Ends both directions of <paramref name="fd"/> without closing it (a thread blocked receiving on it wakes with 0).</summary>
    public static void Shutdown(int fd) => Libc.shutdown(fd, Libc.SHUT_RDWR);

    /// <summary>Ends both directions, then closes <paramref name="fd"/>.</summary>
    public static void Close(int fd)
    {
        Libc.shutdown(fd, Libc.SHUT_RDWR);
        Libc.close(fd);
    }

    /// <summary>Whether <paramref name="errno"/> (positive) is a receive or send timing out.</summary>
    public static bool IsTimeout(int errno) => errno is Libc.EAGAIN;
}
