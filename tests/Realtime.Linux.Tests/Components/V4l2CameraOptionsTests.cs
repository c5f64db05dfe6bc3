using System.IO;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Linux.Components;
using Realtime.Linux.V4l2;
using Realtime.Tests;

namespace Realtime.Linux.Tests.Components;

/// <summary>How a <c>v4l2-camera</c> node's config and the board's capture thread become capture options (what the node opens and <c>rtapp check</c> probes).</summary>
public sealed class V4l2CameraOptionsTests
{
    private static string Board(string name) => Path.Combine(TestAssets.RepoRoot, "boards", name + ".json");

    // The overlay extends the built-in rpi4, read here from boards/.
    private static BoardProfile Rpi4Overlay() =>
        ProfileLoader.Parse(File.ReadAllText(Board("rpi4-tracker-15hz")), "rpi4-tracker-15hz.json",
            new ProfileLoadOptions { BuiltInText = n => File.Exists(Board(n)) ? File.ReadAllText(Board(n)) : null, BuiltInNames = new[] { "rpi4" } });

    [Fact]
    public void TheNodeSaysDeviceFormatSizeRateBuffersAndTheBoardTheCaptureThreadsScheduling()
    {
        var p = Rpi4Overlay();
        var camera = p.App!.Nodes[0];
        Assert.Equal(V4l2CameraSource.TypeName, camera.Type);
        var config = new NodeConfig(camera.Config, "app.nodes[0].config");
        var o = V4l2CameraSource.Options(config, p)!;
        Assert.Empty(config.Problems);
        Assert.Equal(("/dev/video0", 320, 240, CameraFormat.Yuyv, 15.0, 4), (o.Device, o.Width, o.Height, o.Format, o.RateHz, o.Buffers));
        Assert.Equal(70, o.CapturePriority);
        Assert.Equal(new[] { 2 }, o.CaptureCores);
    }

    [Fact]
    public void AnEmptyConfigAsksForTheDefaultNodeYuyvAndTheCamerasOwnRate()
    {
        var config = new NodeConfig(JsonDocument.Parse("{}").RootElement, "app.nodes[3].config");
        var o = V4l2CameraSource.Options(config, new BoardProfile())!;
        Assert.Equal((V4l2CameraSource.DefaultDevice, 320, 240, CameraFormat.Yuyv, 0.0), (o.Device, o.Width, o.Height, o.Format, o.RateHz));
        // The same device is what the type declares for the bundle's unit.
        Assert.Equal(new ReferencedFile("app.nodes[3].config.device", V4l2CameraSource.DefaultDevice, Device: true), Assert.Single(V4l2CameraSource.Files(config)));
    }

    [Theory]
    [InlineData("""{ "device": "/tmp/video0" }""", "app.nodes[0].config.device: a V4L2 node is a path under /dev/")]
    [InlineData("""{ "width": 321 }""", "app.nodes[0].config.width: yuyv frames need an even width, got 321")]
    public void ABadSettingIsAProblemNamingItsFieldAndNoOptions(string json, string problem)
    {
        var config = new NodeConfig(JsonDocument.Parse(json).RootElement, "app.nodes[0].config");
        Assert.Null(V4l2CameraSource.Options(config, new BoardProfile()));
        Assert.StartsWith(problem, Assert.Single(config.Problems), System.StringComparison.Ordinal);
    }
}
