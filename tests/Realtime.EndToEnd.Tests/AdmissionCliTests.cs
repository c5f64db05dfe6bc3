using System;
using System.IO;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Admission through the published binary: <c>bench --calibrate</c> on the sim face tracker writes a timing
/// file, <c>check --admit</c> accepts a generous deadline, refuses an impossible one (exit 2, naming the loop
/// and the numbers), and <c>run</c> refuses it too unless overridden, when it runs and misses.
/// </summary>
public sealed class AdmissionCliTests
{
    // A stall timeout above the accepted set's 1 s period (the watchdog's must stay above it), given to every command so the timing file is not stale.
    private const string SlowWatchdog = "watchdog.stall_timeout_us=2000000";

    // A 0.1 ms deadline (the stage budgets cut to fit it): no frame of the face tracker is that quick (its model alone takes about 1 ms).
    private static readonly string[] Impossible =
    {
        "--set", SlowWatchdog, "--set", "timing.deadline_us=100", "--set", "timing.budgets_us.capture=10", "--set", "timing.budgets_us.preprocess=10",
        "--set", "timing.budgets_us.infer=50", "--set", "timing.budgets_us.decode=10", "--set", "timing.budgets_us.control=10",
        "--set", "timing.budgets_us.actuate=10",
    };

    [Fact]
    public void CalibrateThenAdmitAGenerousDeadlineAndRefuseAnImpossibleOneUnlessOverridden()
    {
        string dir = Rtapp.TempDir();
        string timing = Path.Combine(dir, "sim.timing.json");
        var cal = Rtapp.Run(TimeSpan.FromMinutes(3), "bench", "--calibrate", "--frames", "300", "--warmup", "20", "--rate", "100", "--deadline-us", "9000",
            "--no-rt", "--timing", timing, "--set", SlowWatchdog);
        Assert.True(cal.ExitCode == 0, cal.ToString());
        Assert.Contains($"timing: {timing}", cal.Stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(timing)))
        {
            var j = doc.RootElement;
            Assert.Equal(1, j.GetProperty("version").GetInt32());
            Assert.Matches("^[0-9a-f]{64}$", j.GetProperty("profile_sha256").GetString());
            Assert.False(string.IsNullOrEmpty(j.GetProperty("machine").GetProperty("kernel").GetString()));
            var loop = j.GetProperty("loops")[0];
            Assert.Equal("face-tracker", loop.GetProperty("name").GetString());
            Assert.Equal(100, loop.GetProperty("rate_hz").GetDouble());
            var frame = loop.GetProperty("frame");
            Assert.Equal(300, frame.GetProperty("samples").GetInt32());
            Assert.True(frame.GetProperty("p50_us").GetDouble() <= frame.GetProperty("p99_us").GetDouble());
            Assert.True(frame.GetProperty("p999_us").GetDouble() <= frame.GetProperty("max_us").GetDouble());
            Assert.True(frame.GetProperty("pwcet_us").GetDouble() > 0);
            Assert.Equal(1e-9, frame.GetProperty("pwcet_per_frame_exceedance").GetDouble());
            // 360 000 frames an hour at 100 Hz: 1 − (1 − 1e-9)^360000 ≈ 3.6e-4.
            Assert.InRange(frame.GetProperty("pwcet_per_hour_exceedance").GetDouble(), 3.59e-4, 3.61e-4);
            Assert.Equal(6, loop.GetProperty("stages").GetArrayLength());
            foreach (var stage in loop.GetProperty("stages").EnumerateArray())
                Assert.Equal(300, stage.GetProperty("samples").GetInt32());
        }

