using Realtime.Core.Graph;
using Realtime.Vision;

namespace Realtime.Demos.Components;

/// <summary>The demos' own component types (one registration line each): what only a demo's world or task needs.</summary>
public static class DemoComponents
{
    /// <summary>Registers the demos' component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddDemoComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("pan-tilt-camera", PanTiltCameraSource.Create, "the simulated camera on a simulated pan/tilt mount: a window into a video, moved by the servos",
            files: ReferencedFile.Fields("video"), libraries: OpenCvNative.Libraries);
        r.Register("pan-tilt", PanTiltController.Create, "the face tracker's controller: the best face kept at the image centre by pan/tilt servos");
        r.Register("line-track-camera", LineTrackCameraNode.Create, "the simulated line follower: a robot on a track, driven by the motor sink's channels, seen by its downward camera",
            libraries: OpenCvNative.Libraries);
        r.Register("relay-timeline", RelayTimelineNode.Create, "scores a relay against a speech recording's known phrases: phrases caught, false closures, onset/offset latency in frames", NodeRole.Sink,
            files: RelayTimelineNode.Files);
        return r;
    }
}
