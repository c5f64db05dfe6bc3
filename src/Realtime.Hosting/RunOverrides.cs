using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Onnx;

namespace Realtime.Hosting;

/// <summary>Overrides of the profile from the command line or a test.</summary>
public sealed class RunOverrides
{
    /// <summary>Counted frames (null: the profile's).</summary>
    public int? Frames { get; init; }
    /// <summary>Warm-up frames (null: the profile's).</summary>
    public int? WarmupFrames { get; init; }
    /// <summary>Scenario (null: periodic).</summary>
    public LoopScenario? Scenario { get; init; }
    /// <summary>Measure the model-alone floor after each frame (an instrument: off unless asked, so production runs the model once per period).</summary>
    public bool MeasureFloor { get; init; }
    /// <summary>Of a graph of several models, the model node whose floor is measured (the bench's --model NODE); null: every model, each alone.</summary>
    public string? FloorModel { get; init; }
    /// <summary>Faults to inject (tests and demos of the watchdog).</summary>
    public FaultPlan? Faults { get; init; }
    /// <summary>Turn on ONNX Runtime's profiler, its trace file named with this prefix (null: off).</summary>
    public string? ProfilePathPrefix { get; init; }
    /// <summary>Load the model's saved optimized form from this folder, saving it there first when missing (null: optimize at load).</summary>
    public string? OptimizedModelCacheDir { get; init; }
    /// <summary>The format of the saved optimized model.</summary>
    public SavedModelFormat OptimizedModelFormat { get; init; } = SavedModelFormat.Onnx;
    /// <summary>Keep the decoded frames of every video the application plays in this folder and play them from there (null: OpenCV decodes at every run).</summary>
    public string? VideoCacheDir { get; init; }
    /// <summary>Where wiring stamps its start-up milestones (outputs safe, model loaded); null: not recorded.</summary>
    public StartupTimeline? Startup { get; set; }
    /// <summary>
    /// Called once, on the wiring thread, with the demo's outputs as soon as every one is open at its
    /// safe value and before the model loads: the runner arms its watchdog here, so a start-up that
    /// hangs in the model load is caught with the outputs already safe.
    /// </summary>
    public Action<IActuator>? OutputsSafe { get; set; }
    /// <summary>
    /// Called once, on the wiring thread, when every node it creates itself (the sources among them)
    /// is created, while the models may still be loading on their own threads: set-up that needs
    /// neither (a measurement: the cost of a page fault) runs here, off the critical path.
    /// </summary>
    public Action? WhileModelsLoad { get; set; }
    /// <summary>The timing file's entry a model ladder takes its rungs' times from (null: the ladders time their rungs at start).</summary>
    public Realtime.Core.Scheduling.LadderTimings? LadderTimings { get; init; }
    /// <summary>The machine speed a model ladder reads (null: the process's, which the run's sampler publishes).</summary>
    public Realtime.Core.Timing.MachineSpeed? Speed { get; init; }
}
