using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// The application a profile's <c>app</c> section composes from registered components: its graph
/// built by the host's <see cref="ComponentRegistry"/> and run by a <see cref="GraphLoop"/> with
/// <c>app.loop</c> over the board's <c>timing</c> and the profile's watchdog, under the same runner
/// as every application (<c>run</c>, <c>check</c>, <c>safe</c>, <c>bundle</c>). Registered under a
/// name (<see cref="RealtimeHost.Add"/>), it is the application a profile's <c>demo</c> field chooses
/// (the face tracker, the voice relay and the line follower are: each one's graph is the profile's
/// <c>app</c> section); unregistered, it runs any profile's <c>app</c> section under the name <see cref="NameFor"/> gives.
/// </summary>
public sealed class GraphApplication : IRealtimeApplication
{
    private readonly ComponentRegistry _components;

    /// <summary>The name reports give a profile's graph application.</summary>
    public const string AppName = "app";

    /// <summary>
    /// The graph application <paramref name="name"/> (default <see cref="AppName"/>) whose node types
    /// come from <paramref name="components"/>.
    /// </summary>
    public GraphApplication(ComponentRegistry components, string name = AppName, string description = "the profile's app section: a graph of registered components")
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(description);
        _components = components;
        Name = name;
        Description = description;
    }

    /// <summary>
    /// Node types a profile's graph must contain to be this application (a named one: a line follower
    /// steers with <c>pure-pursuit</c>); a graph inherited from another application's profile is then
    /// refused by name instead of running under the wrong name.
    /// </summary>
    public IReadOnlyList<string> RequiredTypes { get; init; } = Array.Empty<string>();

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Whether <paramref name="profile"/> composes an application of its own (an <c>app</c> section with nodes).</summary>
    public static bool Composes(BoardProfile profile) => profile?.App is { Nodes.Count: > 0 };

    /// <summary>The name a profile's graph runs under: its <c>demo</c> field, else <see cref="AppName"/>.</summary>
    public static string NameFor(BoardProfile profile) => profile?.Demo is { Length: > 0 } demo ? demo : AppName;

    /// <inheritdoc/>
    public IReadOnlyList<string> ProfileProblems(BoardProfile profile)
    {
        if (!Composes(profile))
            return new[] { $"app: application '{Name}' is a graph of components: the profile needs an app section with its nodes and connections (boards/sim.json has one)" };
        var missing = new List<string>();
        foreach (string type in RequiredTypes)
        {
            bool found = false;
            foreach (var node in profile.App!.Nodes) found |= node.Type == type;
            if (!found) missing.Add($"'{type}'");
        }
        return missing.Count == 0 ? Array.Empty<string>()
            : new[] { $"app: this graph is not application '{Name}''s: it has no {string.Join(" or ", missing)} node (a graph of your own runs under a demo name of its own, e.g. \"demo\": \"my-app\")" };
    }

    /// <inheritdoc/>
    public IApplicationInstance Build(ApplicationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var p = context.Profile;
        var app = p.App ?? throw new ProfileException(context.ProfileSource, new[] { "app: the profile has no app section to run" });
        var overrides = context.Overrides ?? new RunOverrides();
        var components = NewContext(context);
        try
        {
            // The sinks are created first and driven safe before any source, model or other node is
            // created: the outputs are safe (and the watchdog armed) while the models load. The models
            // load on threads of their own beside the sources (onnx-model is a concurrent type): the
            // timeline stamps when the last of each was ready.
            long sourcesOpenNs = 0, modelsLoadedNs = 0;
            AppGraph graph = _components.Build(app, components, created: node =>
            {
                if (node is SourceNode) InterlockedMax(ref sourcesOpenNs, Realtime.Core.Timing.MonotonicClock.NowNs());
                else if (node is Realtime.Onnx.Components.OnnxModelNode) InterlockedMax(ref modelsLoadedNs, Realtime.Core.Timing.MonotonicClock.NowNs());
            }, sinksOpen: sinks =>
            {
                var outputs = new GraphSinks(ToArray(sinks), components);
                outputs.ApplySafeState();
                overrides.Startup?.Mark(Realtime.Core.Reporting.StartupTimeline.OutputsSafe);
                overrides.OutputsSafe?.Invoke(outputs);
            }, whileConcurrentLoad: overrides.WhileModelsLoad);
            var models = new List<ApplicationModel>();
            foreach (Node n in graph.Nodes)
                if (n is Realtime.Onnx.Components.OnnxModelNode m) models.Add(new ApplicationModel(m.Name, m.ModelPath, m.Engine) { Inputs = InputTensors(m) });
            overrides.Startup?.Mark(Realtime.Core.Reporting.StartupTimeline.SourcesOpen, sourcesOpenNs);
            // A graph without a model is "loaded" once its nodes are.
            overrides.Startup?.Mark(Realtime.Core.Reporting.StartupTimeline.ModelLoaded, modelsLoadedNs > 0 ? modelsLoadedNs : Realtime.Core.Timing.MonotonicClock.NowNs());
            GraphLoop loop;
            try
            {
                // Starts the nodes (inputs bound, devices open) and drives every sink to its safe state.
                loop = new GraphLoop(graph, LoopSettings.Options(p, overrides, app.Loop), LoopSettings.Watchdog(p), context.Clock, context.Waiter, app.Pipeline);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or InvalidOperationException or IOException)
            {
                // A node that refuses what it was connected to names its field; the loop's own refusals name the watchdog.
                throw new ProfileException(context.ProfileSource, new[] { ex.Message.StartsWith("app.", StringComparison.Ordinal) ? ex.Message : $"app: {ex.Message}" });
            }
            var instance = new GraphApplicationInstance(Name, p, loop, models, components);
            if (overrides.MeasureFloor && FloorEngines(models, overrides.FloorModel) is { } engines) loop.Attach(new ModelFloor(engines, loop));
            if (overrides.Faults is { } faults)
            {
                if (loop.IsPipelined) throw new ProfileException(context.ProfileSource, new[] { "app.pipeline: fault injection watches every stage of a frame on one thread: leave app.pipeline out to inject faults" });
                loop.Attach(new FaultInjector(faults));
            }
            return instance;
        }
        catch
        {
            components.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds only the graph's sinks (no source, no model, no connection: a missing model or video
    /// does not matter) and returns them as one set of outputs, opened at their safe values.
    /// </summary>
    public IActuator OpenSafeOutputs(ApplicationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var app = context.Profile.App ?? throw new ProfileException(context.ProfileSource, new[] { "app: the profile has no app section" });
        var components = NewContext(context);
        try
        {
            return new GraphSinks(ToArray(_components.BuildSinks(app, components)), components);
        }
        catch
        {
            components.Dispose();
            throw;
        }
    }

    // The model-alone floor runs every model of the graph (or the one named) that can run again alone (one carrying a state cannot); null when none can.
    private static IInferenceEngine[]? FloorEngines(List<ApplicationModel> models, string? only)
    {
        var engines = new List<IInferenceEngine>();
        foreach (var m in models)
            if (!m.Engine.CarriesState && (only is null || m.Name == only)) engines.Add(m.Engine);
        return engines.Count > 0 ? engines.ToArray() : null;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen = Volatile.Read(ref target);
        while (value > seen)
        {
            long was = Interlocked.CompareExchange(ref target, value, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    private static SinkNode[] ToArray(IReadOnlyList<SinkNode> sinks)
    {
        var array = new SinkNode[sinks.Count];
        for (int i = 0; i < array.Length; i++) array[i] = sinks[i];
        return array;
    }

    // What the model node's input ports read: the payloads of the outputs connected to them (every port is connected).
    private static ModelInput[] InputTensors(Realtime.Onnx.Components.OnnxModelNode model)
    {
        var inputs = new ModelInput[model.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = new ModelInput(model.ModelInputName(i), ((InputPort<TensorPayload>)model.Inputs[i]).Payload);
        return inputs;
    }

    private static ComponentContext NewContext(ApplicationContext context)
    {
        var components = new ComponentContext(context.Profile, context.ProfileSource, context.Clock)
        {
            AssetsDirectory = context.AssetsDirectory,
            IsRegularFile = Realtime.Linux.FileNode.IsRegularFile,
            HostClaims = context.HostClaims,
            LoopName = context.LoopName,
        };
        // Every model node of the graph honours the host's session choices (rtapp profile's profiler, a saved optimized model).
        var o = context.Overrides;
        components.Shared(() => new Realtime.Onnx.Components.HostSessionSettings
        {
            ProfilePathPrefix = o?.ProfilePathPrefix,
            OptimizedModelCacheDir = o?.OptimizedModelCacheDir,
            OptimizedModelFormat = o?.OptimizedModelFormat ?? Realtime.Onnx.SavedModelFormat.Onnx,
        });
        // A model ladder's rung times (the timing file's) and the machine's published speed.
        components.Shared(() => o?.LadderTimings ?? Realtime.Core.Scheduling.LadderTimings.None);
        components.Shared(() => o?.Speed ?? Realtime.Core.Timing.MachineSpeed.Process);
        // Every video node plays the decoded frames kept by the host when asked (no OpenCV at start).
        if (o?.VideoCacheDir is string videoCache)
            components.Shared(() => new VideoCacheSettings { Dir = videoCache, Note = text => Log.Warning("video-cache", text) });
        return components;
    }
}
