using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Onnx;

namespace Realtime.Demos;

/// <summary>
/// What every demo does the same way when it is wired from a profile: find assets and name the
/// field when one is missing, load and bind the model with the profile's thread settings, and
/// build the loop's options and watchdog. One place, so every demo reports a problem alike.
/// </summary>
public sealed class DemoWiring
{
    /// <summary>Wiring for <paramref name="profile"/>, loaded from <paramref name="profileSource"/>, with assets under <paramref name="assetsDir"/>.</summary>
    public DemoWiring(BoardProfile profile, string profileSource, string? assetsDir, RunOverrides? overrides)
    {
        Profile = profile;
        ProfileSource = profileSource;
        AssetsDir = assetsDir;
        Overrides = overrides ?? new RunOverrides();
        Assets = new ProfileAssets(profile, profileSource, assetsDir);
    }

    /// <summary>The profile.</summary>
    public BoardProfile Profile { get; }
    /// <summary>Where the profile came from (the start of every error message).</summary>
    public string ProfileSource { get; }
    /// <summary>The assets folder, or null when none was found.</summary>
    public string? AssetsDir { get; }
    /// <summary>The run's overrides.</summary>
    public RunOverrides Overrides { get; }

    /// <summary>The profile's files in the assets folder, each missing one a problem naming its field.</summary>
    public ProfileAssets Assets { get; }

    /// <summary>A profile error for <paramref name="field"/>.</summary>
    public ProfileException Problem(string field, string message) => Assets.Problem(field, message);

    /// <summary>The path of an asset the profile names in <paramref name="field"/>; missing is a problem that says how to fetch it.</summary>
    public string RequireAsset(string relative, string field, string what) => Assets.RequireAsset(relative, field, what);

    /// <summary>The profile's model file, checked against its pinned hash when the profile gives one.</summary>
    public string RequireModel() => Assets.RequireModel();

    /// <summary>
    /// Session settings from the profile's model section (threads, their cores, spinning, graph
    /// optimization, memory pattern, arena, saved optimized model) and the overrides (profiling; a
    /// saved optimized model asked for on the command line wins over the profile's).
    /// </summary>
    public OnnxSessionSettings SessionSettings()
    {
        var m = Profile.Model;
        bool savedByProfile = Overrides.OptimizedModelCacheDir is null && m.SavedOptimized is not null;
        return new OnnxSessionSettings
        {
            IntraOpThreads = m.IntraOpThreads,
            // ORT pins its intra-op threads (one entry per thread beyond the caller) to the profile's cores.
            IntraOpThreadAffinities = m.IntraOpThreads > 1 && Profile.Threads.InferenceCores.Count > 0
                ? string.Join(";", IntraOpAffinity(Profile.Threads.InferenceCores, m.IntraOpThreads - 1)) : null,
            AllowSpinning = m.AllowSpinning,
            GraphOptimization = OnnxSessionSettings.ParseGraphOptimization(m.GraphOptimization)
                ?? throw Problem("model.graph_optimization", $"unknown level '{m.GraphOptimization}'"),
            MemoryPattern = m.MemoryPattern,
            CpuArena = m.CpuArena,
            ProfilePathPrefix = Overrides.ProfilePathPrefix,
            OptimizedModelCacheDir = savedByProfile ? OptimizedModelCache.DefaultDir : Overrides.OptimizedModelCacheDir,
            OptimizedModelFormat = savedByProfile ? (m.SavedOptimized == "ort" ? SavedModelFormat.Ort : SavedModelFormat.Onnx) : Overrides.OptimizedModelFormat,
        };
    }

    /// <summary>
    /// Every output (<paramref name="outputs"/>) is open at its safe value: stamps it and lets the
    /// runner arm its watchdog. Each demo calls it once, after opening its outputs and before loading its model.
    /// </summary>
    public void OutputsAreSafe(IActuator outputs)
    {
        Overrides.Startup?.Mark(StartupTimeline.OutputsSafe);
        Overrides.OutputsSafe?.Invoke(outputs);
    }

    /// <summary>
    /// Runs <paramref name="load"/> (an <see cref="OnnxInferenceEngine"/> load) and turns what ONNX
    /// Runtime or the engine reject into a profile problem: a shape that does not fit names
    /// <paramref name="shapeField"/>, anything else <c>model.path</c>.
    /// </summary>
    public OnnxInferenceEngine LoadModel(Func<OnnxSessionSettings, OnnxInferenceEngine> load, string shapeField, string? shapeHint = null)
    {
        try
        {
            var engine = load(SessionSettings());
            Overrides.Startup?.Mark(StartupTimeline.ModelLoaded);
            return engine;
        }
        catch (ModelShapeException ex)
        {
            throw Problem(shapeField, shapeHint is null ? ex.Message : $"{ex.Message} ({shapeHint})");
        }
        catch (InvalidDataException ex)
        {
            throw Problem("model.path", ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && (Overrides.OptimizedModelCacheDir is not null || Profile.Model.SavedOptimized is not null))
        {
            // The saved optimized model's folder could not be made or written (a read-only or foreign working folder).
            // The folder may come from the caller rather than the profile: the message names the folder itself.
            throw Problem("model.saved_optimized", $"the saved optimized model cannot be written to {Path.GetFullPath(SessionSettings().OptimizedModelCacheDir!)}: {ex.Message}");
        }
    }

    /// <summary>The loop's settings from the profile's timing and watchdog, with the overrides applied.</summary>
    public ClosedLoopOptions LoopOptions() => LoopSettings.Options(Profile, Overrides);

    /// <summary>A new in-loop watchdog with the profile's policies (the loader has checked every name).</summary>
    public LoopWatchdog NewWatchdog() => LoopSettings.Watchdog(Profile);

    /// <summary>ORT's affinity strings are 1-based core numbers, one per extra thread, cycling through the profile's cores.</summary>
    private static string[] IntraOpAffinity(List<int> cores, int threads)
    {
        var list = new string[threads];
        for (int i = 0; i < threads; i++) list[i] = (cores[i % cores.Count] + 1).ToString(CultureInfo.InvariantCulture);
        return list;
    }
}
