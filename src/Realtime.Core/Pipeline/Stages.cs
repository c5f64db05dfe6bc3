using System;

namespace Realtime.Core.Pipeline;

/// <summary>What a capture attempt produced.</summary>
public enum CaptureStatus
{
    /// <summary>A new frame is in the slot.</summary>
    Ok,
    /// <summary>The source has no more frames (end of a file that does not loop).</summary>
    Ended,
    /// <summary>The source failed; the loop treats it as a fault.</summary>
    Failed,
}

/// <summary>A camera or sensor that fills a preallocated frame slot.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>Width of the frames this source delivers.</summary>
    int Width { get; }
    /// <summary>Height of the frames this source delivers.</summary>
    int Height { get; }
    /// <summary>Pixel layout of the frames.</summary>
    PixelFormat Format { get; }
    /// <summary>Fills <paramref name="slot"/> with the newest frame and its capture timestamp. Must not allocate.</summary>
    CaptureStatus Capture(FrameBuffer slot);
}

/// <summary>Turns a frame into the model's input tensor in one pass. Must not allocate.</summary>
public interface IPreprocessor
{
    /// <summary>Writes the tensor for <paramref name="frame"/> into <paramref name="tensor"/>.</summary>
    void Process(FrameBuffer frame, Span<float> tensor);
}

/// <summary>A model bound once to preallocated input and output memory.</summary>
public interface IInferenceEngine : IDisposable
{
    /// <summary>The bound input tensor, written in place by the preprocessor.</summary>
    Span<float> Input { get; }
    /// <summary>Runs the model on the bound input into the bound outputs. Must not allocate.</summary>
    void Run();
    /// <summary>The bound output tensor at <paramref name="index"/>.</summary>
    ReadOnlySpan<float> Output(int index);
    /// <summary>Index of the output named <paramref name="name"/>, or -1.</summary>
    int OutputIndex(string name);
    /// <summary>
    /// Whether a run carries state into the next (a recurrent model): then the model cannot be run
    /// again alone on the same frame, so no floor is measured beside it.
    /// </summary>
    bool CarriesState => false;
}

/// <summary>Turns raw model outputs into a small result struct. Must not allocate.</summary>
public interface IDecoder<TResult> where TResult : struct
{
    /// <summary>Decodes the engine's current outputs for the frame into <paramref name="result"/>.</summary>
    void Decode(IInferenceEngine engine, FrameBuffer frame, ref TResult result);
}

/// <summary>Turns an observation into the next actuator command. Must not allocate.</summary>
public interface IController<TResult> where TResult : struct
{
    /// <summary>
    /// Computes <paramref name="next"/> from the observation and the command now on the outputs
    /// (so a held or safe command is the base of the next step).
    /// </summary>
    void Update(in TResult observation, in ActuatorCommand applied, ref ActuatorCommand next);
}

/// <summary>Drives the outputs. Must not allocate.</summary>
public interface IActuator : IDisposable
{
    /// <summary>Number of channels the command carries.</summary>
    int Channels { get; }
    /// <summary>Writes a command to the outputs.</summary>
    void Apply(in ActuatorCommand command);
    /// <summary>Drives every output to its safe value and returns that command.</summary>
    ActuatorCommand ApplySafeState();
}
