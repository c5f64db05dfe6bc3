using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Realtime.Core.Reporting;

namespace Realtime.Bench.Tests;

/// <summary>A bench report is the run report's JSON contract (shared/BENCHMARKS.md) plus its own fields, never instead of them.</summary>
public sealed class BenchReportJsonTests
{
    private static readonly string[] ContractFields =
    {
        "tool", "version", "board", "demo", "model", "scenario", "machine.cores", "machine.kernel", "machine.preempt_rt", "machine.isolated_cores", "machine.governor",
        "scheduling.policy", "scheduling.priority", "scheduling.affinity", "scheduling.mlockall", "scheduling.notes",
        "frames", "warmup_frames", "rate_hz", "deadline_us", "deadline_misses", "dropped_frames", "watchdog_trips", "safe_state_entries",
        "alloc_bytes_per_frame", "gc_collections", "cold_start_ms.process_to_first_actuation", "cold_start_ms.model_load", "cold_start_ms.first_inference",
        "overhead_vs_floor.p50_ratio", "overhead_vs_floor.p99_ratio", "demo_metrics",
    };

    private static readonly string[] PFields = { "count", "p50_us", "p90_us", "p95_us", "p99_us", "p999_us", "max_us", "mean_us" };

    private static JsonElement Field(JsonElement root, string dotted)
    {
        JsonElement e = root;
        foreach (string part in dotted.Split('.'))
            Assert.True(e.ValueKind == JsonValueKind.Object && e.TryGetProperty(part, out e), $"the bench report has no field '{dotted}'");
        return e;
    }

    private static (JsonElement Root, RunReport Report) Bench(BenchScenario scenario, int frames)
    {
        using var target = BenchPipelines.FaceTracker(scenario, frames, 5, p =>
        {
            p.Timing.RateHz = 100;
            p.Timing.DeadlineUs = 9000;
            p.Timing.BudgetsUs.Clear();
        });
        var run = BenchPipelines.Run(target, scenario);
        var report = new RunReport { Version = "0.1.0", Board = "sim" };
        var extras = BenchReports.Fill(report, run, target, new Dictionary<string, long>());
        extras.StampCost = StampCost.Measure(10_000, 3);
        return (JsonDocument.Parse(BenchReports.ToJson(report, extras)).RootElement.Clone(), report);
    }

    [Theory]
    [InlineData(BenchScenario.SingleStream, "single-stream")]
    [InlineData(BenchScenario.Periodic, "periodic")]
    [InlineData(BenchScenario.MaxRate, "max-rate")]
    public void EveryScenarioWritesTheContractFieldsThenTheBenchsOwn(BenchScenario scenario, string name)
    {
        var (root, report) = Bench(scenario, 40);
        foreach (string f in ContractFields) Field(root, f);
        foreach (string owner in new[] { "stages.capture", "stages.preprocess", "stages.infer", "stages.decode", "stages.control", "stages.actuate", "end_to_end", "floor" })
            foreach (string p in PFields) Field(root, owner + "." + p);
        Assert.Equal(name, Field(root, "scenario").GetString());
        Assert.Equal("face-tracker", Field(root, "demo").GetString());
        Assert.Equal(40, Field(root, "frames").GetInt32());
        Assert.Equal(5, Field(root, "warmup_frames").GetInt32());
        Assert.Equal(40, Field(root, "end_to_end.count").GetInt32());
        Assert.Equal(40, Field(root, "floor.count").GetInt32());
        Assert.Equal(5, Field(root, "warmup_end_to_end.count").GetInt32());
        Assert.Equal(0, Field(root, "alloc_bytes_per_frame").GetDouble());
        Assert.True(Field(root, "throughput_fps").GetDouble() > 0);
        Assert.Equal(3, Field(root, "bench.stamp_cost.repetitions").GetInt32());
        Assert.Equal(5, Field(root, "bench.warmup_stages.infer.count").GetInt32());
        Assert.Equal(scenario == BenchScenario.Periodic, root.TryGetProperty("period_jitter_us", out _));
        Assert.Contains(scenario == BenchScenario.MaxRate ? "blocks" : "per frame", Field(root, "bench.floor_mode").GetString());
        // The shares of end-to-end add up to 100 %.
        double sum = Field(root, "bench.stage_share_of_end_to_end_pct").EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.InRange(sum, 99.9, 100.1);
        Assert.Equal(report.DeadlineMisses, Field(root, "deadline_misses").GetInt32());
    }
}
