using System;
using System.Collections.Generic;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Recording;

/// <summary>
/// Records what an application's sources bring in (camera frames, audio chunks, IMU samples) for a
/// number of frames, paced at the loop's period, without running the graph: no model runs, no
/// controller decides and no sink is written, so the outputs stay where the loop's start left them
/// (their safe state). The file is a <see cref="RecordingMode.Sources"/> recording: each source's
/// input and stamps per frame, read back by <see cref="Recording.Read"/> and <see cref="RecordedImages"/>
/// (calibration data for a quantizer, frames for the variant table). The writer is never let fall a
/// ring behind: a frame waits for it rather than being lost.
/// </summary>
public static class SourceRecording
{
    /// <summary>
    /// Captures <paramref name="frames"/> frames from <paramref name="loop"/>'s sources into
    /// <paramref name="path"/>, one every period (<paramref name="waiter"/>), until done or
    /// <paramref name="stop"/> says so; what was written.
    /// </summary>
    public static RecordingReport Record(GraphLoop loop, string path, int frames, IReadOnlyList<KeyValuePair<string, string>> metadata, IPeriodicWaiter waiter, Func<bool>? stop = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(waiter);
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), "at least one frame");
        using var recorder = new FlightRecorder(loop, path, RecordingMode.Sources, 64, metadata);
        var clock = loop.Clock;
        long period = loop.Options.PeriodNs;
        long start = clock.NowNs();
        long tick = 0;
        SourceNode[] sources = loop.Graph.Sources;
        for (int f = 0; f < frames && !(stop?.Invoke() ?? false); f++)
        {
            long tickNs = start + tick * period;
            waiter.WaitUntil(tickNs);
            // A simulated world (a camera on a simulated mount, a video) follows the period ticks, as in the loop.
            foreach (SourceNode s in sources)
                if (s is ITickListener t) t.OnTick(tick);
            var r = new FrameRecord { StartNs = clock.NowNs() };
            bool ended = false;
            foreach (SourceNode s in sources)
            {
                s.Process();
                ended |= s.Status == CaptureStatus.Ended;
                r.CaptureNs = Math.Max(r.CaptureNs, s.CaptureNs);
                if (s.Status != CaptureStatus.Ok) r.Flags |= FrameFlags.SourceFault;
            }
            r.CaptureEndNs = r.PreprocessEndNs = r.InferEndNs = r.DecodeEndNs = r.ControlEndNs = r.ActuateEndNs = clock.NowNs();
            recorder.Publish(f, tickNs, ref r);
            if (ended) break; // a file that does not loop: its last frame is recorded, no more
            // Waits for the writer, unless it has failed (a full disk) or a stop was asked for: either ends the recording.
            while (recorder.Behind >= recorder.Capacity - 1 && !recorder.WriterFailed && !(stop?.Invoke() ?? false)) Thread.Sleep(1);
            if (recorder.WriterFailed) break;
            // Late (a slow source, a writer waited for): the ticks that passed are dropped, not caught up in a burst.
            tick = Math.Max(tick + 1, (clock.NowNs() - start) / period);
        }
        return recorder.Finish();
    }
}
