using System.Collections.Generic;
using Realtime.Hosting;
using Realtime.Vision.Components;

namespace Realtime.Demos;

/// <summary>The three demos, registered with a host like any user's application.</summary>
public static class DemoApplications
{
    /// <summary>The face tracker: camera → BlazeFace → pan/tilt servos.</summary>
    public static readonly DemoApplication FaceTracker = new(FaceTrackerDemo.DemoName, "camera → BlazeFace → pan/tilt servos",
        c => FaceTrackerDemo.Build(c.Profile, c.ProfileSource, c.AssetsDirectory, c.Waiter, c.Overrides), FaceTrackerDemo.ModelProblem);

    /// <summary>The voice-activity relay: speech → Silero VAD → a relay on GPIO.</summary>
    public static readonly DemoApplication VoiceRelay = new(VoiceRelayDemo.DemoName, "speech → Silero VAD (streaming) → a relay on GPIO",
        c => VoiceRelayDemo.Build(c.Profile, c.ProfileSource, c.AssetsDirectory, c.Waiter, c.Overrides));

    /// <summary>The line follower: rendered floor → M-LSD → two motors.</summary>
    public static readonly DemoApplication LineFollower = new(LineFollowerDemo.DemoName, "rendered floor → M-LSD → two motors on a robot",
        c => LineFollowerDemo.Build(c.Profile, c.ProfileSource, c.AssetsDirectory, c.Waiter, c.Overrides));

    private static readonly IRealtimeApplication[] AllApplications = { FaceTracker, VoiceRelay, LineFollower };
    private static readonly string[] AllNames = { FaceTrackerDemo.DemoName, VoiceRelayDemo.DemoName, LineFollowerDemo.DemoName };

    /// <summary>Every demo, face tracker first (the sim board's default).</summary>
    public static IReadOnlyList<IRealtimeApplication> All => AllApplications;

    /// <summary>Every demo's name.</summary>
    public static IReadOnlyList<string> Names => AllNames;

    /// <summary>Registers every demo with <paramref name="host"/>, and Vision's components (sim-video) with its registry.</summary>
    public static RealtimeHost AddDemos(this RealtimeHost host)
    {
        foreach (var app in AllApplications) host.Add(app);
        // Vision's components need OpenCV, which the host itself does not take: they come with the demos.
        host.Components.AddVisionComponents();
        return host;
    }
}
