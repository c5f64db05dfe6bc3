using Realtime.Core.Profiles;
using Realtime.Linux.V4l2;

namespace Realtime.Demos;

/// <summary>
/// A profile's <c>v4l2</c> camera, for any demo that looks through one: checked early (a missing
/// node, a node that is not a camera, a format it does not offer) and opened once the model is
/// loaded, so no frames stream while nothing takes them. Every problem names the profile field.
/// </summary>
public static class V4l2CameraWiring
{
    /// <summary>Opens the node, reads what it is and offers, and closes it; a problem is a <see cref="ProfileException"/> on <c>camera.device</c> or <c>camera.format</c>.</summary>
    public static V4l2DeviceInfo Probe(DemoWiring w)
    {
        var o = V4l2CameraProfile.Options(w.Profile);
        V4l2DeviceInfo info;
        try { info = V4l2Capture.Probe(o.Device); }
        catch (V4l2Exception ex) { throw w.Problem("camera.device", ex.Message); }
        if (!info.Offers(o.Format))
            throw w.Problem("camera.format", $"camera {o.Device} ({info.Card}) does not offer {CameraFormats.FourCc(o.Format)}; it offers {info.FormatList()}");
        return info;
    }

    /// <summary>Opens the camera and starts streaming; a problem is a <see cref="ProfileException"/> naming the field it comes from.</summary>
    public static V4l2Capture Open(DemoWiring w)
    {
        var o = V4l2CameraProfile.Options(w.Profile);
        try { return new V4l2Capture(o); }
        catch (V4l2Exception ex)
        {
            string field = ex.Setting switch { V4l2Setting.Format => "camera.format", V4l2Setting.Size => "camera.width", _ => "camera.device" };
            throw w.Problem(field, ex.Message);
        }
    }
}
