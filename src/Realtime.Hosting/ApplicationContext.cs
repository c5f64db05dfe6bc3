using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>What an application is wired from: the profile, where it came from, the assets and the host's overrides.</summary>
public sealed class ApplicationContext
{
    /// <summary>A context for <paramref name="profile"/>, read from <paramref name="profileSource"/>.</summary>
    public ApplicationContext(BoardProfile profile, string profileSource)
    {
        Profile = profile;
        ProfileSource = profileSource;
    }

    /// <summary>The board profile, its per-application entry merged in.</summary>
    public BoardProfile Profile { get; }
    /// <summary>Where the profile came from, for error messages (a path, or a built-in board's name).</summary>
    public string ProfileSource { get; }
    /// <summary>The assets folder (models, videos), or null when none was found; see <see cref="AssetLocator"/>.</summary>
    public string? AssetsDirectory { get; init; }
    /// <summary>How the periodic loop waits for its next period (null: the loop's own default).</summary>
    public IPeriodicWaiter? Waiter { get; init; }
    /// <summary>Overrides of the profile from the command line, the bench or a test (null: none).</summary>
    public RunOverrides? Overrides { get; init; }

    /// <summary>The outputs every loop of the host has claimed, when it runs several applications (null: one).</summary>
    public Realtime.Core.Graph.OutputClaims? HostClaims { get; init; }
    /// <summary>The loop's name when the host runs several applications (its <c>apps[].name</c>), else null.</summary>
    public string? LoopName { get; init; }

    /// <summary>The loop's clock (default: the system's); a replay brings the recording's.</summary>
    public Realtime.Core.Timing.IClock? Clock { get; init; }
}
