using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Realtime.Core.Profiles;

/// <summary>Reads and validates board profiles. Every problem is reported, each naming its field.</summary>
public static class ProfileLoader
{
    /// <summary>Stage names a budget may be given for, in pipeline order.</summary>
    public static readonly string[] StageNames = { "capture", "preprocess", "infer", "decode", "control", "actuate" };

    /// <summary>Loads and validates a profile file.</summary>
    public static BoardProfile LoadFile(string path)
    {
        if (!File.Exists(path)) throw new ProfileException(path, new[] { "file not found" });
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates profile JSON; <paramref name="source"/> names it in errors.</summary>
    public static BoardProfile Parse(string json, string source)
    {
        BoardProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, ProfileJsonContext.Default.BoardProfile);
        }
        catch (JsonException ex)
        {
            throw new ProfileException(source, new[] { DescribeJsonError(ex) });
        }
        if (profile is null) throw new ProfileException(source, new[] { "the file holds no profile object" });
        var problems = Validate(profile);
        if (problems.Count > 0) throw new ProfileException(source, problems);
        return profile;
    }

    private static string DescribeJsonError(JsonException ex)
    {
        string field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "(top level)" : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path;
        string line = ex.LineNumber is long l ? $" (line {l + 1})" : "";
        string reason = ex.Message;
        int cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut];
        if (reason.Contains("could not be mapped", StringComparison.Ordinal)) reason = "unknown field";
        else if (reason.Contains("could not be converted", StringComparison.Ordinal)) reason = "wrong type of value: " + reason;
        else reason = "malformed JSON: " + reason;
        return $"{field}{line}: {reason}";
    }

    /// <summary>Checks every field; returns "field: problem" lines (empty when the profile is usable).</summary>
    public static List<string> Validate(BoardProfile p)
    {
        var e = new List<string>();
        void Add(string field, string problem) => e.Add($"{field}: {problem}");
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

        if (string.IsNullOrWhiteSpace(p.Name)) Add("name", "must not be empty");
        if (p.CpuCores < 0 || p.CpuCores > 1024) Add("cpu_cores", $"must be 0 (this machine) or the board's core count, got {p.CpuCores}");

        var c = p.Camera;
        switch (c.Kind)
        {
            case "sim-video":
                if (!p.Simulated) Add("camera.kind", "'sim-video' needs a simulated board (simulated: true)");
                if (string.IsNullOrWhiteSpace(c.Video)) Add("camera.video", "a sim-video camera needs a video file");
                break;
            case "v4l2":
                if (string.IsNullOrWhiteSpace(c.Device) || !c.Device.StartsWith("/dev/", StringComparison.Ordinal)) Add("camera.device", $"a v4l2 camera needs a device node under /dev, got '{c.Device}'");
                break;
            default:
                Add("camera.kind", $"unknown camera kind '{c.Kind}' (expected 'sim-video' or 'v4l2')");
                break;
        }
        if (c.Width <= 0 || c.Width > 8192) Add("camera.width", $"must be 1..8192, got {c.Width}");
        if (c.Height <= 0 || c.Height > 8192) Add("camera.height", $"must be 1..8192, got {c.Height}");
        if (!(c.HfovDeg > 0 && c.HfovDeg < 180)) Add("camera.hfov_deg", $"must be between 0 and 180, got {F(c.HfovDeg)}");

        var m = p.Model;
        if (string.IsNullOrWhiteSpace(m.Path)) Add("model.path", "must name an ONNX file");
        if (string.IsNullOrWhiteSpace(m.Input)) Add("model.input", "must name the model's input tensor");
        if (m.InputWidth <= 0 || m.InputWidth > 4096) Add("model.input_width", $"must be 1..4096, got {m.InputWidth}");
        if (m.InputHeight <= 0 || m.InputHeight > 4096) Add("model.input_height", $"must be 1..4096, got {m.InputHeight}");
        if (m.IntraOpThreads < 1 || m.IntraOpThreads > 64) Add("model.intra_op_threads", $"must be 1..64, got {m.IntraOpThreads}");
        if (m.Sha256 is not null && !IsSha256(m.Sha256)) Add("model.sha256", "must be 64 hexadecimal digits");
        if (!(m.ScoreThreshold > 0 && m.ScoreThreshold < 1)) Add("model.score_threshold", $"must be between 0 and 1, got {F(m.ScoreThreshold)}");

        var t = p.Timing;
        bool rateOk = t.RateHz > 0 && t.RateHz <= 10000;
        if (!rateOk) Add("timing.rate_hz", $"must be above 0 and at most 10000, got {F(t.RateHz)}");
        if (t.DeadlineUs <= 0) Add("timing.deadline_us", $"must be positive, got {t.DeadlineUs}");
        else if (rateOk && t.DeadlineUs > 1e6 / t.RateHz)
            Add("timing.deadline_us", $"{t.DeadlineUs} µs is longer than the period ({F(Math.Round(1e6 / t.RateHz))} µs at {F(t.RateHz)} Hz)");
        if (t.WarmupFrames < 0) Add("timing.warmup_frames", $"must not be negative, got {t.WarmupFrames}");
        if (t.Frames < 1) Add("timing.frames", $"must be at least 1, got {t.Frames}");
        long budgetSum = 0;
        foreach (var kv in t.BudgetsUs)
        {
            if (Array.IndexOf(StageNames, kv.Key) < 0) Add($"timing.budgets_us.{kv.Key}", $"unknown stage (expected one of {string.Join(", ", StageNames)})");
            if (kv.Value <= 0) Add($"timing.budgets_us.{kv.Key}", $"must be positive, got {kv.Value}");
            budgetSum += kv.Value;
        }
        if (t.DeadlineUs > 0 && budgetSum > t.DeadlineUs) Add("timing.budgets_us", $"stage budgets add up to {budgetSum} µs, more than the {t.DeadlineUs} µs deadline");

        if (p.Demo == "face-tracker" && p.Pwm.Count != 2) Add("pwm", $"the face tracker needs exactly two PWM outputs (pan, tilt), got {p.Pwm.Count}");
        var names = new HashSet<string>();
        var channels = new HashSet<(int, int)>();
        var pins = new HashSet<int>();
        for (int i = 0; i < p.Pwm.Count; i++)
        {
            var o = p.Pwm[i];
            string f = $"pwm[{i}]";
            if (string.IsNullOrWhiteSpace(o.Name)) Add($"{f}.name", "must not be empty");
            else if (!names.Add(o.Name)) Add($"{f}.name", $"'{o.Name}' is used twice");
            if (o.Chip < 0) Add($"{f}.chip", $"must not be negative, got {o.Chip}");
            if (o.Channel < 0) Add($"{f}.channel", $"must not be negative, got {o.Channel}");
            if (!channels.Add((o.Chip, o.Channel))) Add($"{f}.channel", $"pwmchip{o.Chip} channel {o.Channel} is used twice");
            if (o.Pin is int pin && !pins.Add(pin)) Add($"{f}.pin", $"pin {pin} is used twice");
            if (o.FrequencyHz <= 0 || o.FrequencyHz > 100000) Add($"{f}.frequency_hz", $"must be 1..100000, got {o.FrequencyHz}");
            if (!(o.MinPulseUs > 0 && o.MinPulseUs < o.MaxPulseUs)) Add($"{f}.min_pulse_us", $"must be positive and below max_pulse_us ({F(o.MinPulseUs)} vs {F(o.MaxPulseUs)})");
            else if (o.FrequencyHz > 0 && o.MaxPulseUs >= 1e6 / o.FrequencyHz) Add($"{f}.max_pulse_us", $"{F(o.MaxPulseUs)} µs does not fit the {F(1e6 / o.FrequencyHz)} µs PWM period");
            if (!(o.MinAngleDeg < o.MaxAngleDeg)) Add($"{f}.min_angle_deg", $"must be below max_angle_deg ({F(o.MinAngleDeg)} vs {F(o.MaxAngleDeg)})");
            else if (o.SafeAngleDeg < o.MinAngleDeg || o.SafeAngleDeg > o.MaxAngleDeg) Add($"{f}.safe_angle_deg", $"{F(o.SafeAngleDeg)} is outside {F(o.MinAngleDeg)}..{F(o.MaxAngleDeg)}");
        }

        int cores = p.CpuCores > 0 ? p.CpuCores : Environment.ProcessorCount;
        void CheckCores(List<int> list, string field)
        {
            foreach (int core in list)
                if (core < 0 || core >= cores) Add(field, $"core {core} does not exist on a {cores}-core {(p.CpuCores > 0 ? "board" : "machine")}");
        }
        foreach (var (th, name) in new[] { (p.Threads.Pipeline, "pipeline"), (p.Threads.Watchdog, "watchdog") })
        {
            if (th.Priority < 0 || th.Priority > 99) Add($"threads.{name}.priority", $"must be 0 (SCHED_OTHER) or 1..99 (SCHED_FIFO), got {th.Priority}");
            if (th.Policy != "fifo" && th.Policy != "deadline") Add($"threads.{name}.policy", $"unknown policy '{th.Policy}' (expected fifo or deadline)");
            CheckCores(th.Cores, $"threads.{name}.cores");
        }
        if (p.Threads.Watchdog.Policy == "deadline") Add("threads.watchdog.policy", "the watchdog thread runs SCHED_FIFO; 'deadline' is for the pipeline");
        if (p.Threads.Watchdog.Priority > 0 && p.Threads.Watchdog.Priority <= p.Threads.Pipeline.Priority)
            Add("threads.watchdog.priority", $"{p.Threads.Watchdog.Priority} must be above the pipeline's {p.Threads.Pipeline.Priority}: the watchdog must be able to preempt a stuck pipeline");
        CheckCores(p.Threads.InferenceCores, "threads.inference_cores");
        if (p.Threads.CpuDmaLatencyUs < -1) Add("threads.cpu_dma_latency_us", $"must be -1 (leave alone) or a latency in µs, got {p.Threads.CpuDmaLatencyUs}");

        var w = p.Watchdog;
        if (ParseMissPolicy(w.MissPolicy) is null) Add("watchdog.miss_policy", $"unknown policy '{w.MissPolicy}' (expected ignore, skip, hold-last, fallback, safe-state or exit)");
        if (ParseMissPolicy(w.OnStageOverrun) is null) Add("watchdog.on_stage_overrun", $"unknown policy '{w.OnStageOverrun}' (expected ignore, skip, hold-last, fallback, safe-state or exit)");
        if (ParseMissPolicy(w.OnSourceFailure) is null) Add("watchdog.on_source_failure", $"unknown policy '{w.OnSourceFailure}' (expected ignore, skip, hold-last, fallback, safe-state or exit)");
        if (w.OnStall != "ignore" && w.OnStall != "safe-state" && w.OnStall != "exit") Add("watchdog.on_stall", $"unknown policy '{w.OnStall}' (a stalled loop cannot compute commands: expected ignore, safe-state or exit)");
        if (rateOk && w.StallTimeoutUs <= 1e6 / t.RateHz) Add("watchdog.stall_timeout_us", $"{w.StallTimeoutUs} µs must be longer than the period ({F(Math.Round(1e6 / t.RateHz))} µs)");
        if (!(w.FallbackStep > 0)) Add("watchdog.fallback_step", $"must be positive, got {F(w.FallbackStep)}");
        if (w.HardwareDevice is not null && !w.HardwareDevice.StartsWith("/dev/", StringComparison.Ordinal)) Add("watchdog.hardware_device", $"must be a device node under /dev, got '{w.HardwareDevice}'");
        if (w.SafeAfterConsecutiveMisses < 1) Add("watchdog.safe_after_consecutive_misses", $"must be at least 1, got {w.SafeAfterConsecutiveMisses}");
        if (w.RecoverAfterGoodFrames < 1) Add("watchdog.recover_after_good_frames", $"must be at least 1, got {w.RecoverAfterGoodFrames}");

        var k = p.Controller;
        if (!(k.Kp >= 0 && double.IsFinite(k.Kp))) Add("controller.kp", $"must be a non-negative number, got {F(k.Kp)}");
        if (!(k.Ki >= 0 && double.IsFinite(k.Ki))) Add("controller.ki", $"must be a non-negative number, got {F(k.Ki)}");
        if (!(k.Kd >= 0 && double.IsFinite(k.Kd))) Add("controller.kd", $"must be a non-negative number, got {F(k.Kd)}");
        if (!(k.MaxStepDeg > 0)) Add("controller.max_step_deg", $"must be positive, got {F(k.MaxStepDeg)}");

        if (p.Simulated)
        {
            if (p.Plant is null) Add("plant", "a simulated board needs a plant");
            else
            {
                if (!(p.Plant.ServoRateDegPerS > 0)) Add("plant.servo_rate_deg_per_s", $"must be positive, got {F(p.Plant.ServoRateDegPerS)}");
                if (!(p.Plant.WorldScale >= 1 && p.Plant.WorldScale <= 16)) Add("plant.world_scale", $"must be 1..16, got {F(p.Plant.WorldScale)}");
                if (p.Plant.SettleFrames < 0) Add("plant.settle_frames", $"must not be negative, got {p.Plant.SettleFrames}");
            }
        }
        return e;
    }

    /// <summary>The fault action a profile names, or null when unknown.</summary>
    public static Pipeline.FaultAction? ParseMissPolicy(string name) => Pipeline.LoopWatchdog.ParseAction(name);

    private static bool IsSha256(string s)
    {
        if (s.Length != 64) return false;
        foreach (char ch in s) if (!Uri.IsHexDigit(ch)) return false;
        return true;
    }
}
