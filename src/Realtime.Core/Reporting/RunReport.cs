using System.Collections.Generic;
using Realtime.Core.Timing;

namespace Realtime.Core.Reporting;

/// <summary>The report of a run: the JSON contract of BENCHMARKS.md (field names are interface: add, never rename).</summary>
public sealed class RunReport
{
    /// <summary>The version of this contract <see cref="SchemaVersion"/> writes (1: the first with run metadata; a report without the field is older).</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The contract's version: a reader (<c>--baseline</c>) knows which fields to expect.</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    /// <summary>When the report was assembled, UTC, ISO 8601 (e.g. 2026-12-04T18:23:41.123Z).</summary>
    public string Timestamp { get; set; } = System.DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    /// <summary>The source commit the binary was built from (null when the build did not record one).</summary>
    public string? Commit { get; set; }
    /// <summary>The ONNX Runtime library's version (null when no model was loaded).</summary>
    public string? OnnxruntimeVersion { get; set; }
    /// <summary>Each model file's SHA-256 (lower-case hex), by file name (null when no model was loaded).</summary>
    public Dictionary<string, string>? ModelSha256 { get; set; }
    /// <summary>Always "rtapp".</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>Version of the binary.</summary>
    public string Version { get; set; } = "";
    /// <summary>Board profile name.</summary>
    public string Board { get; set; } = "";
    /// <summary>Demo name (a run of several applications: their names, comma-separated).</summary>
    public string Demo { get; set; } = "";
    /// <summary>In a section of <see cref="Loops"/>: the loop's name (<c>apps[].name</c>); null in a single loop's report.</summary>
    public string? Loop { get; set; }
    /// <summary>
    /// A run of several applications in one host (<c>apps[]</c>): one section per loop, each shaped as a single
    /// loop's report; the top level then holds the run (outcome, exit code, machine) and the loops' totals
    /// (frames, misses, drops, trips summed; allocations per frame the largest). Null for a single loop.
    /// </summary>
    public List<RunReport>? Loops { get; set; }
    /// <summary>Model file name.</summary>
    public string Model { get; set; } = "";
    /// <summary>periodic, single-stream or max-rate.</summary>
    public string Scenario { get; set; } = "";
    /// <summary>How the run ended: completed, stopped, source-ended, faulted, watchdog-exit, crashed, or refused (wiring failed: a bad model, a missing asset, a connection that does not fit; <see cref="Fault"/> holds the error, exit 2).</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The fault that ended the run, if any.</summary>
    public string? Fault { get; set; }
    /// <summary>
    /// How far start-up got before the run ended: starting, profile-loaded, outputs-safe (a run refused
    /// while wiring, after its outputs were driven safe), wired (model loaded, outputs open at their
    /// safe values), running (the loop ran at least one frame).
    /// </summary>
    public string StartupPhase { get; set; } = "";
    /// <summary>Writes to the outputs that failed (the driver threw); each took the output-failure policy.</summary>
    public int OutputWriteFailures { get; set; }
    /// <summary>The first failed output write's error, if any.</summary>
    public string? OutputError { get; set; }
    /// <summary>The machine the run was on.</summary>
    public MachineInfo Machine { get; set; } = new();
    /// <summary>The scheduling the pipeline thread really got.</summary>
    public SchedulingInfo Scheduling { get; set; } = new();
    /// <summary>In a section of <see cref="Loops"/>: what admission predicted for the loop under the profile's scheduling policy (null when it judged nothing: no timing file).</summary>
    public LoopAdmission? Admission { get; set; }
    /// <summary>In a section of <see cref="Loops"/>: the inference arbiter the loop's model runs go through (loops sharing a core or an accelerator); null when none.</summary>
    public ArbiterReport? InferenceArbiter { get; set; }
    /// <summary>A pipelined loop's stage groups (<c>app.pipeline</c>), each thread as the kernel reports it; null on one thread.</summary>
    public List<PipelineGroupReport>? Pipeline { get; set; }
    /// <summary>Counted frames (after warm-up).</summary>
    public int Frames { get; set; }
    /// <summary>Warm-up frames run before counting.</summary>
    public int WarmupFrames { get; set; }
    /// <summary>Nominal rate.</summary>
    public double RateHz { get; set; }
    /// <summary>Deadline after capture, µs.</summary>
    public long DeadlineUs { get; set; }
    /// <summary>Counted frames whose end-to-end latency exceeded the deadline.</summary>
    public int DeadlineMisses { get; set; }
    /// <summary>Why each miss happened (when the run recorded causes).</summary>
    public MissCauseReport? MissCauses { get; set; }
    /// <summary>The machine and the process sampled over the run (when the run sampled them).</summary>
    public ResourceReport? Resources { get; set; }

