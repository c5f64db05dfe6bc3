using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Components;

/// <summary>
/// <c>select</c>: after a gate, the detections of the path that ran: <c>when_open</c> (the guarded
/// path's) on a frame the gate's <c>open</c> output says it ran, <c>when_closed</c> otherwise (a
/// cascade's cheap result). Config: <c>capacity</c> (1..256, default 8): a connected input that
/// can hold more is refused when the graph starts, naming this field. Its figures count the frames
/// taken from each side.
/// </summary>
public sealed class SelectDetections : Node
{
    private readonly (string Source, string Field)? _configuredAt;
    private long _fromOpen, _fromClosed;

    /// <summary>A selector whose output holds <paramref name="capacity"/> detections.</summary>
    public SelectDetections(string name, int capacity, (string Source, string Field)? configuredAt = null) : base(name, NodeRole.Transform, Stage.Decode)
    {
        _configuredAt = configuredAt;
        Open = Input<ValuePayload<bool>>(GateNode.OpenPort, PayloadType.Value<bool>());
        WhenOpen = Input<DetectionsPayload>("when_open", PayloadType.Detections());
        WhenClosed = Input<DetectionsPayload>("when_closed", PayloadType.Detections());
        Detections = Output("detections", new DetectionsPayload(capacity));
    }

    /// <summary>The gate's decision.</summary>
    public InputPort<ValuePayload<bool>> Open { get; }
    /// <summary>The guarded path's detections.</summary>
    public InputPort<DetectionsPayload> WhenOpen { get; }
    /// <summary>The other path's.</summary>
    public InputPort<DetectionsPayload> WhenClosed { get; }
    /// <summary>This frame's.</summary>
    public OutputPort<DetectionsPayload> Detections { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        int capacity = config.Integer("capacity", 1, 256, 8);
        if (config.Problems.Count > 0) return null!;
        return new SelectDetections(name, capacity, (context.Source, config.Field));
    }

    /// <inheritdoc/>
    public override void Start()
    {
        int room = Detections.Payload.Items.Length;
        foreach (InputPort<DetectionsPayload> input in new[] { WhenOpen, WhenClosed })
        {
            int holds = input.Payload.Items.Length;
            if (holds <= room) continue;
            string why = $"is {room}, but '{input.Source}' holds up to {holds} detections; at least {holds}";
            if (_configuredAt is { } at) throw new Profiles.ProfileException(at.Source, [$"{at.Field}.capacity: {why}"]);
            throw new InvalidOperationException($"node '{Name}': capacity {why}");
        }
    }

    /// <inheritdoc/>
    public override void Process()
    {
        DetectionsPayload from;
        if (Open.Payload.Value) { from = WhenOpen.Payload; _fromOpen++; }
        else { from = WhenClosed.Payload; _fromClosed++; }
        DetectionsPayload to = Detections.Payload;
        from.Current.CopyTo(to.Items);
        to.Count = from.Count;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("from_open", _fromOpen);
        report.Add("from_closed", _fromClosed);
    }
}
