using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;

namespace Realtime.Hosting;

/// <summary>A profile's graph application, wired: its loop, its models and what its build owns.</summary>
public sealed class GraphApplicationInstance : IApplicationInstance
{
    private readonly ComponentContext _owned;
    private bool _disposed;

    internal GraphApplicationInstance(string name, BoardProfile profile, GraphLoop loop, IReadOnlyList<ApplicationModel> models, ComponentContext owned)
    {
        Name = name;
        Profile = profile;
        GraphLoop = loop;
        Models = models;
        _owned = owned;
        // The loop has just driven every sink to its safe state: what is on the first one now is its safe command.
        SafeCommand = loop.AppliedTo(0);
        Outputs = new GraphSinks(loop.Graph.Sinks, owned);
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public BoardProfile Profile { get; }
    /// <summary>The graph's loop.</summary>
    public GraphLoop GraphLoop { get; }
    /// <inheritdoc/>
    public IClosedLoop Loop => GraphLoop;
    /// <summary>The graph.</summary>
    public AppGraph Graph => GraphLoop.Graph;
    /// <inheritdoc/>
    public IReadOnlyList<ApplicationModel> Models { get; }
    /// <inheritdoc/>
    public ActuatorCommand SafeCommand { get; }
    /// <summary>The graph's sinks as one set of outputs.</summary>
    public IActuator Outputs { get; }
    /// <summary>The application's figures are its nodes': each that has some (<see cref="IApplicationMetrics"/>) adds them, in the graph's order.</summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        foreach (Node node in Graph.Nodes)
            if (node is IApplicationMetrics m) m.FillMetrics(metrics, records);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { GraphLoop.Dispose(); }
        finally { _owned.Dispose(); }
    }
}
