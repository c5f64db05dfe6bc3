using System;
using System.IO;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>The line follower through the published NativeAOT binary, judged by its JSON report.</summary>
public sealed class LineFollowerDemoRunTests
{
    /// <summary>The cross-track bound the demo promises on its track (the in-process test asserts the same).</summary>
    private const double CrossTrackBoundCm = 4.0;

    [Fact]
    public void TheSimLineFollowerDrivesALapWithinTheCrossTrackBoundAndAllocatesNothing()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "report.json");
        // Periodic at the profile's 10 Hz: 450 frames is 45 s of run time.
        var r = Rtapp.Run(TimeSpan.FromMinutes(4), "run", "--board", "sim", "--demo", "line-follower", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Line: found in", r.Stdout);
        Assert.Contains("Lap: completed", r.Stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("line-follower", j.GetProperty("demo").GetString());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        int frames = j.GetProperty("frames").GetInt32();
        Assert.Equal(450, frames);
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());
        int misses = j.GetProperty("deadline_misses").GetInt32();
        Assert.Contains($"Deadline misses: {misses} of {frames}", r.Stdout);

        var d = j.GetProperty("demo_metrics");
        Assert.True(d.GetProperty("lap_completed").GetBoolean(), d.ToString());
        double lap = d.GetProperty("lap_time_s").GetDouble();
        Assert.InRange(lap, 20, 45);
        var xte = d.GetProperty("cross_track_error_cm");
        Assert.Equal(frames, xte.GetProperty("count").GetInt32());
        Assert.True(xte.GetProperty("max").GetDouble() < CrossTrackBoundCm, xte.ToString());
        Assert.True(d.GetProperty("cross_track_error_px").GetProperty("max").GetDouble() > 0);
        Assert.True(d.GetProperty("frames_with_target").GetInt32() >= frames * 9 / 10, d.ToString());
        Assert.Equal(320, d.GetProperty("image_width_px").GetInt32());
    }

    [Fact]
    public void BenchVariantsMlsdComparesTinyWithLargeOnRealData()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "variants.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "bench", "--variants", "mlsd", "--data-frames", "8", "--warmup", "1", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("mlsd-tiny against mlsd-large", r.Stdout);
        // Each lane is the line follower's graph, its robot placed round the track (an open loop), its steering's gate off.
        Assert.Contains("through the line-follower graph on 8 frames of 'line-follower''s robot from poses placed round the track", r.Stdout);
        Assert.Contains("app.nodes[robot].config.placed_poses=8 app.nodes[steering].config.gate_cm=0", r.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var v = doc.RootElement.GetProperty("variants");
        Assert.Equal("mlsd-large", v[0].GetProperty("name").GetString());
        Assert.Equal("mlsd-tiny", v[1].GetProperty("name").GetString());
        Assert.Equal(8, v[1].GetProperty("infer").GetProperty("count").GetInt32());
        Assert.True(v[1].GetProperty("lines").GetProperty("line_both_found").GetInt32() >= 7, doc.RootElement.ToString());
        Assert.True(v[1].GetProperty("lines").GetProperty("offset_diff_cm_p95").GetDouble() < 2.5, doc.RootElement.ToString());
    }

    [Fact]
    public void BenchVariantsMlsdTakesALineFollowersRecordingInPlaceOfItsCamera()
    {
        // rtapp record keeps the robot standing (its motors at stop): the same view of the line in every frame.
        string dir = Rtapp.TempDir();
        string frames = Path.Combine(dir, "robot.mcap");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "record", frames, "--board", "sim", "--demo", "line-follower", "--frames", "6", "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        string report = Path.Combine(dir, "variants.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(3), "bench", "--variants", "mlsd", "--frames-from", frames, "--warmup", "1", "--no-rt", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("app.nodes[robot].type=bench-recorded-frames app.nodes[robot].config=null app.nodes[steering].config.gate_cm=0", r.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.StartsWith("robot.mcap (320×320, 6 frames of 'line-follower''s robot, recorded)", doc.RootElement.GetProperty("data").GetString());
        var v = doc.RootElement.GetProperty("variants");
        Assert.Equal(6, v[1].GetProperty("infer").GetProperty("count").GetInt32());
        // The robot stands on the line at its start: both find it in every frame.
        Assert.Equal(6, v[0].GetProperty("frames_with_line").GetInt32());
        Assert.Equal(6, v[1].GetProperty("lines").GetProperty("line_both_found").GetInt32());
    }
}
