using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Core.Timing;
using Realtime.Linux.Interop;
using Realtime.Linux.V4l2;

namespace Realtime.Linux.Tests.V4l2;

/// <summary>
/// A V4L2 capture device that behaves as the kernel's videobuf2 does for the calls the capture
/// makes (there is no camera and no kernel module here): QUERYCAP, ENUM_FMT, S_FMT (adjusting to
/// the sizes it has, as drivers do), G/S_PARM, REQBUFS/QUERYBUF/mmap over its own native memory,
/// QBUF/DQBUF with an incoming and a done queue (DQBUF on an empty done queue is EAGAIN, a buffer
/// queued twice is EINVAL), STREAMON/OFF, and poll. The test plays the sensor with
/// <see cref="Deliver"/>: the next queued buffer is filled, stamped with CLOCK_MONOTONIC in
/// microseconds (a timeval, as the kernel does) and moved to the done queue; with no queued buffer
/// the frame is lost and only the sequence advances, as in the kernel.
/// </summary>
internal sealed unsafe class FakeV4l2Device : IV4l2Device
{
    public const string Path = "/dev/video-fake";
    public const int PageSize = 4096;
    private readonly object _gate = new();
    private readonly Queue<int> _incoming = new();
    private readonly Queue<int> _done = new();
    private readonly SemaphoreSlim _doneSignal = new(0);
    private readonly List<(nint Memory, uint Length)> _buffers = new();
    private readonly bool[] _queued = new bool[32];
    private readonly uint[] _bytesUsed = new uint[32], _flags = new uint[32], _sequence = new uint[32];
    private readonly long[] _stampNs = new long[32];
    private uint _nextSequence;
    private bool _open, _streaming;

    // What the device is.
    public uint Capabilities { get; set; } = V4l2Api.CapVideoCapture | V4l2Api.CapStreaming | V4l2Api.CapDeviceCaps;
    public List<(uint FourCc, string Description)> Formats { get; } = new() { (V4l2Api.PixFmtYuyv, "YUYV 4:2:2"), (V4l2Api.PixFmtNv12, "Y/UV 4:2:0"), (V4l2Api.PixFmtGrey, "8-bit Greyscale"), (V4l2Api.PixFmtMjpeg, "Motion-JPEG") };
    public List<(uint W, uint H)> Sizes { get; } = new() { (320, 240), (640, 480) };
    /// <summary>Extra bytes at the end of each row (a driver's alignment padding).</summary>
    public uint RowPadding { get; set; }
    public int OpenErrno { get; set; }
    public bool CanSetRate { get; set; } = true;
    public uint TimestampFlags { get; set; } = V4l2Api.BufFlagTimestampMonotonic;
    public uint MaxBuffers { get; set; } = 8;
    /// <summary>When set, DQBUF and poll fail with this errno (the device went away).</summary>
    public int VanishedErrno { get; set; }

    // What the capture did.
    public uint PixelFormat { get; private set; }
    public uint Width { get; private set; }
    public uint Height { get; private set; }
    public uint BytesPerLine { get; private set; }
    public uint SizeImage { get; private set; }
    public uint RateNumerator { get; private set; } = 1;
    public uint RateDenominator { get; private set; } = 30;
    public int Dequeues;
    public int Queues;
    public bool Closed { get; private set; }
    public bool StreamedOff { get; private set; }
    public int Mapped => _mapped;
    private int _mapped;
    public int BuffersQueued { get { lock (_gate) return _incoming.Count; } }
    public int BuffersDone { get { lock (_gate) return _done.Count; } }
    public int BufferCount => _buffers.Count;
    /// <summary>The timestamp (ns, µs-truncated) of each sequence number delivered (when <see cref="RecordStamps"/>).</summary>
    public Dictionary<uint, long> Stamps { get; } = new();
    /// <summary>Keep <see cref="Stamps"/> (off for long runs that must not allocate on the sensor's side).</summary>
    public bool RecordStamps { get; set; } = true;

    public int Open(string path)
    {
        if (OpenErrno != 0) return -OpenErrno;
        if (path != Path) return -Libc.ENOENT;
        _open = true;
        return 7;
    }

    public void Close(int fd)
    {
        Closed = true;
        _open = false;
    }

    public void* Map(int fd, uint length, uint offset, out int errno)
    {
        int i = (int)(offset / PageSize);
        if (offset % PageSize != 0 || i >= _buffers.Count || length > _buffers[i].Length)
        {
            errno = Libc.EINVAL;
            return null;
        }
        errno = 0;
        Interlocked.Increment(ref _mapped);
        return (void*)_buffers[i].Memory;
    }

    public void Unmap(void* address, uint length) => Interlocked.Decrement(ref _mapped);

