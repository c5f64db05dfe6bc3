using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Demos;

/// <summary>The demos <c>rtapp run --demo NAME</c> and <c>rtapp bench --demo NAME</c> can wire.</summary>
public static class DemoCatalog
{
    private static readonly string[] AllNames = { FaceTrackerDemo.DemoName, VoiceRelayDemo.DemoName, LineFollowerDemo.DemoName };

    /// <summary>Every demo's name.</summary>
    public static IReadOnlyList<string> Names => AllNames;

    /// <summary>Whether <paramref name="name"/> is a demo.</summary>
    public static bool Has(string name) => Array.IndexOf(AllNames, name) >= 0;

    /// <summary>
    /// Wires the demo named <paramref name="name"/> from <paramref name="profile"/>. Every problem
    /// with what the profile points at is a <see cref="ProfileException"/> naming the field.
    /// </summary>
    public static IDemo Build(string name, BoardProfile profile, string profileSource, string? assetsDir,
        IPeriodicWaiter? waiter, RunOverrides? overrides = null) => name switch
    {
        FaceTrackerDemo.DemoName => FaceTrackerDemo.Build(profile, profileSource, assetsDir, waiter, overrides),
        VoiceRelayDemo.DemoName => VoiceRelayDemo.Build(profile, profileSource, assetsDir, waiter, overrides),
        LineFollowerDemo.DemoName => LineFollowerDemo.Build(profile, profileSource, assetsDir, waiter, overrides),
        _ => throw new ArgumentException($"unknown demo '{name}' (available: {string.Join(", ", AllNames)})", nameof(name)),
    };
}