        // 1 Hz, 990 ms: generous for a loop of a few ms, even at the pWCET a loaded machine extrapolates to (42 ms at load 30 on 2 cores, 270 ms at load 40).
        var ok = Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--admit", "--timing", timing, "--set", SlowWatchdog, "--set", "timing.rate_hz=1", "--set", "timing.deadline_us=990000");
        Assert.True(ok.ExitCode is 0 or 1, ok.ToString());   // 1: something else on this machine fails the checklist
        Assert.Contains("[ ok ] admission 'face-tracker': fixed priority (deadline-monotonic", ok.Stdout);
        Assert.Contains("margin ", ok.Stdout);
        Assert.DoesNotContain("timing file stale", ok.Stdout);

        var refused = Rtapp.Run(TimeSpan.FromMinutes(2), ["check", "--admit", "--timing", timing, .. Impossible]);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("[FAIL] admission 'face-tracker'", refused.Stdout);
        Assert.Contains("loop 'face-tracker': worst response ", refused.Stderr);
        Assert.Contains("is above its deadline 0.1 ms", refused.Stderr);
        Assert.Contains("--override-admission", refused.Stderr);
        Assert.DoesNotContain("Unhandled", refused.Stderr);

        var forcedCheck = Rtapp.Run(TimeSpan.FromMinutes(2), ["check", "--admit", "--override-admission", "--timing", timing, .. Impossible]);
        Assert.NotEqual(2, forcedCheck.ExitCode);
        Assert.Contains("[warn] admission 'face-tracker'", forcedCheck.Stdout);

        var runRefused = Rtapp.Run(TimeSpan.FromMinutes(2), ["run", "--frames", "20", "--warmup", "2", "--no-rt", "--timing", timing, .. Impossible]);
        Assert.True(runRefused.ExitCode == 2, runRefused.ToString());
        // Bad input is one line: the refusal comes before anything else is said.
        string line = Assert.Single(runRefused.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"rtapp: error: {timing}: loop 'face-tracker': worst response", line);
        Assert.EndsWith("admission refuses the set (--override-admission runs it anyway)", line);

        string report = Path.Combine(dir, "forced.json");
        var forced = Rtapp.Run(TimeSpan.FromMinutes(3), ["run", "--frames", "20", "--warmup", "2", "--no-rt", "--timing", timing, "--override-admission", "--report", report, .. Impossible]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("run anyway (--override-admission)", forced.Stderr);
        using var run = JsonDocument.Parse(File.ReadAllText(report));
        // Refused for a reason: every counted frame misses the 0.1 ms deadline.
        Assert.Equal(20, run.RootElement.GetProperty("deadline_misses").GetInt32());
    }

    [Fact]
    public void WithoutATimingFileCheckSaysWhatToRunAndRunGoesOnWithAWarning()
    {
        string dir = Rtapp.TempDir();
        string timing = Path.Combine(dir, "none.timing.json");
        var check = Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--admit", "--timing", timing);
        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains($"no timing file at {timing}", check.Stderr);
        Assert.Contains($"rtapp bench --calibrate --board sim --timing {timing} writes one", check.Stderr);

        var run = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--frames", "5", "--warmup", "1", "--no-rt", "--timing", timing, "--report", Path.Combine(dir, "r.json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("the loop runs unadmitted", run.Stderr);
    }

    [Theory]
    [InlineData("{\"version\": 1, \"loops\": [{\"name\": \"face-tracker\", \"rate_hz\": 30, \"deadline_us\": 100, \"frame\": {\"samples\": 3, \"p50_us\": -5, \"p99_us\": 1, \"p999_us\": 1, \"max_us\": 1}}]}",
        "loops[face-tracker].frame.p50_us: must be a time")]
    [InlineData("{\"loops\": 3", "not a timing file")]
    public void AHostileTimingFileIsOneErrorNamingItExit2(string text, string words)
    {
        string dir = Rtapp.TempDir();
        string timing = Path.Combine(dir, "bad.timing.json");
        File.WriteAllText(timing, text);
        foreach (string command in new[] { "check", "run" })
        {
            var r = command == "check" ? Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--admit", "--timing", timing)
                : Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--frames", "5", "--no-rt", "--timing", timing);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains(timing, r.Stderr);
            Assert.Contains(words, r.Stderr);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
    }
}
