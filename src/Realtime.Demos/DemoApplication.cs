using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Hosting;

namespace Realtime.Demos;

/// <summary>One demo as an application the host runs: its name, its factory and its safe outputs.</summary>
public sealed class DemoApplication : IRealtimeApplication
{
    private readonly Func<ApplicationContext, IApplicationInstance> _build;
    private readonly Func<BoardProfile, IReadOnlyList<string>> _profileProblems;
    private readonly Func<BoardProfile, string, string?>? _modelProblem;

    /// <summary>
    /// The demo <paramref name="name"/>, wired by <paramref name="build"/>; <paramref name="profileProblems"/> says what it
    /// needs of a profile beyond the loader's checks; <paramref name="modelProblem"/> checks a model file without running it (null: nothing to check).
    /// </summary>
    public DemoApplication(string name, string description, Func<ApplicationContext, IApplicationInstance> build,
        Func<BoardProfile, IReadOnlyList<string>> profileProblems, Func<BoardProfile, string, string?>? modelProblem = null)
    {
        Name = name;
        Description = description;
        _build = build;
        _profileProblems = profileProblems;
        _modelProblem = modelProblem;
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public IApplicationInstance Build(ApplicationContext context) => _build(context);

    /// <inheritdoc/>
    public IActuator OpenSafeOutputs(ApplicationContext context) =>
        DemoOutputs.OpenSafe(Name, new DemoWiring(context.Profile, context.ProfileSource, context.AssetsDirectory, context.Overrides));

    /// <inheritdoc/>
    public IReadOnlyList<string> ProfileProblems(BoardProfile profile) => _profileProblems(profile);

    /// <inheritdoc/>
    public string? ModelProblem(BoardProfile profile, string modelPath) => _modelProblem?.Invoke(profile, modelPath);
}