    public int Poll(int fd, int timeoutMs)
    {
        if (VanishedErrno != 0) return -VanishedErrno;
        lock (_gate) if (_done.Count > 0) return 1;
        return _doneSignal.Wait(timeoutMs) ? 1 : 0;
    }

    public int Ioctl(int fd, uint request, void* arg)
    {
        if (!_open) return -9; // EBADF
        lock (_gate)
        {
            if (request == V4l2Api.VIDIOC_QUERYCAP) return QueryCap((V4l2Capability*)arg);
            if (request == V4l2Api.VIDIOC_ENUM_FMT) return EnumFmt((V4l2FmtDesc*)arg);
            if (request == V4l2Api.VIDIOC_S_FMT) return SetFmt((V4l2Format*)arg);
            if (request == V4l2Api.VIDIOC_G_PARM) return GetParm((V4l2StreamParm*)arg);
            if (request == V4l2Api.VIDIOC_S_PARM) return SetParm((V4l2StreamParm*)arg);
            if (request == V4l2Api.VIDIOC_REQBUFS) return ReqBufs((V4l2RequestBuffers*)arg);
            if (request == V4l2Api.VIDIOC_QUERYBUF) return QueryBuf((V4l2Buffer*)arg);
            if (request == V4l2Api.VIDIOC_QBUF) return Qbuf((V4l2Buffer*)arg);
            if (request == V4l2Api.VIDIOC_DQBUF) return Dqbuf((V4l2Buffer*)arg);
            if (request == V4l2Api.VIDIOC_STREAMON) { _streaming = true; return 0; }
            if (request == V4l2Api.VIDIOC_STREAMOFF)
            {
                // As vb2: every buffer comes back to the application, dequeued.
                _streaming = false;
                StreamedOff = true;
                _incoming.Clear();
                _done.Clear();
                Array.Clear(_queued);
                return 0;
            }
            return -Libc.ENOTTY;
        }
    }

    private int QueryCap(V4l2Capability* c)
    {
        *c = default;
        Put(c->Driver, 16, "fakecam");
        Put(c->Card, 32, "Fake Camera");
        Put(c->BusInfo, 32, "platform:fake");
        c->Capabilities = Capabilities | V4l2Api.CapDeviceCaps;
        c->DeviceCaps = Capabilities & ~V4l2Api.CapDeviceCaps;
        return 0;
    }

    private int EnumFmt(V4l2FmtDesc* d)
    {
        if (d->Type != V4l2Api.BufTypeVideoCapture || d->Index >= Formats.Count) return -Libc.EINVAL;
        var (cc, desc) = Formats[(int)d->Index];
        d->PixelFormat = cc;
        Put(d->Description, 32, desc);
        return 0;
    }

    private int SetFmt(V4l2Format* f)
    {
        if (_buffers.Count > 0) return -Libc.EBUSY;
        // Drivers never refuse S_FMT: they pick the nearest they have and say so.
        bool known = false;
        foreach (var (cc, _) in Formats) known |= cc == f->Pix.PixelFormat;
        if (!known) f->Pix.PixelFormat = Formats[0].FourCc;
        (uint W, uint H) best = Sizes[0];
        foreach (var s in Sizes)
            if (Math.Abs((long)s.W - f->Pix.Width) + Math.Abs((long)s.H - f->Pix.Height) < Math.Abs((long)best.W - f->Pix.Width) + Math.Abs((long)best.H - f->Pix.Height)) best = s;
        f->Pix.Width = best.W;
        f->Pix.Height = best.H;
        f->Pix.Field = V4l2Api.FieldNone;
        uint cc2 = f->Pix.PixelFormat;
        uint bpl = cc2 == V4l2Api.PixFmtYuyv ? best.W * 2 : cc2 == V4l2Api.PixFmtMjpeg ? 0 : best.W;
        if (bpl > 0) bpl += RowPadding;
        f->Pix.BytesPerLine = bpl;
        f->Pix.SizeImage = cc2 == V4l2Api.PixFmtNv12 ? bpl * best.H * 3 / 2 : cc2 == V4l2Api.PixFmtMjpeg ? best.W * best.H * 2 : bpl * best.H;
        PixelFormat = cc2;
        Width = best.W;
        Height = best.H;
        BytesPerLine = bpl;
        SizeImage = f->Pix.SizeImage;
        return 0;
    }

    private int GetParm(V4l2StreamParm* p)
    {
        if (p->Type != V4l2Api.BufTypeVideoCapture) return -Libc.EINVAL;
        p->Capability = CanSetRate ? V4l2Api.CapTimePerFrame : 0;
        p->TimePerFrameNumerator = RateNumerator;
        p->TimePerFrameDenominator = RateDenominator;
        return 0;
    }

