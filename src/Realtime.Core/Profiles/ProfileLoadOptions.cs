using System;
using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>
/// Where a profile's <c>extends</c> names are looked up, and the key=value overrides applied to it. A
/// record: a variant of a caller's options is a <c>with</c> expression, never a copy field by field.
/// </summary>
public sealed record ProfileLoadOptions
{
    /// <summary>The JSON text of a built-in profile by name, or null when there is none by that name.</summary>
    public Func<string, string?>? BuiltInText { get; init; }

    /// <summary>The built-in profile names, listed in the error when an <c>extends</c> name is unknown.</summary>
    public IReadOnlyList<string> BuiltInNames { get; init; } = Array.Empty<string>();

    /// <summary>The folder a relative <c>extends</c> path starts from (the extending file's folder; null: the working folder).</summary>
    public string? BaseDirectory { get; init; }

    /// <summary><c>key=value</c> overrides (dotted paths, e.g. <c>timing.rate_hz=20</c>, <c>pwm[0].chip=1</c>), applied in order after inheritance.</summary>
    public IReadOnlyList<string> Sets { get; init; } = Array.Empty<string>();

    /// <summary>What an override is called where it went wrong, as the caller's user knows it: the command line gives its option's name.</summary>
    public string OverrideLabel { get; init; } = DefaultOverrideLabel;

    /// <summary>The words an override goes by when the caller names none.</summary>
    public const string DefaultOverrideLabel = "override";

    /// <summary>The demo to run: its entry under the profile's <c>demos</c> is merged in (null: the profile's own <c>demo</c>).</summary>
    public string? Demo { get; init; }

    /// <summary>
    /// Composition only (<see cref="ProfileLoader.Compose"/>): keep <c>demos</c> as it is, no entry merged in, so a profile of
    /// several applications (<c>apps[]</c>) stays one that each loop resolves from, as it does from the original.
    /// </summary>
    public bool KeepDemos { get; init; }

    /// <summary>
    /// The application a profile that names none (no <c>demo</c>, none chosen) gets: the host's
    /// default. Null leaves <see cref="BoardProfile.Demo"/> empty.
    /// </summary>
    public string? DefaultDemo { get; init; }

    /// <summary>
    /// What the chosen application needs of the profile, beyond the loader's own checks: "field:
    /// problem" lines (empty when it fits). Its problems join the loader's in one error naming the
    /// file. Null: no application checks it (the host passes its applications' checks).
    /// </summary>
    public Func<BoardProfile, IReadOnlyList<string>>? ApplicationCheck { get; init; }
}