    /// <summary>What the flight recorder wrote (<c>--record</c>, <c>--record-on-miss</c>), null when none ran.</summary>
    public Realtime.Core.Recording.RecordingReport? Recording { get; set; }
    /// <summary>Frames lost because the loop fell behind.</summary>
    public long DroppedFrames { get; set; }
    /// <summary>Times the watchdog escalated (consecutive misses).</summary>
    public int WatchdogTrips { get; set; }
    /// <summary>Times the outputs entered the safe state.</summary>
    public int SafeStateEntries { get; set; }
    /// <summary>Counted frames whose command was discarded and the last one held.</summary>
    public int HeldFrames { get; set; }
    /// <summary>Counted frames on which a gate skipped every node of a stage (the held result was used); that stage's time is left out of its percentiles.</summary>
    public int SkippedFrames { get; set; }
    /// <summary>Counted frames whose command came from the fallback controller.</summary>
    public int FallbackFrames { get; set; }
    /// <summary>Counted frames the source failed to deliver (failed, stale or flat); they have no stage timings.</summary>
    public int SourceFaultFrames { get; set; }
    /// <summary>Faults seen by the watchdog over the whole run, by kind (deadline_miss, stage_overrun, stall, source_failure).</summary>
    public Dictionary<string, int> Faults { get; set; } = new();
    /// <summary>What the watchdog did, in order (the first 1024 events).</summary>
    public List<WatchdogEventReport> WatchdogEvents { get; set; } = new();
    /// <summary>The outputs when the run ended.</summary>
    public OutputsAtExit? OutputsAtExit { get; set; }
    /// <summary>The process exit code this run ends with.</summary>
    public int ExitCode { get; set; }
    /// <summary>Managed bytes allocated per counted frame on the pipeline thread.</summary>
    public double AllocBytesPerFrame { get; set; }
    /// <summary>GC collections during the counted frames.</summary>
    public int GcCollections { get; set; }
    /// <summary>GC pause time during the counted frames, ms.</summary>
    public double GcPauseMs { get; set; }
    /// <summary>Cold start split.</summary>
    public ColdStart ColdStartMs { get; set; } = new();
    /// <summary>Per-stage latency of counted frames.</summary>
    public StageSummaries Stages { get; set; } = new();
    /// <summary>Per-stage budget overruns (counted frames), by stage.</summary>
    public Dictionary<string, int> StageBudgetOverruns { get; set; } = new();
    /// <summary>Capture to actuation of counted frames.</summary>
    public LatencySummary EndToEnd { get; set; } = new();
    /// <summary>Capture to actuation of the warm-up frames, reported apart.</summary>
    public LatencySummary WarmupEndToEnd { get; set; } = new();
    /// <summary>Start-to-start jitter against the nominal period (periodic scenario).</summary>
    public JitterSummary? PeriodJitterUs { get; set; }
    /// <summary>The model alone, interleaved with the loop in the same run.</summary>
    public LatencySummary? Floor { get; set; }
    /// <summary>End-to-end set beside the floor.</summary>
    public OverheadVsFloor? OverheadVsFloor { get; set; }
    /// <summary>
    /// Inference runs of the application's models over the whole run, summed over its models (warm-up,
    /// first inference and any floor runs included): the proof of how many times a period the models
    /// ran (0: not recorded). A graph application's <see cref="Nodes"/> give each model's own count.
    /// </summary>
    public long ModelRuns { get; set; }
    /// <summary>Each node's own figures, by node name (a profile's graph application; absent for the demos).</summary>
    public Dictionary<string, Dictionary<string, double>>? Nodes { get; set; }
    /// <summary>The application's own figures (its nodes', through <see cref="Graph.IApplicationMetrics"/>).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("demo_metrics")]
    public ApplicationMetrics Metrics { get; set; } = new();
    /// <summary>Energy per frame and mean power, where the profile configures a power monitor (null otherwise).</summary>
    public PowerReport? Power { get; set; }
    /// <summary>A continuous run's: its percentiles come from histograms, its per-frame figures from the last frames (null in a bounded run).</summary>
    public ContinuousInfo? Continuous { get; set; }
}

