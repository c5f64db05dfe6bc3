using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// One loop of a host that runs several applications: its <c>apps[]</c> entry (at <paramref name="Index"/>),
/// its profile (the composition with its application's <c>demos</c> entry merged in, then the entry's rate,
/// deadline, cores and priority) and the registered application it runs.
/// </summary>
public sealed record AppLoop(int Index, AppEntryProfile Entry, BoardProfile Profile, string Source, IRealtimeApplication Application)
{
    /// <summary>The loop's name (<c>apps[].name</c>).</summary>
    public string Name => Entry.Name;

    /// <summary>How messages name the loop's entry: <c>apps[1] ('relay')</c>.</summary>
    public string Field => $"apps[{Index}] ('{Entry.Name}')";
}
