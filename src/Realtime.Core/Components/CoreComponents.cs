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
        r.Register("wav-source", WavSource.Create, "a mono 16-bit WAV recording, one audio chunk per frame",
            files: ReferencedFile.Fields("path"));
        r.Register("crop", Crop.Create, "a region of an image, as an image");
        r.Register("audio-tensor", AudioTensor.Create, "an audio chunk (after the last samples of the one before) as a model's input tensor");
        r.Register("imu-tensor", ImuTensor.Create, "an IMU sample as a model's input tensor");
        r.Register("vad-probability", VadProbability.Create, "a voice-activity model's speech probability as a value");
        r.Register("top-k", TopK.Create, "a classifier's k best classes as detections");
        r.Register("pid", PidController.Create, "a PID on one channel, toward a set point of a value or a detection's centre");
        r.Register("return-to-safe", ReturnToSafeNode.Create, "a fallback controller walking every channel back to the sink's safe command, a step per frame");
        r.Register("pure-pursuit", PurePursuit.Create, "two wheel commands following the line segments on the floor ahead");
        r.Register("change-gate", ChangeGate.Create, "skips the nodes it guards while the preprocessed tensor has not changed (mean absolute difference), at most max_skips frames in a row");
        r.Register("cascade", Cascade.Create, "runs the nodes it guards (an expensive model) only when a cheap model's best score is in a band, or every Nth frame");
        r.Register("select", SelectDetections.Create, "after a gate: the guarded path's detections on a frame it ran, the other's otherwise");
        r.Register("detection-agreement", DetectionAgreement.Create, "a result against the full model's on every frame: presence agreement and IoU (the accuracy a gate costs)");
        return r;
    }
}