/// <summary>One watchdog event.</summary>
public sealed class WatchdogEventReport
{
    /// <summary>Frame index, warm-up included.</summary>
    public int Frame { get; set; }
    /// <summary>Time since the first frame started, ms.</summary>
    public double AtMs { get; set; }
    /// <summary>deadline_miss, stage_overrun, stall, source_failure, or recovered.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The action (the state left, for a recovery).</summary>
    public string Action { get; set; } = "";
}

/// <summary>The outputs at the end of the run: the last thing the loop wrote, and when.</summary>
public sealed class OutputsAtExit
{
    /// <summary>Whether the outputs hold their safe values.</summary>
    public bool Safe { get; set; }
    /// <summary>The command on the outputs, per channel.</summary>
    public float[] Values { get; set; } = System.Array.Empty<float>();
    /// <summary>When the safe state was last written, ms since the first frame started (null: never).</summary>
    public double? SafeWrittenAtMs { get; set; }
    /// <summary>When this report was assembled, ms since the first frame started: after the safe write.</summary>
    public double ReportAtMs { get; set; }
}

/// <summary>The machine.</summary>
public sealed class MachineInfo
{
    /// <summary>Host name.</summary>
    public string Host { get; set; } = "";
    /// <summary>CPU model (/proc/cpuinfo's "model name", or its "Hardware"/"Model" line on boards that have no model name).</summary>
    public string CpuModel { get; set; } = "";
    /// <summary>Online CPU cores.</summary>
    public int Cores { get; set; }
    /// <summary>Kernel release.</summary>
    public string Kernel { get; set; } = "";
    /// <summary>Whether the kernel is PREEMPT_RT.</summary>
    public bool PreemptRt { get; set; }
    /// <summary>Isolated cores (kernel list syntax), empty when none.</summary>
    public string IsolatedCores { get; set; } = "";
    /// <summary>CPU frequency governor of cpu0, null when there is none (written as null: the contract has the field).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? Governor { get; set; }
    /// <summary>CPU architecture.</summary>
    public string Arch { get; set; } = "";
    /// <summary>Cores in nohz_full mode (kernel list syntax), empty when none.</summary>
    public string NohzFull { get; set; } = "";
    /// <summary>RT throttling: runtime real-time tasks may use per period (-1: throttling off).</summary>
    public long? SchedRtRuntimeUs { get; set; }
    /// <summary>RT throttling period.</summary>
    public long? SchedRtPeriodUs { get; set; }
    /// <summary>Thermal zones at the end of the run.</summary>
    public List<ThermalZone> Thermal { get; set; } = new();
}

/// <summary>One thermal zone.</summary>
public sealed class ThermalZone
{
    /// <summary>sysfs name (thermal_zoneN).</summary>
    public string Zone { get; set; } = "";
    /// <summary>What it measures.</summary>
    public string Type { get; set; } = "";
    /// <summary>Temperature, °C.</summary>
    public double TempC { get; set; }
}

/// <summary>The scheduling the pipeline thread really got.</summary>
public sealed class SchedulingInfo
{
    /// <summary>SCHED_FIFO or SCHED_OTHER.</summary>
    public string Policy { get; set; } = "SCHED_OTHER";
    /// <summary>Real-time priority (0 for SCHED_OTHER).</summary>
    public int Priority { get; set; }
    /// <summary>Cores the thread may run on.</summary>
    public int[] Affinity { get; set; } = System.Array.Empty<int>();
    /// <summary>Whether memory is locked.</summary>
    public bool Mlockall { get; set; }
    /// <summary>What was asked and refused, in words.</summary>
    public List<string> Notes { get; set; } = new();
    /// <summary>Value held in /dev/cpu_dma_latency during the run, null when not held.</summary>
    public int? CpuDmaLatencyUs { get; set; }
    /// <summary>The watchdog thread's scheduling.</summary>
    public SchedulingInfo? Watchdog { get; set; }
    /// <summary>The pipeline thread's kernel id (for ps/chrt/taskset).</summary>
    public int? Tid { get; set; }
    /// <summary>Under SCHED_DEADLINE: the reservation's runtime, µs, as sched_getattr reports it (null otherwise).</summary>
    public long? RuntimeUs { get; set; }
    /// <summary>Under SCHED_DEADLINE: the reservation's relative deadline, µs, as sched_getattr reports it.</summary>
    public long? DeadlineUs { get; set; }
    /// <summary>Under SCHED_DEADLINE: the reservation's period, µs, as sched_getattr reports it.</summary>
    public long? PeriodUs { get; set; }
    /// <summary>In a section of <see cref="RunReport.Loops"/>: the profile's <c>scheduling.policy</c> that set this thread (manual, fixed-priority, edf; null: none written).</summary>
    public string? PlannedBy { get; set; }

