using Realtime.Core.Graph;

namespace Realtime.Demos.Components;

/// <summary>The demos' own components (one registration line each): what only a demo's world or task needs.</summary>
public static class DemoComponents
{
    /// <summary>Registers the demos' component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddDemoComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("line-track-camera", LineTrackCameraNode.Create, "the simulated line follower: a robot on a track, driven by the motor sink's channels, seen by its downward camera");
        return r;
    }
}
