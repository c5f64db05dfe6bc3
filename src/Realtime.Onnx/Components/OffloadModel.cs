using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Onnx.Offload;

namespace Realtime.Onnx.Components;

/// <summary>
/// <c>offload-model</c>: an <c>onnx-model</c> (same config, same ports) whose frames go to a KServe
/// v2 server when the server's recent round-trip p99 and the local model's p99 both fit before the
/// frame's result is due; the local model is the fallback for a frame not sent, a late reply and a
/// failed one (<see cref="OffloadClient"/>). Config beside the model's: <c>url</c>
/// (<c>http://HOST:PORT/v2/models/NAME</c>), <c>finish_by_us</c> (when after capture the model's
/// outputs are due; default the loop's deadline less its decode and control budgets),
/// <c>margin_us</c>, <c>window</c>, <c>probe_every</c>, <c>retry_ms</c>, <c>timeout_ms</c>. A model
/// that carries state or takes constants (<c>state</c>, <c>scalars</c>) is not offloaded: a server
/// holds no stream's state.
/// </summary>
public static class OffloadModel
{
    /// <summary>The type name a profile's node gives.</summary>
    public const string TypeName = "offload-model";

    /// <summary>The factory: the local model as <see cref="OnnxModelNode.Create"/> loads it, with the server's client attached.</summary>
    public static OnnxModelNode Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        string url = config.Text("url");
        OffloadTarget? target = null;
        if (config.Has("url") && url.Length > 0)
        {
            target = OffloadTarget.Parse(url, out string? problem);
            if (problem is not null) config.Problem("url", problem);
        }
        var loop = context.Board.App?.Loop;
        long deadlineUs = loop?.DeadlineUs ?? context.Board.Timing.DeadlineUs;
        Dictionary<string, long> budgets = loop?.BudgetsUs ?? context.Board.Timing.BudgetsUs;
        long downstreamUs = budgets.GetValueOrDefault("decode") + budgets.GetValueOrDefault("control");
        int finishByUs = config.Integer("finish_by_us", 1, 60_000_000, (int)Math.Max(1, deadlineUs - downstreamUs));
        int marginUs = config.Integer("margin_us", 0, 10_000_000, 1000);
        int window = config.Integer("window", 1, 1024, 32);
        int probeEvery = config.Integer("probe_every", 1, 1_000_000, 10);
        int retryMs = config.Integer("retry_ms", 1, 3_600_000, 1000);
        int timeoutMs = config.Integer("timeout_ms", 1, 600_000, 2000);
        if (config.Has("state")) config.Problem("state", "an offloaded model cannot carry state (a server holds no stream's state); use onnx-model");
        if (config.Has("ladder")) config.Problem("ladder", "an offloaded model has one local model as its fallback (a ladder picks among local models); use onnx-model for a ladder");
        if (config.Has("batch")) config.Problem("batch", "an offloaded model sends one stream's frame per request; batch streams with onnx-model");
        if (config.Has("scalars")) config.Problem("scalars", "an offloaded model takes every input from a port (the server is sent each one); use onnx-model");

        OnnxModelNode node = OnnxModelNode.Create(name, config, context);
        OnnxInferenceEngine engine = node.Engine;
        var inputs = new OffloadTensor[engine.InputNames.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = new OffloadTensor(engine.InputNames[i], engine.InputTypes[i], engine.InputShapes[i], engine.InputBytes(i).Length);
        var outputs = new OffloadTensor[engine.OutputNames.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = new OffloadTensor(engine.OutputNames[i], engine.OutputTypes[i], engine.OutputShapes[i], engine.OutputBytes(i).Length);
        var client = context.Own(new OffloadClient(new OffloadOptions
        {
            Target = target!,
            Window = window,
            ProbeEvery = probeEvery,
            MarginNs = marginUs * 1000L,
            RetryNs = retryMs * 1_000_000L,
            TimeoutMs = timeoutMs,
        }, inputs, outputs, context.Clock));
        node.AttachOffload(client, finishByUs * 1000L, context.Clock);
        return node;
    }
}