    /// <summary>In a few words, as the kernel reported it: <c>SCHED_FIFO 80 [1]</c>, or <c>SCHED_DEADLINE 8000/30000/32000 µs [0,1]</c> (runtime/deadline/period).</summary>
    public string Describe() =>
        (RuntimeUs is long runtime ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Policy} {runtime}/{DeadlineUs}/{PeriodUs} µs") : $"{Policy} {Priority}") +
        $" [{string.Join(",", Affinity)}]";
}

/// <summary>One loop's use of the inference arbiter it shares with others.</summary>
public sealed class ArbiterReport
{
    /// <summary>Inferences allowed at once among the loops that share it (<c>scheduling.inference_slots</c>).</summary>
    public int Slots { get; set; }
    /// <summary>The loops sharing it.</summary>
    public List<string> Loops { get; set; } = new();
    /// <summary>Why they share it: a core, or an accelerator.</summary>
    public string Shared { get; set; } = "";
    /// <summary>Slots this loop took (one per inference, warm-up included).</summary>
    public long Acquisitions { get; set; }
    /// <summary>Of those, how many waited for another loop's inference.</summary>
    public long Waits { get; set; }
    /// <summary>This loop's longest wait, µs: bounded by the longest lower-priority inference.</summary>
    public double LongestWaitUs { get; set; }
}

/// <summary>
/// What admission predicted for one loop of several: under fixed priority, the response-time analysis's worst
/// response (execution + blocking + interference) and its margin to the deadline; under EDF, the bound is the
/// deadline itself (the reservation's guarantee once the set passes) and the margin the demand-bound test's least
/// slack on the loop's core.
/// </summary>
public sealed class LoopAdmission
{
    /// <summary>response-time analysis (fixed priority) or demand-bound test (edf).</summary>
    public string Analysis { get; set; } = "";
    /// <summary>The execution time admission took (the calibrated pWCET or maximum of a frame), µs.</summary>
    public double ExecutionUs { get; set; }
    /// <summary>The predicted worst response from release to the end of the frame, µs.</summary>
    public double PredictedWorstResponseUs { get; set; }
    /// <summary>The deadline less the predicted worst response (fixed priority) or the least slack (edf), µs; negative: refused.</summary>
    public double MarginUs { get; set; }
    /// <summary>Whether admission accepted the loop.</summary>
    public bool Schedulable { get; set; }
}

/// <summary>Cold start, ms.</summary>
public sealed class ColdStart
{
    /// <summary>Process start (exec) to the first command on the outputs.</summary>
    public double ProcessToFirstActuation { get; set; }
    /// <summary>Process start to managed Main.</summary>
    public double RuntimeStart { get; set; }
    /// <summary>Model load (session creation and binding).</summary>
    public double ModelLoad { get; set; }
    /// <summary>Of <see cref="ModelLoad"/>, ONNX Runtime's library load and environment creation (the first session of a process pays it).</summary>
    public double OnnxruntimeInit { get; set; }
    /// <summary>Wiring the demo other than the model: profile assets, hash check, video, outputs.</summary>
    public double Wiring { get; set; }
    /// <summary>Starting the pipeline thread and applying its scheduling (affinity, priority, mlockall).</summary>
    public double SchedulingSetup { get; set; }
    /// <summary>First inference.</summary>
    public double FirstInference { get; set; }
    /// <summary>How process start was timed.</summary>
    public string ProcessStartSource { get; set; } = "";
    /// <summary>Process start to every output open at its safe value (before the model loads).</summary>
    public double ProcessToOutputsSafe { get; set; }
    /// <summary>Process start to the watchdog thread running (hardware watchdog and systemd kicked from then on).</summary>
    public double ProcessToWatchdogArmed { get; set; }
    /// <summary>Process start to ONNX Runtime's start beginning on its own thread (after the outputs are safe and the watchdog runs); 0 when it was not started apart.</summary>
    public double ProcessToOnnxruntimeStarted { get; set; }
    /// <summary>Process start to every source node created (the camera's video or device open), beside the model's load.</summary>
    public double ProcessToSourcesOpen { get; set; }
    /// <summary>Process start to the model loaded and bound.</summary>
    public double ProcessToModelLoaded { get; set; }
    /// <summary>Start-up milestones in time order, ms after process start (<c>StartupTimeline</c>'s names).</summary>
    public List<StartupMark>? Timeline { get; set; }
}

