using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>The built-in components that need nothing but Core.</summary>
public static class CoreComponents
{
    /// <summary>Registers Core's built-in components.</summary>
    public static ComponentRegistry AddCoreComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("wav-source", WavSource.Create, "a mono 16-bit WAV recording, one audio chunk per frame");
        r.Register("crop", Crop.Create, "a region of an image, as an image");
        r.Register("audio-tensor", AudioTensor.Create, "an audio chunk (after the last samples of the one before) as a model's input tensor");
        r.Register("imu-tensor", ImuTensor.Create, "an IMU sample as a model's input tensor");
        r.Register("mlsd-segments", MlsdSegments.Create, "M-LSD's outputs as line segments in image pixels");
        r.Register("vad-probability", VadProbability.Create, "a voice-activity model's speech probability as a value");
        r.Register("top-k", TopK.Create, "a classifier's k best classes as detections");
        r.Register("pid", PidController.Create, "a PID on one channel, toward a set point of a value or a detection's centre");
        r.Register("pure-pursuit", PurePursuit.Create, "two wheel commands following the line segments on the floor ahead");
        return r;
    }
}
