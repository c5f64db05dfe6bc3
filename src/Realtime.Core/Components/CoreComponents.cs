using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>The built-in components that need nothing but Core (one registration line each).</summary>
public static class CoreComponents
{
    /// <summary>Registers Core's component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddCoreComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("image-preprocess", (name, config, _) => new ImagePreprocessNode(name, config), "image → float tensor: letterbox or stretch, normalisation, NCHW/NHWC, RGB/BGR");
        r.Register("ssd-decoder", (name, config, _) => new SsdAnchorDecoderNode(name, config), "SSD anchor outputs (scores_i, boxes_i) → detections; anchor layout from the tensors' shapes");
        r.Register("threshold", (name, config, _) => new ThresholdControllerNode(name, config), "detections or a value → on/off command with hysteresis");
        return r;
    }
}
