using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Linux.Interop;

namespace Realtime.Linux.V4l2;

/// <summary>
/// A V4L2 camera as a frame source, through the kernel's own API (no OpenCV): it opens the node,
/// checks it is a streaming capture device, negotiates the format and size the profile asks for,
/// maps the driver's buffers and streams. A capture thread (SCHED_FIFO when asked) dequeues each
/// buffer, copies it (or decodes MJPEG) into a newest-frame-wins triple buffer and queues it back
/// at once, so the driver never runs dry while the pipeline is busy. A frame's capture time is the
/// kernel's buffer timestamp (CLOCK_MONOTONIC, the project's clock), taken when the driver
/// received the frame. Frames the pipeline never took are counted (<see cref="Dropped"/>), as are
/// frames the driver lost (gaps in its sequence) and frames it flagged as corrupt. After start-up,
/// neither thread allocates.
/// </summary>
public sealed unsafe class V4l2Capture : IFrameSource
{
    private readonly IV4l2Device _dev;
    private readonly V4l2CaptureOptions _options;
    private readonly string _path;
    private int _fd = -1;
    private readonly List<(nint Address, uint Length)> _maps = new();
    private uint _deviceStride;
    private NewestFrameHandoff _handoff = null!;
    private MjpegDecoder? _jpeg;
    private readonly ManualResetEventSlim _frameReady = new(false, 0);
    private Thread? _thread;
    private volatile bool _stop;
    private volatile bool _streaming;
    private volatile string? _fault;
    private int _rows;
    private long _needBytes;
    private long _dequeued, _errorFrames, _driverDropped, _captureAllocated = -1;
    private long _lastKernelSequence = -1;
    private int _waitMs;

    /// <summary>Opens the camera and starts streaming; throws <see cref="V4l2Exception"/> with the reason in words.</summary>
    public V4l2Capture(V4l2CaptureOptions options) : this(options, LibcV4l2Device.Instance) { }

    internal V4l2Capture(V4l2CaptureOptions options, IV4l2Device device)
    {
        _dev = device;
        _options = options;
        _path = options.Device;
        if (IntPtr.Size != 8)
            throw new PlatformNotSupportedException("V4L2 capture is laid out for 64-bit Linux (x86-64, arm64); this is a 32-bit process, whose v4l2_buffer and v4l2_format differ");
        if (options.Width <= 0 || options.Height <= 0) throw new ArgumentOutOfRangeException(nameof(options), "camera width and height must be positive");
        if (options.Buffers < 2) throw new ArgumentOutOfRangeException(nameof(options), "at least 2 driver buffers are needed");
        try
        {
            Open();
            Info = QueryDevice(_dev, _fd, _path);
            Negotiate();
            SetRate();
            MapBuffers();
            if (options.Format == CameraFormat.Mjpeg) _jpeg = new MjpegDecoder();
            _handoff = new NewestFrameHandoff(options.Width, options.Height, Format);
            _waitMs = options.EffectiveFrameWaitMs;
            // ManualResetEventSlim makes its lock object (24 B) on its first blocking wait; make it
            // now, so the loop's first wait for a late frame allocates nothing.
            _frameReady.Wait(1);
            StartStreaming();
        }
        catch
        {
            Dispose();
            throw;
        }
        _thread = new Thread(CaptureLoop) { IsBackground = true, Name = "v4l2-capture" };
        _thread.Start();
    }

    /// <summary>What the device said about itself.</summary>
    public V4l2DeviceInfo Info { get; private set; } = new();
    /// <inheritdoc/>
    public int Width => _options.Width;
    /// <inheritdoc/>
    public int Height => _options.Height;
    /// <inheritdoc/>
    public PixelFormat Format => CameraFormats.FrameFormat(_options.Format);
    /// <summary>The negotiated camera format.</summary>
    public CameraFormat CameraFormat => _options.Format;
    /// <summary>Bytes per row the driver uses (may include padding).</summary>
    public int DeviceStride => (int)_deviceStride;
    /// <summary>Driver buffers mapped.</summary>
    public int BufferCount => _maps.Count;
    /// <summary>The frame rate the driver reports after VIDIOC_S_PARM (0: not known).</summary>
    public double RateHz { get; private set; }
    /// <summary>True when capture times are the kernel's (monotonic) buffer timestamps; false when the driver gives none and they are taken at dequeue.</summary>
    public bool KernelTimestamps { get; private set; } = true;
    /// <summary>Things worth knowing that did not stop the camera (a rate it would not set, scheduling it did not get).</summary>
    public List<string> Notes { get; } = new();
    /// <summary>The capture thread's scheduling as the kernel reports it (after it started).</summary>
    public SchedulingInfo? Scheduling { get; private set; }

