namespace Realtime.Onnx;

/// <summary>How a session is created: threads, pinning, optimisation.</summary>
public sealed class OnnxSessionSettings
{
    /// <summary>Intra-op threads including the caller (1 = run on the calling thread only).</summary>
    public int IntraOpThreads { get; init; } = 1;
    /// <summary>
    /// Let ORT's pool spin waiting for work. Off by default: a spinning pool steals the core from
    /// whatever shares it (ORT's own default is on).
    /// </summary>
    public bool AllowSpinning { get; init; }
    /// <summary>Cores for the intra-op threads beyond the caller, in ORT's "session.intra_op_thread_affinities" syntax (e.g. "2;3"); null leaves them free.</summary>
    public string? IntraOpThreadAffinities { get; init; }
    /// <summary>Flush denormals to zero (they are slow on most CPUs).</summary>
    public bool DenormalAsZero { get; init; } = true;
}
