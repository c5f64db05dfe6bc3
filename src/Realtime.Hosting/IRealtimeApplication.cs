using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// An application the host can run: a name a profile's <c>demo</c> field (or the command line)
/// chooses it by, and the factory that wires it from a profile. Register one with
/// <see cref="RealtimeHost.Add"/>; the host's commands (run, check, safe, bundle, and those added
/// by other libraries, such as the bench) work for every registered application alike.
/// </summary>
public interface IRealtimeApplication
{
    /// <summary>The name it is chosen by (letters, digits and '-').</summary>
    string Name { get; }

    /// <summary>One line that says what it does, for the command line's help.</summary>
    string Description { get; }

    /// <summary>
    /// Wires the application from <paramref name="context"/>: outputs open at their safe values,
    /// model loaded and bound, loop built, nothing running. Every problem with what the profile
    /// points at is a <see cref="ProfileException"/> naming the file and field.
    /// </summary>
    IApplicationInstance Build(ApplicationContext context);

    /// <summary>
    /// Opens only the outputs the application drives, at their safe values, without a model
    /// (what a service's stop step runs however the loop's process ended).
    /// </summary>
    IActuator OpenSafeOutputs(ApplicationContext context);

    /// <summary>
    /// What the application needs of <paramref name="profile"/> beyond the loader's own checks (so
    /// many outputs, a section it reads), as "field: problem" lines; empty when the profile fits.
    /// The host runs it wherever it loads a profile for this application, and the problems join the
    /// loader's in one error naming the file. Core knows no application: this is where its needs live.
    /// </summary>
    IReadOnlyList<string> ProfileProblems(BoardProfile profile) => Array.Empty<string>();
}
