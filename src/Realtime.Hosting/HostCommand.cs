using System.Collections.Generic;

namespace Realtime.Hosting;

/// <summary>
/// One command of a host (<c>run</c>, <c>check</c>, …): its name, the options it takes, its help
/// and what it does. Libraries add their own through <see cref="RealtimeHost.AddCommand"/> (the
/// bench does), so the host needs to know none of them.
/// </summary>
public abstract class HostCommand
{
    /// <summary>The word that chooses it (<c>run</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Its help: the synopsis lines, then what it does, indented as the host's help prints them;
    /// <c>{tool}</c> stands for the host's tool name.
    /// </summary>
    public abstract string Help { get; }

    /// <summary>The options it takes, without their dashes, each with whether it takes a value.</summary>
    public abstract IReadOnlyDictionary<string, bool> Options { get; }

    /// <summary>
    /// Runs the command and returns the process's exit code (<see cref="ExitCodes"/>). A mistake in
    /// the arguments is a <see cref="UsageException"/>, a bad profile a
    /// <see cref="Realtime.Core.Profiles.ProfileException"/>: the host prints either and exits 2.
    /// </summary>
    /// <param name="host">The host, with its applications.</param>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="mainNs">Monotonic time at which the process's entry point began, ns (cold-start figures).</param>
    public abstract int Execute(RealtimeHost host, CommandArguments args, long mainNs);
}