    /// <summary>Buffers dequeued from the driver.</summary>
    public long Dequeued => Interlocked.Read(ref _dequeued);
    /// <summary>Frames handed to the pipeline.</summary>
    public long Delivered => _handoff?.Taken ?? 0;
    /// <summary>Frames captured but overwritten by a newer one before the pipeline took them (newest-frame-wins).</summary>
    public long Dropped => _handoff?.Dropped ?? 0;
    /// <summary>Frames the driver lost (gaps in its sequence numbers: no free buffer, or the sensor skipped).</summary>
    public long DriverDropped => Interlocked.Read(ref _driverDropped);
    /// <summary>Buffers the driver flagged as corrupt, too short, or MJPEG frames that did not decode; never delivered.</summary>
    public long ErrorFrames => Interlocked.Read(ref _errorFrames);
    /// <summary>Bytes the capture thread allocated after its warm-up frames (−1 until measured). Zero is the promise.</summary>
    public long CaptureThreadAllocatedBytes => Interlocked.Read(ref _captureAllocated);
    /// <summary>Why the capture thread stopped (device gone, I/O error), or null while it runs.</summary>
    public string? Fault => _fault;

    /// <summary>
    /// Opens a node, reads its capabilities and formats, and closes it: what <c>rtapp check</c>
    /// shows. Throws <see cref="V4l2Exception"/> when the node is missing, busy, or not V4L2.
    /// </summary>
    public static V4l2DeviceInfo Probe(string device) => Probe(device, LibcV4l2Device.Instance);

    internal static V4l2DeviceInfo Probe(string device, IV4l2Device dev)
    {
        int fd = dev.Open(device);
        if (fd < 0) throw OpenError(device, -fd);
        try { return QueryDevice(dev, fd, device); }
        finally { dev.Close(fd); }
    }

    /// <inheritdoc/>
    public CaptureStatus Capture(FrameBuffer slot)
    {
        FrameBuffer? frame = _handoff.TryTake();
        if (frame is null)
        {
            if (_fault is not null) return CaptureStatus.Failed;
            // Reset, look again, then wait: a frame published after the reset sets the event, so none is missed.
            _frameReady.Reset();
            frame = _handoff.TryTake();
            if (frame is null && _frameReady.Wait(_waitMs)) frame = _handoff.TryTake();
            if (frame is null) return CaptureStatus.Failed;
        }
        NewestFrameHandoff.CopyFrame(frame, slot);
        return CaptureStatus.Ok;
    }

    private void Open()
    {
        int fd = _dev.Open(_path);
        if (fd < 0) throw OpenError(_path, -fd);
        _fd = fd;
    }

    private static V4l2Exception OpenError(string path, int errno) => errno switch
    {
        Libc.ENOENT => new V4l2Exception($"camera {path}: no such device (is the camera plugged in? `ls /dev/video*` lists the nodes there are)", errno),
        Libc.EACCES => new V4l2Exception($"camera {path}: permission denied (add the user to the 'video' group, or run as a user that has it)", errno),
        Libc.EBUSY => new V4l2Exception($"camera {path}: device busy (another program has the camera open)", errno),
        Libc.ENODEV or Libc.ENXIO => new V4l2Exception($"camera {path}: the device is gone (unplugged?)", errno),
        _ => new V4l2Exception($"camera {path}: cannot open: {Libc.ErrnoText(errno)}", errno),
    };

    private static V4l2DeviceInfo QueryDevice(IV4l2Device dev, int fd, string path)
    {
        V4l2Capability cap;
        int r = dev.Ioctl(fd, V4l2Api.VIDIOC_QUERYCAP, &cap);
        if (r == -Libc.ENOTTY || r == -Libc.EINVAL)
            throw new V4l2Exception($"camera {path}: not a V4L2 device (VIDIOC_QUERYCAP: {Libc.ErrnoText(-r)}); the camera node's device must name a /dev/videoN capture node", -r);
        if (r < 0) throw new V4l2Exception($"camera {path}: VIDIOC_QUERYCAP failed: {Libc.ErrnoText(-r)}", -r);
        uint caps = (cap.Capabilities & V4l2Api.CapDeviceCaps) != 0 ? cap.DeviceCaps : cap.Capabilities;
        var formats = new List<(string, string)>();
        for (uint i = 0; i < 64; i++)
        {
            var d = new V4l2FmtDesc { Index = i, Type = V4l2Api.BufTypeVideoCapture };
            if (dev.Ioctl(fd, V4l2Api.VIDIOC_ENUM_FMT, &d) != 0) break; // EINVAL past the last one
            formats.Add((V4l2Api.FourCc(d.PixelFormat), CString(d.Description, 32)));
        }
        return new V4l2DeviceInfo
        {
            Device = path,
            Driver = CString(cap.Driver, 16),
            Card = CString(cap.Card, 32),
            BusInfo = CString(cap.BusInfo, 32),
            CanCapture = (caps & V4l2Api.CapVideoCapture) != 0,
            MultiplanarOnly = (caps & V4l2Api.CapVideoCapture) == 0 && (caps & V4l2Api.CapVideoCaptureMplane) != 0,
            CanStream = (caps & V4l2Api.CapStreaming) != 0,
            Formats = formats,
        };
    }

