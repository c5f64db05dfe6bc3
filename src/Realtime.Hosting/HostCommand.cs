using System.Collections.Generic;
using System.CommandLine;

namespace Realtime.Hosting;

/// <summary>
/// One command of a host (<c>run</c>, <c>check</c>, …): its name, its System.CommandLine options
/// (<see cref="HostOptions"/> makes them), its help and what it does. Libraries add their own
/// through <see cref="RealtimeHost.AddCommand"/> (the bench does), so the host needs to know none
/// of them.
/// </summary>
public abstract class HostCommand
{
    /// <summary>The word that chooses it (<c>run</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What it does, in a sentence or two: the first lines of its help and its line in the host's list of commands.</summary>
    public abstract string Description { get; }

    /// <summary>What its help says after the options (formats, examples), or null; <c>{tool}</c> stands for the host's tool name.</summary>
    public virtual string? Notes => null;

    /// <summary>The options it takes, each made once (the command reads its values from the parse result through the same objects).</summary>
    public abstract IReadOnlyList<Option> Options { get; }

    /// <summary>The command's positional arguments (most have none).</summary>
    public virtual IReadOnlyList<Argument> Arguments => System.Array.Empty<Argument>();

    /// <summary>
    /// Runs the command and returns the process's exit code (<see cref="ExitCodes"/>). A mistake in
    /// the arguments is a <see cref="UsageException"/>, a bad profile a
    /// <see cref="Realtime.Core.Profiles.ProfileException"/>: the host prints either and exits 2.
    /// </summary>
    /// <param name="host">The host, with its applications.</param>
    /// <param name="args">The parsed command line: read an option's value with <c>args.GetValue(option)</c>.</param>
    /// <param name="mainNs">Monotonic time at which the process's entry point began, ns (cold-start figures).</param>
    public abstract int Execute(RealtimeHost host, ParseResult args, long mainNs);
}
