using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Recording;
using Realtime.Core.Timing;

namespace Realtime.Bench.Variants;

/// <summary>
/// <c>bench-recorded-frames</c>: stands in for an application's camera in a ladder's lane and plays a
/// recording's frames (<c>rtapp record</c>'s) in order, looping, on the camera's output port, so that
/// every variant sees the same frames whatever its model decides (an open loop: nothing the graph
/// drives moves the camera). Registered only by the bench (<see cref="Register"/>).
/// </summary>
public sealed class RecordedFramesSource : SourceNode
{
    /// <summary>The registry type.</summary>
    public const string TypeName = "bench-recorded-frames";

    private readonly RecordedImages _images;
    private readonly IClock _clock;
    private readonly OutputPort<ImagePayload> _port;
    private int _captures;
    private static int s_files;

    private RecordedFramesSource(string name, string port, RecordedImages images, IClock clock) : base(name)
    {
        _images = images;
        _clock = clock;
        _port = Output(port, new ImagePayload(images.Width, images.Height, images.Format));
    }

    /// <summary>
    /// Adds <c>bench-recorded-frames</c> to a copy of <paramref name="components"/>, playing <paramref name="images"/>
    /// on the output port <paramref name="port"/> (the camera's it replaces).
    /// </summary>
    public static ComponentRegistry Register(ComponentRegistry components, RecordedImages images, string port)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(images);
        return components.With(TypeName, (name, _, context) => new RecordedFramesSource(name, port, images, context.Clock),
            "a recording's camera frames, played in order (the bench's variant ladders)");
    }

    /// <summary>
    /// The frames <c>rtapp record</c> would record of <paramref name="loop"/>'s source <paramref name="source"/>:
    /// the sources only (no model runs, the outputs stay at their safe state: a simulated mount held where
    /// it starts, a robot standing), through <see cref="SourceRecording"/> into a file of the temporary
    /// folder, read back and deleted. The loop is not run and should not be afterwards.
    /// </summary>
    /// <exception cref="IOException">The temporary file could not be written.</exception>
    public static RecordedImages Record(GraphLoop loop, string application, string source, int frames)
    {
        ArgumentNullException.ThrowIfNull(loop);
        string file = Path.Combine(Path.GetTempPath(), $"rtapp-ladder-{Environment.ProcessId}-{System.Threading.Interlocked.Increment(ref s_files)}.mcap");
        try
        {
            // A simulated world follows the period ticks, not the wall clock: no period is waited between frames.
            var written = SourceRecording.Record(loop, file, frames, new[] { new KeyValuePair<string, string>("application", application) }, new ManualClock());
            if (written.Error is not null) throw new IOException($"{file}: {written.Error}");
            return RecordedImages.Read(File.ReadAllBytes(file), source);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        FrameBuffer slot = _port.Payload.Frame;
        _images.CopyTo(_captures % _images.Count, slot);
        slot.Sequence = _captures++;
        long now = _clock.NowNs();
        slot.CaptureNs = now;
        CaptureNs = now;
        _port.Payload.CaptureNs = now;
        return CaptureStatus.Ok;
    }
}
