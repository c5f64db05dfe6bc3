using System;

namespace Realtime.Onnx.Components;

/// <summary>
/// What the host asks of every <c>onnx-model</c> node of one application build, beside the node's own
/// config: ONNX Runtime's profiler (<c>rtapp profile</c>) and a saved optimized model (a cold-start
/// choice). The host puts one in the build's <see cref="Realtime.Core.Graph.ComponentContext.Shared{T}"/>
/// before the graph is built; a build without one gets the defaults (neither).
/// </summary>
public sealed class HostSessionSettings
{
    /// <summary>Turn on ONNX Runtime's profiler, each model's trace named with this prefix and its node's name (null: off).</summary>
    public string? ProfilePathPrefix { get; init; }
    /// <summary>Load each model's saved optimized form from this folder, saving it there first when missing (null: optimize at load).</summary>
    public string? OptimizedModelCacheDir { get; init; }
    /// <summary>The format of the saved optimized model.</summary>
    public SavedModelFormat OptimizedModelFormat { get; init; } = SavedModelFormat.Onnx;
}
