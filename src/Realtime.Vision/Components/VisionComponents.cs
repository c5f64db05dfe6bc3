using Realtime.Core.Graph;

namespace Realtime.Vision.Components;

/// <summary>The built-in components over OpenCV (video files for simulation; one registration line each).</summary>
public static class VisionComponents
{
    /// <summary>Registers Vision's component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddVisionComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("sim-video", SimVideoSourceNode.Create, "a video file played as a BGR24 camera, one frame per period, looping",
            files: ReferencedFile.Fields("video"), libraries: OpenCvNative.Libraries);
        return r;
    }
}