/// <summary>One summary per stage.</summary>
public sealed class StageSummaries
{
    /// <summary>Capture.</summary>
    public LatencySummary Capture { get; set; } = new();
    /// <summary>Preprocess.</summary>
    public LatencySummary Preprocess { get; set; } = new();
    /// <summary>Inference.</summary>
    public LatencySummary Infer { get; set; } = new();
    /// <summary>Decode.</summary>
    public LatencySummary Decode { get; set; } = new();
    /// <summary>Control.</summary>
    public LatencySummary Control { get; set; } = new();
    /// <summary>Actuate.</summary>
    public LatencySummary Actuate { get; set; } = new();
}

/// <summary>End-to-end against the model alone.</summary>
public sealed class OverheadVsFloor
{
    /// <summary>End-to-end p50 ÷ floor p50.</summary>
    public double P50Ratio { get; set; }
    /// <summary>End-to-end p99 ÷ floor p99.</summary>
    public double P99Ratio { get; set; }
    /// <summary>End-to-end p50 − floor p50, µs.</summary>
    public double P50DeltaUs { get; set; }
    /// <summary>End-to-end p99 − floor p99, µs.</summary>
    public double P99DeltaUs { get; set; }
}

/// <summary>Percentiles of a plain value.</summary>
public sealed class ValueSummary
{
    /// <summary>Samples.</summary>
    public int Count { get; set; }
    /// <summary>Median.</summary>
    public double P50 { get; set; }
    /// <summary>95th percentile.</summary>
    public double P95 { get; set; }
    /// <summary>Largest.</summary>
    public double Max { get; set; }
    /// <summary>Mean.</summary>
    public double Mean { get; set; }
}

/// <summary>One stage group of a pipelined loop: its nodes, its thread as the kernel reports it, and what it did.</summary>
public sealed class PipelineGroupReport
{
    /// <summary>Its place in the pipeline (0 captures).</summary>
    public int Group { get; set; }
    /// <summary>The nodes it ran.</summary>
    public string[] Nodes { get; set; } = System.Array.Empty<string>();
    /// <summary>The scheduling its thread got (sched_getscheduler, sched_getaffinity), its kernel id in <see cref="SchedulingInfo.Tid"/>.</summary>
    public SchedulingInfo Scheduling { get; set; } = new();
    /// <summary>/proc/self/task/TID/stat as the group's thread read it before its first frame: its policy (field 41: SCHED_FIFO, SCHED_OTHER...), null when unreadable.</summary>
    public string? ProcPolicy { get; set; }
    /// <summary>/proc/self/task/TID/stat's rt_priority (field 40), -1 when unreadable.</summary>
    public int ProcPriority { get; set; } = -1;
    /// <summary>/proc/self/task/TID/stat's processor (field 39): the core the thread was on, -1 when unreadable.</summary>
    public int ProcCore { get; set; } = -1;
    /// <summary>Frames it processed.</summary>
    public long Frames { get; set; }
    /// <summary>Frames it processed after warm-up.</summary>
    public long CountedFrames { get; set; }
    /// <summary>Managed bytes its thread allocated after warm-up.</summary>
    public long AllocatedBytes { get; set; }
    /// <summary>Of those, per counted frame.</summary>
    public double AllocBytesPerFrame { get; set; }
    /// <summary>
    /// Counted frames handed to it that a newer one overwrote before it took them (newest wins); each is in the
    /// run's <c>dropped_frames</c> too, carried by the frame that overtook it.
    /// </summary>
    public long DroppedAtInput { get; set; }
}
