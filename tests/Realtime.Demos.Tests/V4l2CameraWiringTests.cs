using Realtime.Core.Profiles;
using Realtime.Linux.V4l2;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>How a board profile's v4l2 camera becomes capture options.</summary>
public sealed class V4l2CameraWiringTests
{
    private static string Board(string name) => System.IO.Path.Combine(TestAssets.RepoRoot, "boards", name + ".json");

    // The overlay extends the built-in rpi4, read here from boards/.
    private static BoardProfile Rpi4Overlay() =>
        ProfileLoader.Parse(System.IO.File.ReadAllText(Board("rpi4-tracker-15hz")), "rpi4-tracker-15hz.json",
            new ProfileLoadOptions { BuiltInText = n => System.IO.File.Exists(Board(n)) ? System.IO.File.ReadAllText(Board(n)) : null, BuiltInNames = new[] { "rpi4" } });

    [Fact]
    public void TheProfileSaysFormatSizeRateBuffersAndTheCaptureThreadsScheduling()
    {
        var o = Realtime.Hosting.V4l2CameraProfile.Options(Rpi4Overlay());
        Assert.Equal(("/dev/video0", 320, 240, CameraFormat.Yuyv, 15.0, 4), (o.Device, o.Width, o.Height, o.Format, o.RateHz, o.Buffers));
        Assert.Equal(70, o.CapturePriority);
        Assert.Equal(new[] { 2 }, o.CaptureCores);
    }

    [Fact]
    public void WithoutItsOwnRateTheCameraIsAskedForTheLoopsRate()
    {
        var p = Rpi4Overlay();
        p.Camera.RateHz = null;
        p.Camera.Format = null;
        var o = Realtime.Hosting.V4l2CameraProfile.Options(p);
        Assert.Equal((15.0, CameraFormat.Yuyv), (o.RateHz, o.Format));
    }
}
