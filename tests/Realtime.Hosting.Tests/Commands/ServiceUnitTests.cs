using System;
using System.IO;
using System.Text.Json;
using Realtime.Core.Profiles;
using Realtime.Hosting.Commands;
using Realtime.Tests;

namespace Realtime.Hosting.Tests.Commands;

/// <summary>
/// The bundle's unit allows the device groups an application's graph opens, read from its node
/// types: a relay's GPIO chips (<c>gpio-relay</c>) and the sound cards (<c>alsa-capture</c>), on a real board only.
/// </summary>
public sealed class ServiceUnitTests
{
    private static string Rig => Path.Combine(TestAssets.RepoRoot, "tests", "rig", "rig.json");

    // The built-in types, as rtapp registers them (v4l2-camera among them).
    private static Realtime.Core.Graph.ComponentRegistry Components => new RealtimeHost().Components;

    [Fact]
    public void EveryV4l2CameraNodesDeviceIsAllowedAsItsTypeDeclaresIt()
    {
        // rpi4's face tracker opens its camera at /dev/video0; a second camera node on /dev/video2 is allowed too,
        // and a camera whose config names no device opens (and is allowed) the default.
        var (profile, _) = ProfileCatalog.Load("rpi4");
        profile.App!.Nodes.Add(new AppNodeProfile { Name = "second", Type = "v4l2-camera", Config = JsonDocument.Parse("""{ "device": "/dev/video2" }""").RootElement });
        profile.App.Nodes.Add(new AppNodeProfile { Name = "third", Type = "v4l2-camera" });
        var devices = ServiceUnit.Devices(profile, Components);
        Assert.Single(devices, d => d == ("/dev/video0", "rw"));
        Assert.Contains(("/dev/video2", "rw"), devices);
        Assert.Contains("DeviceAllow=/dev/video2 rw\n", ServiceUnit.Render(profile, Components, "rpi4", "/opt/rtapp/rpi4", "test"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheRigsVoiceRelayGraphGetsTheGpioChipsAndTheSoundCards()
    {
        var (profile, _) = ProfileCatalog.Load(Rig, null, "voice-relay");
        var devices = ServiceUnit.Devices(profile, Components);
        Assert.Contains(("char-gpiochip", "rw"), devices);
        Assert.Contains(("char-alsa", "rw"), devices);
    }

    [Fact]
    public void AGraphWithoutAMicrophoneGetsNoSoundCards()
    {
        // The rig's relay check plays the recording from its file instead of the loopback.
        var (profile, _) = ProfileCatalog.Load(Rig, new[] { "app.nodes[0].type=wav-source", """app.nodes[0].config={"path": "audio/speech-relay.wav"}""" }, "voice-relay");
        var devices = ServiceUnit.Devices(profile, Components);
        Assert.Contains(("char-gpiochip", "rw"), devices);
        Assert.DoesNotContain(("char-alsa", "rw"), devices);
    }

    [Fact]
    public void ASimulatedBoardsRelayAndMicrophoneAreNoDevices()
    {
        var (profile, _) = ProfileCatalog.Load("sim", new[] { "app.nodes[0].type=alsa-capture" }, "voice-relay");
        Assert.Equal(new[] { ("/dev/cpu_dma_latency", "rw") }, ServiceUnit.Devices(profile, Components));
    }
}
