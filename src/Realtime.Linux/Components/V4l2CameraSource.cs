using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Linux.V4l2;

namespace Realtime.Linux.Components;

/// <summary>
/// <c>v4l2-camera</c>: a V4L2 camera through the project's own capture (<see cref="V4l2Capture"/>:
/// mmap buffers, a capture thread, newest frame wins, kernel timestamps), as an image in the
/// camera's pixel format (MJPEG arrives decoded, as BGR24). The node is probed when created (a
/// missing node, a node that is not a camera, a format it does not offer are the profile's, named by
/// field) and streams from <see cref="Start"/> to <see cref="Stop"/>. Config: <c>device</c> (default
/// /dev/video0), <c>width</c>, <c>height</c> (default 320×240), <c>format</c> (yuyv, nv12, grey,
/// mjpeg; default yuyv), <c>rate_hz</c> (0: the camera's own; default 0), <c>buffers</c> (2..32;
/// default 4), <c>frame_wait_ms</c> (0: from the rate; default 0).
/// </summary>
public sealed class V4l2CameraSource : SourceNode, IApplicationMetrics
{
    private readonly V4l2CaptureOptions _options;
    private readonly IV4l2Device? _device;
    private V4l2Capture? _capture;
    private long _frames, _failed;
    // The capture's figures when it stopped (the report is written after the loop has stopped its nodes).
    private CaptureFigures? _last;

    private sealed record CaptureFigures(long Dequeued, long Dropped, long DriverDropped, long ErrorFrames, bool KernelTimestamps, long CaptureThreadBytes);

    /// <summary>A camera opened with <paramref name="options"/> at start.</summary>
    public V4l2CameraSource(string name, V4l2CaptureOptions options) : this(name, options, null)
    {
    }

