using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A model ladder through the published binary: <c>bench --calibrate</c> times every rung into the
/// timing file, <c>run</c> takes the rungs' times from it, prints the ladder's line and reports the
/// rung of every frame; under an injected slowdown the slowed frames run the cheap rung; a variant whose tensors differ is one error line and exit 2.
/// </summary>
public sealed class ModelLadderCliTests
{
    private static string Profile(string dir, string variantPath)
    {
        string text = $$"""
        {
          "extends": "sim", "name": "ladder-e2e", "demo": "ladder-follower",
          "pwm": [
            { "name": "left-motor",  "chip": 0, "channel": 0, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000 },
            { "name": "right-motor", "chip": 0, "channel": 1, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000 }
          ],
          "app": {
            "nodes": [
              { "name": "motors", "type": "motor", "config": { "pwm": [0, 1] } },
              { "name": "robot", "type": "line-track-camera", "config": {
                  "width": 320, "height": 320, "view_width_cm": 40, "near_cm": 6,
                  "track_width_cm": 220, "track_height_cm": 140, "corner_radius_cm": 40, "line_width_cm": 2.5,
                  "wheel_base_cm": 12, "max_wheel_cm_s": 40, "motor_time_constant_s": 0.08, "pwm": [0, 1] } },
              { "name": "pre", "type": "image-preprocess", "config": { "width": 320, "height": 320, "resize": "stretch", "low": 0, "high": 255, "alpha": 1 } },
              { "name": "mlsd", "type": "onnx-model", "config": {
                  "path": "models/mlsd_320x320_large.onnx",
                  "ladder": { "name": "large", "variants": { "small": { "path": "{{variantPath}}" } }, "reserve_us": 4000, "step_up_frames": 3 } } },
              { "name": "lines", "type": "mlsd-segments", "config": { "input_size": 320, "image_width": 320, "image_height": 320, "score_threshold": 0.1, "min_length_px": 16 } },
              { "name": "steering", "type": "pure-pursuit", "config": {
                  "image_width": 320, "image_height": 320, "view_width_cm": 40, "near_cm": 6,
                  "cruise_cm_s": 20, "max_wheel_cm_s": 40, "wheel_base_cm": 12, "lookahead_cm": 24, "gate_cm": 8, "merge_cm": 4, "hold_frames": 5 } }
            ],
            "connections": [
              { "from": "robot.image", "to": "pre.image" },
              { "from": "pre.tensor", "to": "mlsd.input_image_with_alpha_0" },
              { "from": "mlsd.scores", "to": "lines.scores" },
              { "from": "mlsd.offsets", "to": "lines.offsets" },
              { "from": "lines.segments", "to": "steering.segments" },
              { "from": "steering.command", "to": "motors.command" }
            ],
            "loop": { "rate_hz": 0.4, "deadline_us": 2400000, "budgets_us": { "decode": 3000, "control": 500, "actuate": 500 } }
          }
        }
        """;
        string path = Path.Combine(dir, "ladder.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CalibrateTimesEveryRungAndARunUnderASlowdownStepsDown()
    {
        string dir = Rtapp.TempDir();
        string profile = Profile(dir, "models/mlsd_320x320_tiny.onnx");
        string timing = Path.Combine(dir, "ladder.timing.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(6), "bench", "--board", profile, "--calibrate", "--frames", "6", "--warmup", "1", "--no-rt");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("model ladder rungs", r.Stdout);
        double largeP50Us, smallP99Us;
        using (var doc = JsonDocument.Parse(File.ReadAllText(timing)))
        {
            var variants = doc.RootElement.GetProperty("loops")[0].GetProperty("variants");
            Assert.Equal(new[] { "mlsd/large", "mlsd/small" }, variants.EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToArray());
            Assert.All(variants.EnumerateArray(), v => Assert.Equal(20, v.GetProperty("samples").GetInt32()));
            largeP50Us = variants[0].GetProperty("p50_us").GetDouble();
            smallP99Us = variants[1].GetProperty("p99_us").GetDouble();
        }

        // Frames 4 to 7 lose what leaves the 2.4 s deadline room for small (its calibrated p99) but not for large (its median).
        long slowMs = (long)(2_400_000 - (largeP50Us + smallP99Us) / 2) / 1000;
        string report = Path.Combine(dir, "report.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(6), "run", "--board", profile, "--frames", "10", "--warmup", "1", "--scenario", "single-stream",
            "--inject", $"slow:infer:{slowMs}:from=4:to=7", "--no-rt", "--override-admission", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Ladder mlsd: large ", r.Stdout);
        Assert.Contains("rung times timing file", r.Stdout);
        using var run = JsonDocument.Parse(File.ReadAllText(report));
        var j = run.RootElement;
        // Misses are the in-process test's to count (its two loops take turns under the same load); here the choice is the point.
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        var ladder = j.GetProperty("demo_metrics").GetProperty("model_ladder").GetProperty("mlsd");
        Assert.Equal("timing-file", ladder.GetProperty("timing").GetString());
        int[] perFrame = ladder.GetProperty("variant_per_frame").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(10, perFrame.Length);
        // Counted frame i is loop frame i + 1 (one warm-up frame): the slowed ones ran the small rung.
        for (int f = 4; f <= 7; f++) Assert.True(perFrame[f - 1] == 1, ladder.ToString());
        Assert.Equal(perFrame.Count(v => v == 1), ladder.GetProperty("rungs")[1].GetProperty("frames").GetInt32());
    }

    [Fact]
    public void AVariantWhoseTensorsDifferIsOneErrorLineAndExit2()
    {
        string dir = Rtapp.TempDir();
        string profile = Profile(dir, "models/face_detection_front_128x128_barracuda.onnx");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", profile, "--frames", "2", "--no-rt");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("app.nodes[3].config.ladder.variants.small.path: ladder variant 'small'", r.Stderr);
        Assert.Contains("input 'input_image_with_alpha:0'", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
