namespace Realtime.Onnx.Components;

/// <summary>
/// Where the graph's model nodes keep saved optimized models (<see cref="OptimizedModelCache"/>),
/// shared by one application build (<c>ComponentContext.Shared</c>): the host puts the command
/// line's <c>--optimized-model</c>/<c>--cache</c> choice there before the graph is built; without
/// one every model is optimized at load, as its profile says.
/// </summary>
public sealed record SavedOptimizedModels(string? CacheDir, SavedModelFormat Format)
{
    /// <summary>No saved models: every model is optimized when it loads.</summary>
    public static readonly SavedOptimizedModels None = new(null, SavedModelFormat.Onnx);
}
