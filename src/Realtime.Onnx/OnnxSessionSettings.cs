using System;
using Microsoft.ML.OnnxRuntime;

namespace Realtime.Onnx;

/// <summary>How a session is created: threads, pinning, optimisation.</summary>
public sealed class OnnxSessionSettings
{
    /// <summary>
    /// Intra-op threads including the caller (1 = run on the calling thread only; 0 = ONNX
    /// Runtime's own choice, one per physical core).
    /// </summary>
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
    /// <summary>How much ONNX Runtime rewrites the graph at load (ORT's default and ours: every optimization).</summary>
    public GraphOptimizationLevel GraphOptimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;
    /// <summary>Plan the intermediate tensors' memory once from the first run's shapes and reuse the plan (ORT's default: on).</summary>
    public bool MemoryPattern { get; init; } = true;
    /// <summary>Keep freed CPU buffers in ONNX Runtime's arena for reuse instead of returning them to malloc (ORT's default: on).</summary>
    public bool CpuArena { get; init; } = true;
    /// <summary>
    /// Leave ONNX Runtime's threading alone: its intra-op pool sized by ORT (one thread per physical
    /// core) and spinning, as a user who sets nothing gets. <see cref="IntraOpThreads"/> and
    /// <see cref="AllowSpinning"/> are then ignored. For the bench's baseline lane.
    /// </summary>
    public bool OrtThreadingDefaults { get; init; }

    /// <summary>The graph optimization levels a model node's <c>graph_optimization</c> may name, lowest first (ONNX Runtime's disable-all, basic, extended, all).</summary>
    public static readonly string[] GraphOptimizationNames = { "disabled", "basic", "extended", "all" };

    /// <summary>The level a profile names ("disabled", "basic", "extended", "all"); null for any other name.</summary>
    public static GraphOptimizationLevel? ParseGraphOptimization(string? name) => name switch
    {
        "disabled" => GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
        _ => null,
    };

    /// <summary>The profile's name for <paramref name="level"/> (the inverse of <see cref="ParseGraphOptimization"/>).</summary>
    public static string GraphOptimizationName(GraphOptimizationLevel level) => level switch
    {
        GraphOptimizationLevel.ORT_DISABLE_ALL => "disabled",
        GraphOptimizationLevel.ORT_ENABLE_BASIC => "basic",
        GraphOptimizationLevel.ORT_ENABLE_EXTENDED => "extended",
        GraphOptimizationLevel.ORT_ENABLE_ALL => "all",
        _ => level.ToString(),
    };
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
    /// The model file's SHA-256 when the caller has just checked the file against it (a profile's
    /// pin): it names the saved optimized model without the file being hashed again. Null: hashed
    /// when a saved model is looked for.
    /// </summary>
    public string? ModelSha256 { get; init; }

    /// <summary>
    /// The session options these settings mean (the caller owns and disposes them): sequential
    /// execution, the graph optimization, memory pattern and arena asked for, the intra-op pool not
    /// spinning unless asked, ORT's warnings silenced (errors still show), profiling when asked.
    /// </summary>
    public SessionOptions CreateSessionOptions()
    {
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "intra-op threads must be 0 (ORT's choice) or more");
        var options = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimization,
            EnableMemoryPattern = MemoryPattern,
            EnableCpuMemArena = CpuArena,
            // ORT's warnings (e.g. unused initializers it removes) are noise to a user; errors still show.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (!OrtThreadingDefaults)
        {
            options.IntraOpNumThreads = IntraOpThreads;
            options.InterOpNumThreads = 1;
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
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