    private string Who => $"camera {_path} ({Info.Card}, driver {Info.Driver})";

    private void Negotiate()
    {
        if (!Info.CanCapture)
            throw new V4l2Exception(Info.MultiplanarOnly
                ? $"{Who} captures through the multi-planar API only, which this capture does not support; use a single-planar node (a UVC camera, or the ISP's output node)"
                : $"{Who} is not a video capture device (a metadata or output node?); the camera node's device must name the camera's capture node");
        if (!Info.CanStream) throw new V4l2Exception($"{Who} does not support streaming I/O (mmap buffers)");
        if (!Info.Offers(_options.Format))
            throw new V4l2Exception($"{Who} does not offer {CameraFormats.FourCc(_options.Format)}; it offers {Info.FormatList()}; set the camera node's format to one of those (yuyv, nv12, grey, mjpeg)") { Setting = V4l2Setting.Format };

        uint want = CameraFormats.Code(_options.Format);
        var f = new V4l2Format { Type = V4l2Api.BufTypeVideoCapture };
        f.Pix.Width = (uint)_options.Width;
        f.Pix.Height = (uint)_options.Height;
        f.Pix.PixelFormat = want;
        f.Pix.Field = V4l2Api.FieldNone;
        int r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_S_FMT, &f);
        if (r == -Libc.EBUSY) throw new V4l2Exception($"{Who}: device busy (another program is streaming from it)", Libc.EBUSY);
        if (r < 0) throw new V4l2Exception($"{Who}: VIDIOC_S_FMT {CameraFormats.FourCc(_options.Format)} {_options.Width}x{_options.Height} failed: {Libc.ErrnoText(-r)}", -r);
        if (f.Pix.PixelFormat != want)
            throw new V4l2Exception($"{Who} answered {V4l2Api.FourCc(f.Pix.PixelFormat)} when asked for {CameraFormats.FourCc(_options.Format)}; it offers {Info.FormatList()}") { Setting = V4l2Setting.Format };
        if (f.Pix.Width != _options.Width || f.Pix.Height != _options.Height)
            throw new V4l2Exception($"{Who} does not offer {_options.Width}x{_options.Height} in {CameraFormats.FourCc(_options.Format)}; the nearest it gives is {f.Pix.Width}x{f.Pix.Height}: set the camera node's width and height to a size it offers (`v4l2-ctl -d {_path} --list-formats-ext`)") { Setting = V4l2Setting.Size };
        _deviceStride = _options.Format == CameraFormat.Mjpeg ? 0 : Math.Max(f.Pix.BytesPerLine, (uint)(_options.Width * FrameBuffer.BytesPerPixel(Format)));
        // Fixed from here on: the rows a raw frame spans and the bytes it needs in a driver buffer (NV12: the UV plane follows the Y plane, same stride).
        _rows = FrameBuffer.Rows(Format, _options.Height);
        _needBytes = _options.Format == CameraFormat.Mjpeg ? 1 : (long)_deviceStride * _rows;
    }

    private void SetRate()
    {
        if (!(_options.RateHz > 0)) return;
        var p = new V4l2StreamParm { Type = V4l2Api.BufTypeVideoCapture };
        if (_dev.Ioctl(_fd, V4l2Api.VIDIOC_G_PARM, &p) != 0 || (p.Capability & V4l2Api.CapTimePerFrame) == 0)
        {
            Notes.Add($"{Who} does not let the frame rate be set; it runs at its own rate");
            return;
        }
        p.TimePerFrameNumerator = 1000;
        p.TimePerFrameDenominator = (uint)Math.Round(_options.RateHz * 1000);
        int r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_S_PARM, &p);
        if (r != 0)
        {
            Notes.Add($"{Who}: VIDIOC_S_PARM {_options.RateHz:0.##} fps failed: {Libc.ErrnoText(-r)}; it runs at its own rate");
            return;
        }
        if (p.TimePerFrameNumerator > 0) RateHz = (double)p.TimePerFrameDenominator / p.TimePerFrameNumerator;
        if (RateHz > 0 && Math.Abs(RateHz - _options.RateHz) > 0.01 * _options.RateHz)
            Notes.Add($"{Who} runs at {RateHz:0.##} fps, not the {_options.RateHz:0.##} asked for");
    }

    private void MapBuffers()
    {
        var req = new V4l2RequestBuffers { Count = (uint)_options.Buffers, Type = V4l2Api.BufTypeVideoCapture, Memory = V4l2Api.MemoryMmap };
        int r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_REQBUFS, &req);
        if (r == -Libc.EINVAL) throw new V4l2Exception($"{Who} does not support mmap streaming buffers", Libc.EINVAL);
        if (r == -Libc.EBUSY) throw new V4l2Exception($"{Who}: device busy (another program holds its buffers)", Libc.EBUSY);
        if (r < 0) throw new V4l2Exception($"{Who}: VIDIOC_REQBUFS failed: {Libc.ErrnoText(-r)}", -r);
        if (req.Count < 2) throw new V4l2Exception($"{Who} granted {req.Count} buffer(s); at least 2 are needed (out of memory for buffers?)");
        long need = _needBytes;
        for (uint i = 0; i < req.Count; i++)
        {
            var b = new V4l2Buffer { Index = i, Type = V4l2Api.BufTypeVideoCapture, Memory = V4l2Api.MemoryMmap };
            r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_QUERYBUF, &b);
            if (r < 0) throw new V4l2Exception($"{Who}: VIDIOC_QUERYBUF {i} failed: {Libc.ErrnoText(-r)}", -r);
            if (b.Length < need) throw new V4l2Exception($"{Who}: buffer {i} holds {b.Length} bytes, a {_options.Width}x{_options.Height} frame needs {need}");
            void* p = _dev.Map(_fd, b.Length, b.Offset, out int e);
            if (p is null) throw new V4l2Exception($"{Who}: mmap of buffer {i} ({b.Length} bytes) failed: {Libc.ErrnoText(e)}", e);
            _maps.Add(((nint)p, b.Length));
        }
    }

    private void StartStreaming()
    {
        for (int i = 0; i < _maps.Count; i++)
        {
            var b = new V4l2Buffer { Index = (uint)i, Type = V4l2Api.BufTypeVideoCapture, Memory = V4l2Api.MemoryMmap };
            int r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_QBUF, &b);
            if (r < 0) throw new V4l2Exception($"{Who}: VIDIOC_QBUF {i} failed: {Libc.ErrnoText(-r)}", -r);
        }
        int type = (int)V4l2Api.BufTypeVideoCapture;
        int s = _dev.Ioctl(_fd, V4l2Api.VIDIOC_STREAMON, &type);
        if (s < 0) throw new V4l2Exception($"{Who}: VIDIOC_STREAMON failed: {Libc.ErrnoText(-s)}", -s);
        _streaming = true;
    }

    private void CaptureLoop()
    {
        Scheduling = RealtimeScheduling.ApplyToCurrentThread(_options.CapturePriority, _options.CaptureCores, lockMemory: false, thread: "camera capture");
        if (Scheduling.Notes is { Count: > 0 } notes)
            lock (Notes) Notes.AddRange(notes);
        RealtimeScheduling.PrefaultStack(64 * 1024);
        long allocBase = 0;
        long processed = 0;
        while (!_stop)
        {
            int pr = _dev.Poll(_fd, 100);
            if (pr == 0) continue;
            if (pr < 0)
            {
                StopWithFault(-pr, "poll");
                return;
            }
            var buf = new V4l2Buffer { Type = V4l2Api.BufTypeVideoCapture, Memory = V4l2Api.MemoryMmap };
            int r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_DQBUF, &buf);
            if (r == -Libc.EAGAIN) continue;
            if (r < 0)
            {
                StopWithFault(-r, "VIDIOC_DQBUF");
                return;
            }
            long dequeuedNs = MonotonicClock.NowNs();
            Interlocked.Increment(ref _dequeued);
            CountDriverGaps(buf.Sequence);
            bool ok = (buf.Flags & V4l2Api.BufFlagError) == 0 && buf.Index < (uint)_maps.Count && Unpack(buf, _handoff.Back);
            // Read before QBUF: videobuf2 writes the queued buffer's state back into the same struct
            // (timestamp cleared, flags QUEUED), which made every frame look unstamped.
            long captureNs = CaptureTime(buf, dequeuedNs);
            uint sequence = buf.Sequence;
            // The buffer goes back to the driver before the hand-off, so the driver is never short of one for long.
            r = _dev.Ioctl(_fd, V4l2Api.VIDIOC_QBUF, &buf);
            if (r < 0)
            {
                StopWithFault(-r, "VIDIOC_QBUF");
                return;
            }
            if (!ok)
            {
                Interlocked.Increment(ref _errorFrames);
                continue;
            }
            FrameBuffer back = _handoff.Back;
            back.CaptureNs = captureNs;
            back.Sequence = sequence;
            _handoff.Publish();
            _frameReady.Set();
            processed++;
            if (processed == _options.WarmupFrames) allocBase = GC.GetAllocatedBytesForCurrentThread();
            else if (processed > _options.WarmupFrames) Interlocked.Exchange(ref _captureAllocated, GC.GetAllocatedBytesForCurrentThread() - allocBase);
        }
    }

    private void CountDriverGaps(uint sequence)
    {
        if (_lastKernelSequence >= 0)
        {
            uint gap = sequence - (uint)_lastKernelSequence - 1; // wraps correctly at 2^32
            if (gap != 0 && gap < int.MaxValue) Interlocked.Add(ref _driverDropped, gap);
        }
        _lastKernelSequence = sequence;
    }

    // The kernel's timestamp when it is CLOCK_MONOTONIC (the same clock as MonotonicClock); else the dequeue time.
    private long CaptureTime(in V4l2Buffer buf, long dequeuedNs)
    {
        if ((buf.Flags & V4l2Api.BufFlagError) != 0) return dequeuedNs; // never delivered: says nothing about the driver's clock
        if ((buf.Flags & V4l2Api.BufFlagTimestampMask) == V4l2Api.BufFlagTimestampMonotonic && (buf.TimestampSec | buf.TimestampUsec) != 0)
            return buf.TimestampSec * 1_000_000_000L + buf.TimestampUsec * 1000L;
        KernelTimestamps = false;
        return dequeuedNs;
    }

    private bool Unpack(in V4l2Buffer buf, FrameBuffer back)
    {
        var (address, length) = _maps[(int)buf.Index];
        uint used = buf.BytesUsed == 0 || buf.BytesUsed > length ? length : buf.BytesUsed;
        var src = new ReadOnlySpan<byte>((void*)address, (int)used);
        if (_jpeg is not null)
            return _jpeg.TryDecodeCore(src, back.Pixels, back.Width, back.Height, back.Stride, out _, out _);
        if (used < _needBytes) return false;
        int rowBytes = back.Stride;
        int rows = _rows;
        Span<byte> dst = back.Pixels;
        if (_deviceStride == rowBytes)
        {
            src.Slice(0, rowBytes * rows).CopyTo(dst);
            return true;
        }
        int stride = (int)_deviceStride;
        for (int y = 0; y < rows; y++) src.Slice(y * stride, rowBytes).CopyTo(dst.Slice(y * rowBytes, rowBytes));
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StopWithFault(int errno, string call)
    {
        _fault = errno == Libc.ENODEV || errno == Libc.EIO
            ? $"camera {_path}: the device stopped answering ({call}: {Libc.ErrnoText(errno)}); unplugged or reset?"
            : $"camera {_path}: {call} failed: {Libc.ErrnoText(errno)}";
        _frameReady.Set();
    }

    /// <summary>Stops the capture thread and streaming, unmaps the buffers and closes the device.</summary>
    public void Dispose()
    {
        _stop = true;
        if (_thread is not null && _thread.IsAlive && Thread.CurrentThread != _thread) _thread.Join(5000);
        _thread = null;
        if (_fd >= 0 && _streaming)
        {
            int type = (int)V4l2Api.BufTypeVideoCapture;
            _dev.Ioctl(_fd, V4l2Api.VIDIOC_STREAMOFF, &type);
            _streaming = false;
        }
        foreach (var (address, length) in _maps) _dev.Unmap((void*)address, length);
        _maps.Clear();
        if (_fd >= 0)
        {
            // Freeing the buffers lets another program (or the next run) have the camera at once.
            var req = new V4l2RequestBuffers { Count = 0, Type = V4l2Api.BufTypeVideoCapture, Memory = V4l2Api.MemoryMmap };
            _dev.Ioctl(_fd, V4l2Api.VIDIOC_REQBUFS, &req);
            _dev.Close(_fd);
            _fd = -1;
        }
        _jpeg?.Dispose();
        _jpeg = null;
        _frameReady.Dispose();
    }

    private static string CString(byte* p, int max)
    {
        int n = 0;
        while (n < max && p[n] != 0) n++;
        return System.Text.Encoding.UTF8.GetString(p, n).Trim();
    }

}
