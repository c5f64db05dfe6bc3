using System;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Vision.Components;

/// <summary>
/// <c>sim-video</c>: a video file played as a camera, one frame per loop period (at the loop's
/// rate, whatever the file's own), looping at its end. The frame is scaled (nearest pixel, tables
/// made once) to <c>width</c>×<c>height</c> (default: the video's size) in BGR24 and stamped with
/// the clock when it is in the slot. A frame that does not decode is a failed capture for the
/// watchdog. Config: <c>video</c> (an asset path), <c>width</c>, <c>height</c>, <c>still</c> (true:
/// the first frame every period, a still scene, each capture stamped afresh; default false).
/// </summary>
public sealed class SimVideoSourceNode : SourceNode
{
    private readonly IVideoFrames _video;
    private readonly IClock _clock;
    private readonly int[] _colOffset;
    private readonly int[] _rowOffset;
    private long _sequence;
    private bool _first = true;
    private readonly bool _still;

    /// <summary>A source over <paramref name="video"/> (owned by whoever opened it), frames of <paramref name="width"/>×<paramref name="height"/> (0: the video's).</summary>
    public SimVideoSourceNode(string name, IVideoFrames video, int width, int height, IClock clock, bool still = false) : base(name)
    {
        _still = still;
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(clock);
        _video = video;
        _clock = clock;
        int w = width > 0 ? width : video.Width, h = height > 0 ? height : video.Height;
        _colOffset = new int[w];
        for (int c = 0; c < w; c++) _colOffset[c] = Math.Min(video.Width - 1, (int)((c + 0.5) * video.Width / w)) * 3;
        _rowOffset = new int[h];
        for (int r = 0; r < h; r++) _rowOffset[r] = Math.Min(video.Height - 1, (int)((r + 0.5) * video.Height / h));
        Image = Output("image", new ImagePayload(w, h, PixelFormat.Bgr24));
    }

    /// <summary>The frame.</summary>
    public OutputPort<ImagePayload> Image { get; }
    /// <summary>The video.</summary>
    public IVideoFrames Video => _video;

    /// <summary>The factory: opens the configured video (owned by the application) and plans the node.</summary>
    public static SimVideoSourceNode Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        string? path = context.RequireAsset(config, "video", "video file");
        int width = config.Integer("width", 1, 8192, 0);
        int height = config.Integer("height", 1, 8192, 0);
        bool still = config.Flag("still", false);
        if (path is null || config.Problems.Count > 0) throw new ArgumentException("see the problems above");
        IVideoFrames video;
        try
        {
            video = context.Own(DecodedVideoFile.Open(path, context.Shared(() => new VideoCacheSettings())));
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException || ex is InvalidOperationException { InnerException: DllNotFoundException or TypeInitializationException })
        {
            config.Problem("video", ex.Message);
            throw new ArgumentException(ex.Message);
        }
        return new SimVideoSourceNode(name, video, width, height, context.Clock, still);
    }

    /// <inheritdoc/>
    protected override unsafe CaptureStatus Capture()
    {
        // The first frame is the one the reader decoded when it opened.
        if (_first) _first = false;
        else if (!_still) _video.Advance();
        if (!_video.HasFrame) return CaptureStatus.Failed;
        FrameBuffer slot = Image.Payload.Frame;
        byte* src = (byte*)_video.FrameData;
        long srcStride = _video.FrameStride;
        int w = slot.Width;
        fixed (byte* dst = slot.Pixels)
        {
            for (int r = 0; r < slot.Height; r++)
            {
                byte* s = src + _rowOffset[r] * srcStride;
                byte* d = dst + r * slot.Stride;
                for (int c = 0; c < w; c++)
                {
                    byte* p = s + _colOffset[c];
                    d[0] = p[0];
                    d[1] = p[1];
                    d[2] = p[2];
                    d += 3;
                }
            }
        }
        slot.Sequence = _sequence++;
        long now = _clock.NowNs();
        slot.CaptureNs = now;
        CaptureNs = now;
        Image.Payload.CaptureNs = now;
        return CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("video_loops", _video.Loops);
        report.Add("failed_frames", _video.FailedFrames);
    }
}
