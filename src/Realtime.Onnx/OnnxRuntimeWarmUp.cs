using System;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Realtime.Core.Timing;
using Realtime.Onnx.Interop;

namespace Realtime.Onnx;

/// <summary>
/// Starts ONNX Runtime — loading libonnxruntime (tens of MB to map and relocate) and creating its
/// process-wide environment, most of a small model's load — on a thread of its own, so that it
/// overlaps whatever the process does before it loads a model (profile, outputs, watchdog, camera).
/// The first <see cref="OnnxInferenceEngine.Load(string, OnnxBinding, OnnxSessionSettings?)"/>
/// then waits only for what is left (<see cref="OrtEnv.Instance"/> is created once, under a lock).
/// </summary>
public static class OnnxRuntimeWarmUp
{
    /// <summary>ONNX Runtime's own switch for its telemetry on Linux (1.29 and later).</summary>
    public const string TelemetryVariable = "ORT_DISABLE_TELEMETRY";

    private static int _started;
    private static Thread? _thread;
    private static long _startNs, _readyNs;
    private static string? _error;

    /// <summary>
    /// Starts the warm-up once per process (later calls do nothing). Call it first thing, before
    /// other threads read the environment, or call <see cref="QuietTelemetry"/> then. Unless <see cref="TelemetryVariable"/> is set already,
    /// it is set to 1: ONNX Runtime's telemetry would otherwise start an uploader thread, write a
    /// device id and a database under ~/.cache and try the network during start-up, none of which
    /// a device under deadlines wants. A failure here is kept, not thrown: the model load meets the
    /// same failure and reports it with the model's name.
    /// </summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        QuietTelemetry();
        Volatile.Write(ref _startNs, MonotonicClock.NowNs());
        // ONNX Runtime's start-up runs C++ static initialisers: the main thread's stack size, not a small one.
        var t = new Thread(Run, 8 << 20) { Name = "ort-warmup", IsBackground = true };
        Volatile.Write(ref _thread, t);
        t.Start();
    }

    /// <summary>
    /// Sets <see cref="TelemetryVariable"/> to 1 unless it is set already (a value the user gave
    /// wins), without starting anything. A command that starts the warm-up later (after the outputs
    /// are safe) calls this first thing instead: setenv is not safe once other threads may read the
    /// environment.
    /// </summary>
    public static void QuietTelemetry() => NativeEnvironment.SetEnv(TelemetryVariable, "1", 0);

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) for a started warm-up to end; returns at once when
    /// none was started. A process must call it before it exits: leaving while another thread is
    /// still inside ONNX Runtime's library load runs the library's exit handlers under it, and the
    /// process dies with SIGSEGV instead of its exit code (an early exit for bad input did).
    /// </summary>
    public static bool WaitUntilDone(TimeSpan timeout) => Volatile.Read(ref _thread) is not Thread t || t.Join(timeout);

    /// <summary>Monotonic time the warm-up started, ns (0: it was not started).</summary>
    public static long StartedNs => Volatile.Read(ref _startNs);

    /// <summary>Monotonic time ONNX Runtime's environment was ready (or its creation failed), ns (0: not yet, or never started).</summary>
    public static long ReadyNs => Volatile.Read(ref _readyNs);

    /// <summary>Why the warm-up failed, or null (the model load reports the same failure in context).</summary>
    public static string? Error => Volatile.Read(ref _error);

    private static void Run()
    {
        try
        {
            OrtEnv.Instance();
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _error, ex.Message);
        }
        Volatile.Write(ref _readyNs, MonotonicClock.NowNs());
    }
}
