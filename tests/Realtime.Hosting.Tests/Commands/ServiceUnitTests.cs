using System.IO;
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

    [Fact]
    public void TheRigsVoiceRelayGraphGetsTheGpioChipsAndTheSoundCards()
    {
        var (profile, _) = ProfileCatalog.Load(Rig, null, "voice-relay");
        var devices = ServiceUnit.Devices(profile);
        Assert.Contains(("char-gpiochip", "rw"), devices);
        Assert.Contains(("char-alsa", "rw"), devices);
    }

    [Fact]
    public void AGraphWithoutAMicrophoneGetsNoSoundCards()
    {
        // The rig's relay check plays the recording from its file instead of the loopback.
        var (profile, _) = ProfileCatalog.Load(Rig, new[] { "app.nodes[0].type=wav-source", """app.nodes[0].config={"path": "audio/speech-relay.wav"}""" }, "voice-relay");
        var devices = ServiceUnit.Devices(profile);
        Assert.Contains(("char-gpiochip", "rw"), devices);
        Assert.DoesNotContain(("char-alsa", "rw"), devices);
    }

    [Fact]
    public void ASimulatedBoardsRelayAndMicrophoneAreNoDevices()
    {
        var (profile, _) = ProfileCatalog.Load("sim", new[] { "app.nodes[0].type=alsa-capture" }, "voice-relay");
        Assert.Equal(new[] { ("/dev/cpu_dma_latency", "rw") }, ServiceUnit.Devices(profile));
    }
}
