namespace Realtime.Hosting;

/// <summary>The exit codes of a hosted application, which a supervisor (systemd) can tell apart.</summary>
public static class ExitCodes
{
    /// <summary>The run completed, its source ended, or SIGINT/SIGTERM stopped it.</summary>
    public const int Ok = 0;
    /// <summary>A stage crashed (or an output write failed under an <c>exit</c> policy).</summary>
    public const int Fault = 1;
    /// <summary>Bad input: an option, the profile, an asset, or a report destination.</summary>
    public const int BadInput = 2;
    /// <summary>The watchdog's <c>exit</c> policy: deadline misses.</summary>
    public const int DeadlineMisses = 3;
    /// <summary>The watchdog's <c>exit</c> policy: a stage overran its budget.</summary>
    public const int StageOverrun = 4;
    /// <summary>The watchdog's <c>exit</c> policy: the loop stalled.</summary>
    public const int Stall = 5;
    /// <summary>The watchdog's <c>exit</c> policy: the source failed.</summary>
    public const int SourceFailure = 6;
    /// <summary>The run ended well, but its report could not be written (the summary was printed).</summary>
    public const int ReportNotWritten = 7;
    /// <summary>The installation lacks what the binary needs to run (ONNX Runtime's native library); outputs were left safe.</summary>
    public const int Installation = 8;
    /// <summary><c>rtapp bench --slo</c>: the run did not meet the latency objective.</summary>
    public const int SloMissed = 9;
    /// <summary><c>rtapp bench --slo</c>: the run met the objective's percentile with too few frames to claim it (LoadGen's early-stopping rule); the message says how many are needed.</summary>
    public const int SloTooFewFrames = 10;
}
