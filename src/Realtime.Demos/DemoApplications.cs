using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Demos.Components;
using Realtime.Hosting;
using Realtime.Vision.Components;

namespace Realtime.Demos;

/// <summary>The three demos, registered with a host like any user's application.</summary>
public static class DemoApplications
{
    /// <summary>The face tracker's name.</summary>
    public const string FaceTrackerName = "face-tracker";

    /// <summary>
    /// The face tracker: camera → BlazeFace → pan/tilt servos, a graph of components (the profile's
    /// <c>app</c> section: boards/sim.json's pan-tilt-camera, a real board's v4l2-camera) built from <paramref name="components"/>.
    /// </summary>
    public static GraphApplication FaceTracker(ComponentRegistry components) =>
        new(components, FaceTrackerName, "camera → BlazeFace → pan/tilt servos (the profile's app graph)") { RequiredTypes = new[] { "pan-tilt", "servo" } };

    /// <summary>The voice relay's name.</summary>
    public const string VoiceRelayName = "voice-relay";

    /// <summary>
    /// The voice-activity relay: speech → Silero VAD (its state carried) → hysteresis and hangover → a
    /// relay on GPIO, a graph of components (the profile's <c>app</c> section: boards/sim.json's
    /// <c>demos.voice-relay</c>) built from <paramref name="components"/>.
    /// </summary>
    public static GraphApplication VoiceRelay(ComponentRegistry components) =>
        new(components, VoiceRelayName, "speech → Silero VAD (streaming) → a relay on GPIO (the profile's app graph)") { RequiredTypes = new[] { "threshold", "gpio-relay" } };

    /// <summary>The line follower's name.</summary>
    public const string LineFollowerName = "line-follower";

    /// <summary>
    /// The line follower: rendered floor → M-LSD → pure pursuit → two motors, a graph of components
    /// (the profile's <c>app</c>, which sim.json's <c>demos.line-follower</c> carries) built from <paramref name="components"/>.
    /// </summary>
    public static GraphApplication LineFollower(ComponentRegistry components) =>
        new(components, LineFollowerName, "rendered floor → M-LSD → two motors on a robot") { RequiredTypes = new[] { "pure-pursuit", "motor" } };

    private static readonly string[] AllNames = { FaceTrackerName, VoiceRelayName, LineFollowerName };

    /// <summary>Every demo, face tracker first (the host's default for a profile that names none), its graphs' nodes from <paramref name="components"/>.</summary>
    public static IReadOnlyList<IRealtimeApplication> All(ComponentRegistry components) =>
        new IRealtimeApplication[] { FaceTracker(components), VoiceRelay(components), LineFollower(components) };

    /// <summary>Every demo's name.</summary>
    public static IReadOnlyList<string> Names => AllNames;

    /// <summary>Registers every demo with <paramref name="host"/>, and Vision's components (sim-video) and the demos' own with its registry.</summary>
    public static RealtimeHost AddDemos(this RealtimeHost host)
    {
        System.ArgumentNullException.ThrowIfNull(host);
        foreach (var app in All(host.Components)) host.Add(app);
        // Vision's components need OpenCV, which the host itself does not take: they come with the demos.
        host.Components.AddVisionComponents().AddDemoComponents();
        return host;
    }
}
