using Microsoft.ML.OnnxRuntime;

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
    /// <summary>
    /// Turn on ONNX Runtime's profiler: it writes a Chrome-trace JSON file whose name starts with
    /// this prefix (one event per operator per run); null leaves it off. See <see cref="OnnxInferenceEngine.EndProfiling"/>.
    /// </summary>
    public string? ProfilePathPrefix { get; init; }
    /// <summary>
    /// Where an <see cref="OptimizedModelCache"/> keeps saved optimized models; null loads the
    /// original model and optimizes it at every start.
    /// </summary>
    public string? OptimizedModelCacheDir { get; init; }
    /// <summary>The format of the saved optimized model, when <see cref="OptimizedModelCacheDir"/> is set.</summary>
    public SavedModelFormat OptimizedModelFormat { get; init; } = SavedModelFormat.Onnx;

    /// <summary>
    /// The session options these settings mean (the caller owns and disposes them): sequential
    /// execution, every graph optimization, the intra-op pool not spinning unless asked, ORT's
    /// warnings silenced (errors still show), profiling when asked.
    /// </summary>
    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // ORT's warnings (e.g. unused initializers it removes) are noise to a user; errors still show.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        if (DenormalAsZero) options.AddSessionConfigEntry("session.set_denormal_as_zero", "1");
        if (IntraOpThreadAffinities is not null) options.AddSessionConfigEntry("session.intra_op_thread_affinities", IntraOpThreadAffinities);
        if (ProfilePathPrefix is not null)
        {
            // The prefix first: setting EnableProfiling hands ORT the prefix it holds at that moment,
            // and a prefix set afterwards is silently ignored (the trace lands in the working folder).
            options.ProfileOutputPathPrefix = ProfilePathPrefix;
            options.EnableProfiling = true;
        }
        return options;
    }
}

/// <summary>The file format ONNX Runtime saves an optimized model in.</summary>
public enum SavedModelFormat
{
    /// <summary>An ONNX protobuf file (.onnx) holding the optimized graph.</summary>
    Onnx,
    /// <summary>ONNX Runtime's own flatbuffer format (.ort), made for minimal builds and fast loads.</summary>
    Ort,
}
