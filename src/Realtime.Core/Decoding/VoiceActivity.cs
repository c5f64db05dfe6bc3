using Realtime.Core.Pipeline;

namespace Realtime.Core.Decoding;

/// <summary>What a voice-activity model said about one audio chunk.</summary>
public struct VoiceActivity
{
    /// <summary>Speech probability, 0..1.</summary>
    public float Probability;
    /// <summary>The chunk's number (the source's sequence).</summary>
    public long Chunk;
}

/// <summary>Reads the speech probability from a voice-activity model's output (Silero VAD: <c>output</c> [1,1]).</summary>
public sealed class VoiceActivityDecoder : IDecoder<VoiceActivity>
{
    private readonly int _output;

    /// <summary>Decodes the output named <paramref name="outputName"/> of <paramref name="engine"/>.</summary>
    public VoiceActivityDecoder(IInferenceEngine engine, string outputName = "output")
    {
        _output = engine.OutputIndex(outputName);
        if (_output < 0) throw new System.ArgumentException($"the model has no output '{outputName}'", nameof(outputName));
        if (engine.Output(_output).Length < 1) throw new System.ArgumentException($"output '{outputName}' is not a float tensor with at least one element", nameof(outputName));
    }

    /// <inheritdoc/>
    public void Decode(IInferenceEngine engine, FrameBuffer frame, ref VoiceActivity result)
    {
        result.Probability = engine.Output(_output)[0];
        result.Chunk = frame.Sequence;
    }
}
