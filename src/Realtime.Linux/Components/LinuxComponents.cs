using Realtime.Core.Graph;

namespace Realtime.Linux.Components;

/// <summary>The built-in components on Linux devices (cameras, sound cards).</summary>
public static class LinuxComponents
{
    /// <summary>Registers Linux's built-in components.</summary>
    public static ComponentRegistry AddLinuxComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register(V4l2CameraSource.TypeName, V4l2CameraSource.Create, "a V4L2 camera through the project's own capture, one image per frame",
            files: V4l2CameraSource.Files);
        r.Register("alsa-capture", AlsaSource.Create, "a microphone through ALSA, one audio chunk per frame");
        return r;
    }
}
