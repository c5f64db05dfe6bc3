using Realtime.Core.Audio;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>
/// <c>audio-tensor</c>: an audio chunk into a streaming model's input, float32
/// [1, context + chunk]: the last <c>context</c> samples of the previous chunk, then the chunk, times
/// <c>gain</c> (Silero VAD at 16 kHz: 64 + 512). Config: <c>chunk</c> (the source's chunk; default
/// 512), <c>context</c> (0..chunk; default 64), <c>gain</c> (default 1), <c>sample_rate_hz</c> (0:
/// any; default 0). A chunk of another size or rate is refused when the graph is built.
/// </summary>
public sealed class AudioTensor : Node
{
    private readonly AudioChunkPreprocessor _pass;
    private long _chunks;

    /// <summary>A pass for <paramref name="chunk"/> samples after <paramref name="context"/> old ones.</summary>
    public AudioTensor(string name, int chunk, int context, float gain, int sampleRateHz = 0) : base(name, NodeRole.Transform)
    {
        _pass = new AudioChunkPreprocessor(chunk, context, gain);
        Audio = Input<AudioPayload>("audio", PayloadType.Audio(sampleRateHz, chunk));
        Tensor = Output("tensor", new TensorPayload(TensorElement.Float32, 1, _pass.TensorLength));
    }

    /// <summary>The chunk.</summary>
    public InputPort<AudioPayload> Audio { get; }
    /// <summary>The model's input.</summary>
    public OutputPort<TensorPayload> Tensor { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        int chunk = config.Integer("chunk", 16, 65_536, 512);
        int ctx = config.Integer("context", 0, 65_536, 64);
        float gain = (float)config.Number("gain", -1000, 1000, 1);
        int rate = config.Integer("sample_rate_hz", 0, 192_000, 0);
        if (ctx > chunk) config.Problem("context", $"must be at most the chunk ({chunk}), got {ctx}");
        return config.Problems.Count > 0 ? null! : new AudioTensor(name, chunk, ctx, gain, rate);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        AudioPayload audio = Audio.Payload;
        _pass.Process(audio.Samples, Tensor.Payload.Floats);
        Tensor.Payload.CaptureNs = audio.CaptureNs;
        _chunks++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report) => report.Add("chunks", _chunks);
}
