using System;
using System.IO;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>The README's face tracker (the sim board's app graph) through the published NativeAOT binary, judged by its JSON report.</summary>
public sealed class FaceTrackerGraphRunTests
{
    [Fact]
    public void TheSimDemoRunsEveryFrameAllocatesNothingAndHoldsTheFaceNearTheCentre()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", "sim", "--demo", "face-tracker", "--frames", "300", "--floor", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("end-to-end", r.Stdout);
        Assert.Contains("Tracking:", r.Stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("rtapp", j.GetProperty("tool").GetString());
        Assert.Equal("sim", j.GetProperty("board").GetString());
        Assert.Equal("face-tracker", j.GetProperty("demo").GetString());
        Assert.Equal("periodic", j.GetProperty("scenario").GetString());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(300, j.GetProperty("frames").GetInt32());
        Assert.Equal(30, j.GetProperty("warmup_frames").GetInt32());
        foreach (string stage in new[] { "capture", "preprocess", "infer", "decode", "control", "actuate" })
            Assert.Equal(300, j.GetProperty("stages").GetProperty(stage).GetProperty("count").GetInt32());
        Assert.Equal(300, j.GetProperty("end_to_end").GetProperty("count").GetInt32());
        // The floor, asked for with --floor: the model alone once per frame beside the loop.
        Assert.Equal(300, j.GetProperty("floor").GetProperty("count").GetInt32());
        Assert.Equal(2 * (300 + 30), j.GetProperty("model_runs").GetInt64());
        Assert.True(j.GetProperty("overhead_vs_floor").GetProperty("p50_ratio").GetDouble() > 0);

        // Misses are counted, not hidden: the count is in range and matches the summary line.
        int misses = j.GetProperty("deadline_misses").GetInt32();
        Assert.InRange(misses, 0, 300);
        Assert.Contains($"Deadline misses: {misses} of 300", r.Stdout);
        Assert.True(j.GetProperty("dropped_frames").GetInt64() >= 0);

        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());

        // Settled tracking: median distance of the face from the centre under a quarter of the 320 px window.
        var demo = j.GetProperty("demo_metrics");
        Assert.Equal(320, demo.GetProperty("image_width_px").GetInt32());
        Assert.True(demo.GetProperty("frames_with_target").GetInt32() >= 200, demo.ToString());
        double p50 = demo.GetProperty("tracking_error_px").GetProperty("p50").GetDouble();
        Assert.True(p50 < 320 / 4.0, $"median tracking error {p50} px");

        var cold = j.GetProperty("cold_start_ms");
        Assert.Contains("launcher", cold.GetProperty("process_start_source").GetString());
        double first = cold.GetProperty("process_to_first_actuation").GetDouble();
        Assert.True(first > cold.GetProperty("model_load").GetDouble(), cold.ToString());
        Assert.True(cold.GetProperty("first_inference").GetDouble() > 0);

        // The scheduling block says what the kernel gave: SCHED_FIFO 80 on core 1 here (root), or why not.
        var sched = j.GetProperty("scheduling");
        if (sched.GetProperty("policy").GetString() == "SCHED_FIFO")
        {
            Assert.Equal(80, sched.GetProperty("priority").GetInt32());
            var affinity = sched.GetProperty("affinity");
            Assert.Equal(1, affinity.GetArrayLength());
            Assert.Equal(1, affinity[0].GetInt32());
        }
        else
        {
            Assert.Contains("SCHED_FIFO", sched.GetProperty("notes").GetRawText());
        }
        Assert.True(j.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
    }

    [Fact]
    public void BoardsListsTheBuiltInProfilesAndVersionPrints()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "boards");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("sim ", r.Stdout);
        Assert.Contains("rpi5 ", r.Stdout);
        Assert.DoesNotContain("(invalid)", r.Stdout);
        var v = Rtapp.Run(TimeSpan.FromSeconds(30), "--version");
        Assert.Matches(@"^rtapp \d+\.\d+\.\d+", v.Stdout);
    }

    [Fact]
    public void ThePublishLogHoldsNoWarning()
    {
        string log = Path.Combine(Realtime.Tests.TestAssets.RepoRoot, "out", "rtapp-publish.log");
        Assert.True(File.Exists(log), $"{log} is missing: scripts/build.sh writes it");
        foreach (string line in File.ReadAllLines(log))
        {
            Assert.DoesNotContain(": warning ", line);
            Assert.DoesNotMatch(@"\bIL\d{4}\b", line);
        }
        Assert.Contains("Generating native code", File.ReadAllText(log));
    }
}
