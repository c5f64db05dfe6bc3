using Realtime.Core.Graph;

namespace Realtime.Models.Components;

/// <summary>The built-in components that read a model family's outputs (one registration line each): Core knows no model family.</summary>
public static class ModelsComponents
{
    /// <summary>Registers the model-family component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddModelsComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("mlsd-segments", MlsdSegments.Create, "M-LSD's outputs as line segments in image pixels");
        return r;
    }
}