    internal V4l2CameraSource(string name, V4l2CaptureOptions options, IV4l2Device? device) : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _device = device;
        Image = Output("image", new ImagePayload(options.Width, options.Height, CameraFormats.FrameFormat(options.Format)));
    }

    /// <summary>The frames.</summary>
    public OutputPort<ImagePayload> Image { get; }
    /// <summary>The capture while streaming, else null.</summary>
    public V4l2Capture? Camera => _capture;
    /// <summary>Where it was configured (file, field), for errors at start; null when built in code.</summary>
    public (string Source, string Field)? ConfiguredAt { get; init; }

    /// <summary>The type name a profile's node gives.</summary>
    public const string TypeName = "v4l2-camera";

    /// <summary>The device node a camera opens when its config names none.</summary>
    public const string DefaultDevice = "/dev/video0";

    /// <summary>The registry's file declaration: the device node the camera opens (not packed; allowed in the bundle's unit).</summary>
    public static IReadOnlyList<ReferencedFile> Files(NodeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new[] { new ReferencedFile($"{config.Field}.device", config.Text("device", DefaultDevice), Device: true) };
    }

    /// <summary>
    /// The capture options a node's <paramref name="config"/> asks for on <paramref name="board"/>
    /// (its capture thread's cores and priority), read and checked without opening anything: what
    /// the factory opens and <c>rtapp check</c> probes. Problems are the config's; null when there are any.
    /// </summary>
    public static V4l2CaptureOptions? Options(NodeConfig config, BoardProfile board)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(board);
        string device = config.Text("device", DefaultDevice);
        int width = config.Integer("width", 16, 8192, 320), height = config.Integer("height", 16, 8192, 240);
        string format = config.Text("format", "yuyv", ProfileLoader.CameraFormatNames);
        double rate = config.Number("rate_hz", 0, 1000, 0);
        int buffers = config.Integer("buffers", 2, 32, 4);
        int waitMs = config.Integer("frame_wait_ms", 0, 60_000, 0);
        if (!device.StartsWith("/dev/", StringComparison.Ordinal) || device.Contains("..", StringComparison.Ordinal))
            config.Problem("device", $"a V4L2 node is a path under /dev/, got '{(device.Length > 40 ? device[..40] + "…" : device)}'");
        CameraFormat f = CameraFormats.Parse(format) ?? CameraFormat.Yuyv;
        if (f is CameraFormat.Yuyv or CameraFormat.Nv12 && width % 2 != 0) config.Problem("width", $"{format} frames need an even width, got {width}");
        if (config.Problems.Count > 0) return null;
        return new V4l2CaptureOptions
        {
            Device = device,
            Width = width,
            Height = height,
            Format = f,
            RateHz = rate,
            Buffers = buffers,
            FrameWaitMs = waitMs,
            CaptureCores = board.Threads.Capture?.Cores ?? new List<int>(),
            CapturePriority = board.Threads.Capture?.Priority ?? 0,
        };
    }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Options(config, context.Board) is not { } options) return null!;
        V4l2DeviceInfo info;
        try { info = V4l2Capture.Probe(options.Device); }
        catch (V4l2Exception ex) { config.Problem("device", ex.Message); return null!; }
        if (!info.Offers(options.Format))
        {
            config.Problem("format", $"camera {options.Device} ({info.Card}) does not offer {CameraFormats.FourCc(options.Format)}; it offers {info.FormatList()}");
            return null!;
        }
        return new V4l2CameraSource(name, options) { ConfiguredAt = (context.Source, config.Field) };
    }

    /// <summary>Opens the camera and starts streaming; a refusal is a <see cref="ProfileException"/> naming the field.</summary>
    public override void Start()
    {
        try
        {
            _capture = _device is null ? new V4l2Capture(_options) : new V4l2Capture(_options, _device);
        }
        catch (V4l2Exception ex) when (ConfiguredAt is { } at)
        {
            string field = ex.Setting switch { V4l2Setting.Format => "format", V4l2Setting.Size => "width", _ => "device" };
            throw new ProfileException(at.Source, [$"{at.Field}.{field}: {ex.Message}"]);
        }
    }

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        FrameBuffer slot = Image.Payload.Frame;
        CaptureStatus status = _capture!.Capture(slot);
        if (status != CaptureStatus.Ok)
        {
            _failed++;
            return status;
        }
        CaptureNs = slot.CaptureNs;
        Image.Payload.CaptureNs = slot.CaptureNs;
        _frames++;
        return status;
    }

    /// <summary>Stops streaming and closes the camera.</summary>
    public override void Stop()
    {
        if (_capture is { } c) _last = Figures(c);
        _capture?.Dispose();
        _capture = null;
    }

    private static CaptureFigures Figures(V4l2Capture c) => new(c.Dequeued, c.Dropped, c.DriverDropped, c.ErrorFrames, c.KernelTimestamps, c.CaptureThreadAllocatedBytes);

    /// <summary>
    /// The camera's own figures in the report's application metrics, named after the node
    /// (<c>camera_frames_captured</c> for a node named camera): frames the capture thread took,
    /// those a newer one replaced, those the driver lost, corrupt ones, whether capture times are
    /// the kernel's, and what the capture thread allocated after its warm-up (-1: not measured).
    /// </summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if ((_capture is { } live ? Figures(live) : _last) is not { } f) return;
        metrics.Add($"{Name}_frames_captured", f.Dequeued);
        metrics.Add($"{Name}_frames_dropped", f.Dropped);
        metrics.Add($"{Name}_driver_dropped", f.DriverDropped);
        metrics.Add($"{Name}_error_frames", f.ErrorFrames);
        metrics.Add($"{Name}_kernel_timestamps", f.KernelTimestamps);
        metrics.Add($"{Name}_capture_thread_bytes", f.CaptureThreadBytes);
        metrics.AddSummaryLine(string.Create(CultureInfo.InvariantCulture,
            $"Camera '{Name}' (V4L2): {f.Dequeued} frames captured, {f.Dropped} replaced by a newer one before the loop took them, {f.DriverDropped} lost by the driver, {f.ErrorFrames} corrupt; capture times from {(f.KernelTimestamps ? "the kernel's buffer timestamps" : "dequeue (the driver gives no monotonic timestamps)")}"));
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("frames", _frames);
        report.Add("failed_captures", _failed);
        if (_capture is { } c)
        {
            report.Add("dropped", c.Dropped);
            report.Add("driver_dropped", c.DriverDropped);
        }
    }
}