    private int SetParm(V4l2StreamParm* p)
    {
        if (!CanSetRate) return -Libc.ENOTTY;
        // Supports 15 and 30 fps; anything else gets the nearer one.
        double asked = (double)p->TimePerFrameDenominator / Math.Max(1u, p->TimePerFrameNumerator);
        RateNumerator = 1;
        RateDenominator = asked > 22.5 ? 30u : 15u;
        p->TimePerFrameNumerator = RateNumerator;
        p->TimePerFrameDenominator = RateDenominator;
        return 0;
    }

    private int ReqBufs(V4l2RequestBuffers* r)
    {
        if (r->Memory != V4l2Api.MemoryMmap || r->Type != V4l2Api.BufTypeVideoCapture) return -Libc.EINVAL;
        if (_streaming) return -Libc.EBUSY;
        foreach (var (m, _) in _buffers) NativeMemory.Free((void*)m);
        _buffers.Clear();
        uint n = Math.Min(r->Count, MaxBuffers);
        uint length = (SizeImage + PageSize - 1) / PageSize * PageSize;
        for (int i = 0; i < n; i++) _buffers.Add(((nint)NativeMemory.AllocZeroed(length), length));
        r->Count = n;
        return 0;
    }

    private int QueryBuf(V4l2Buffer* b)
    {
        if (b->Index >= _buffers.Count) return -Libc.EINVAL;
        b->Length = _buffers[(int)b->Index].Length;
        b->Offset = b->Index * PageSize;
        b->Flags = TimestampFlags | (_queued[b->Index] ? V4l2Api.BufFlagQueued : 0);
        return 0;
    }

    private int Qbuf(V4l2Buffer* b)
    {
        if (b->Index >= _buffers.Count || b->Memory != V4l2Api.MemoryMmap || b->Type != V4l2Api.BufTypeVideoCapture) return -Libc.EINVAL;
        if (_queued[b->Index]) return -Libc.EINVAL;
        _queued[b->Index] = true;
        _incoming.Enqueue((int)b->Index);
        Queues++;
        // As videobuf2 does, QBUF writes the now-queued buffer's state back into the caller's
        // struct: no timestamp, no sequence, flags QUEUED. A caller must read a frame's before it.
        b->Flags = TimestampFlags | V4l2Api.BufFlagMapped | V4l2Api.BufFlagQueued;
        b->TimestampSec = 0;
        b->TimestampUsec = 0;
        b->Sequence = 0;
        b->BytesUsed = 0;
        return 0;
    }

    private int Dqbuf(V4l2Buffer* b)
    {
        if (VanishedErrno != 0) return -VanishedErrno;
        if (!_streaming) return -Libc.EINVAL;
        if (_done.Count == 0) return -Libc.EAGAIN;
        int i = _done.Dequeue();
        _queued[i] = false;
        b->Index = (uint)i;
        b->BytesUsed = _bytesUsed[i];
        b->Flags = _flags[i];
        b->Field = V4l2Api.FieldNone;
        long ns = _stampNs[i];
        b->TimestampSec = ns / 1_000_000_000;
        b->TimestampUsec = ns % 1_000_000_000 / 1000;
        b->Sequence = _sequence[i];
        b->Length = _buffers[i].Length;
        b->Offset = (uint)(i * PageSize);
        Dequeues++;
        return 0;
    }

    /// <summary>
    /// The sensor delivers a frame: <paramref name="fill"/> writes it into the next queued buffer
    /// (its bytes, and the bytes used). Returns the sequence number, or −1 when no buffer was
    /// queued and the frame was lost.
    /// </summary>
    public long Deliver(Func<IntPtr, uint, uint> fill, bool error = false)
    {
        lock (_gate)
        {
            uint seq = _nextSequence++;
            if (!_streaming || _incoming.Count == 0) return -1;
            int i = _incoming.Dequeue();
            _bytesUsed[i] = fill(_buffers[i].Memory, _buffers[i].Length);
            _flags[i] = TimestampFlags | V4l2Api.BufFlagDone | (error ? V4l2Api.BufFlagError : 0);
            long now = MonotonicClock.NowNs();
            _stampNs[i] = now / 1000 * 1000;
            if (RecordStamps) Stamps[seq] = _stampNs[i];
            _sequence[i] = seq;
            _done.Enqueue(i);
        }
        _doneSignal.Release();
        return _nextSequence - 1;
    }

    /// <summary>The sensor skips frames (the driver's sequence advances with nothing delivered).</summary>
    public void Skip(uint frames)
    {
        lock (_gate) _nextSequence += frames;
    }

    private static void Put(byte* dst, int max, string s)
    {
        for (int i = 0; i < max; i++) dst[i] = i < s.Length ? (byte)s[i] : (byte)0;
    }
}
