using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.Core.Profiles;

/// <summary>Reads and validates board profiles. Every problem is reported, each naming its field.</summary>
public static partial class ProfileLoader
{
    /// <summary>The most counted frames a run may have, from <c>timing.frames</c> or <c>--frames</c>: the loop keeps a record per frame.</summary>
    public const int MaxFrames = 10_000_000;
    /// <summary>The longest interval between a continuous run's summaries: a day.</summary>
    public const double MaxIntervalS = 86_400;
    /// <summary>The most frame records a continuous run keeps (about 90 MB of records).</summary>
    public const int MaxRingFrames = 1_000_000;

    /// <summary>The most warm-up frames, from <c>timing.warmup_frames</c> or <c>--warmup</c>.</summary>
    public const int MaxWarmupFrames = 1_000_000;

    /// <summary>The slowest loop rate, Hz (a period of 1000 s).</summary>
    public const double MinRateHz = 0.001;

    /// <summary>The fastest loop rate, Hz.</summary>
    public const double MaxRateHz = 10_000;

    /// <summary>The longest time a µs field may give (one hour): in nanoseconds it stays far inside a long.</summary>
    public const long MaxTimeUs = 3_600_000_000;

    /// <summary>The largest angle, or angle step, in degrees (one turn).</summary>
    public const double MaxAngleDeg = 360;

    /// <summary>Stage names a budget may be given for, in pipeline order.</summary>
    public static readonly string[] StageNames = { "capture", "preprocess", "infer", "decode", "control", "actuate" };

    /// <summary>Loads and validates a profile file; a relative <c>extends</c> path starts from the file's folder.</summary>
    public static BoardProfile LoadFile(string path, ProfileLoadOptions? options = null)
    {
        string text = ProfileFile.Read(path, path, null);
        options = WithBaseDirectory(options, Path.GetDirectoryName(Path.GetFullPath(path)));
        return Parse(text, path, options);
    }

    /// <summary>Parses and validates profile JSON; <paramref name="source"/> names it in errors.</summary>
    public static BoardProfile Parse(string json, string source) => Parse(json, source, null);

    /// <summary>
    /// Parses profile JSON, resolves its <c>extends</c> chain, applies the <c>--set</c> overrides, then
    /// deserializes and validates. <paramref name="source"/> names the profile in errors; when
    /// inheritance or overrides took part, the error's source says so.
    /// </summary>
    public static BoardProfile Parse(string json, string source, ProfileLoadOptions? options)
    {
        var (profile, _) = ParseWithSource(json, source, options);
        return profile;
    }

    /// <summary>As <see cref="Parse(string, string, ProfileLoadOptions?)"/>, also returning the source as described in errors.</summary>
    public static (BoardProfile Profile, string Source) ParseWithSource(string json, string source, ProfileLoadOptions? options)
    {
        JsonObject root = ProfileComposer.ParseObject(json, source);
        // A "demos" object, or a chosen demo, is composed too: the chosen entry is merged over the profile.
        bool composed = root.ContainsKey(ProfileComposer.ExtendsKey) || root.ContainsKey(ProfileComposer.DemosKey)
            || (options is not null && (options.Sets.Count > 0 || options.Demo is not null));
        BoardProfile? profile;
        string described = source;
        JsonObject final = composed ? ProfileComposer.Compose(root, source, options, out described) : root;
        var treeProblems = ProfileTree.Check(final, out bool cleared);
        if (treeProblems.Count > 0) throw new ProfileException(described, treeProblems);
        bool fromNode = composed || cleared;
        try
        {
            // Straight from the text where nothing changed it, so an error can name its line.
            profile = fromNode
                ? final.Deserialize(ProfileJsonContext.Default.BoardProfile)
                : JsonSerializer.Deserialize(json, ProfileJsonContext.Default.BoardProfile);
        }
        catch (JsonException ex)
        {
            throw new ProfileException(described, new[] { DescribeJsonError(ex, withLine: !fromNode, final) });
        }
        if (profile is null) throw new ProfileException(described, new[] { "the file holds no profile object" });
        if (profile.Demo.Length == 0 && options?.DefaultDemo is { Length: > 0 } defaultDemo) profile.Demo = defaultDemo;
        var problems = Validate(profile);
        // The application's own needs: Core knows no application, the host passes the chosen one's check.
        if (options?.ApplicationCheck is { } check) problems.AddRange(check(profile));
        if (problems.Count > 0) throw new ProfileException(described, problems);
        return (profile, described);
    }

    /// <summary>
    /// <paramref name="json"/> with its <c>extends</c> chain resolved and the overrides applied, as JSON; with
    /// <see cref="ProfileLoadOptions.KeepDemos"/>, its <c>demos</c> and <c>apps</c> as they are (what a bundle of several
    /// applications ships). It must load as a profile.
    /// </summary>
    public static JsonObject Compose(string json, string source, ProfileLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // It must load as the original does (the default application's entry merged in); what ships keeps the entries.
        ParseWithSource(json, source, WithBaseDirectory(options, options.BaseDirectory, keepDemos: false));
        JsonObject root = ProfileComposer.ParseObject(json, source);
        return ProfileComposer.Compose(root, source, options, out _);
    }

    /// <summary>
    /// The profile as one JSON object after inheritance and overrides (no <c>extends</c> key), validated:
    /// what a bundle ships and <c>rtapp boards --show</c> prints.
    /// </summary>
    public static JsonObject Resolve(string json, string source, ProfileLoadOptions? options)
    {
        var (profile, _) = ParseWithSource(json, source, options);
        return (JsonObject)JsonSerializer.SerializeToNode(profile, ProfileJsonContext.Default.BoardProfile)!;
    }

    private static ProfileLoadOptions WithBaseDirectory(ProfileLoadOptions? o, string? dir, bool? keepDemos = null) =>
        (o ?? new ProfileLoadOptions()) with { BaseDirectory = dir, KeepDemos = keepDemos ?? o?.KeepDemos ?? false };

    internal static string DescribeJsonError(JsonException ex, bool withLine, JsonNode? root = null)
    {
        var steps = PathSteps(ex.Path);
        string field = steps is null ? ex.Path ?? "(top level)" : Join(steps, steps.Count);
        string line = withLine && ex.LineNumber is long l ? $" (line {l + 1})" : "";
        string reason = ex.Message;
        foreach (string tail in new[] { " Path:", " LineNumber:" })
        {
            int cut = reason.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut];
        }
        int dup = reason.IndexOf("Duplicate property '", StringComparison.Ordinal);
        if (dup >= 0)
        {
            int from = dup + "Duplicate property '".Length, to = reason.IndexOf('\'', from);
            // The reader does not say which object: name the field itself.
            return $"{(to > from ? reason[from..to] : field)}{line}: given twice in one object (a JSON object names each field once)";
        }
        const string converted = "could not be converted to ";
        int conv = reason.IndexOf(converted, StringComparison.Ordinal);
        if (reason.Contains("could not be mapped", StringComparison.Ordinal))
        {
            // A name a path cannot spell plainly ('a b', '$ref') is quoted after the object that holds it.
            reason = "unknown field";
        }
        else if (conv >= 0)
        {
            string given = root is not null && steps is not null && Find(root, steps) is { } node ? node.ToJsonString() : "";
            if (given.Length > 40) given = given[..40] + "…";
            reason = $"expected {Expected(reason[(conv + converted.Length)..].TrimEnd('.'))}{(given.Length > 0 ? ", got " + given : "")}";
        }
        else reason = "malformed JSON: " + reason;
        return $"{field}{line}: {reason}";
    }

    /// <summary>The steps of a deserializer path (<c>$.pwm[1].chip</c>, <c>$['a b']</c>): names, or list indices; null when it is not one.</summary>
    private static List<(string? Name, int Index)>? PathSteps(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$') return null;
        var steps = new List<(string?, int)>();
        int i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
                steps.Add((path[(i + 1)..end], -1));
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['") && path.IndexOf("']", i + 2, StringComparison.Ordinal) is int quoted and > 0)
            {
                steps.Add((path[(i + 2)..quoted].Replace("\\'", "'", StringComparison.Ordinal), -1));
                i = quoted + 2;
            }
            else if (path[i] == '[' && path.IndexOf(']', i) is int close and > 0
                && int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                steps.Add((null, n));
                i = close + 1;
            }
            else return null;
        }
        return steps;
    }

    private static string Join(List<(string? Name, int Index)> steps, int count)
    {
        if (count == 0) return "(top level)";
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++)
        {
            if (steps[i].Name is string name)
            {
                string joined = ProfileComposer.Field(sb.ToString(), name);
                sb.Clear().Append(joined);
            }
            else sb.Append('[').Append(steps[i].Index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
        return sb.ToString();
    }

    /// <summary>The node at a deserializer path, or null.</summary>
    private static JsonNode? Find(JsonNode root, List<(string? Name, int Index)> steps)
    {
        JsonNode? at = root;
        foreach (var (name, index) in steps)
        {
            at = name is not null ? (at as JsonObject)?[name] : at is JsonArray a && index < a.Count ? a[index] : null;
            if (at is null) return null;
        }
        return at;
    }

    /// <summary>What a .NET type the deserializer names is, in a profile's words.</summary>
    private static string Expected(string type)
    {
        if (type.StartsWith("System.Nullable`1[", StringComparison.Ordinal)) type = type["System.Nullable`1[".Length..].TrimEnd(']');
        return type switch
        {
            "System.Int32" => $"a whole number from {int.MinValue} to {int.MaxValue}",
            "System.Int64" => $"a whole number from {long.MinValue} to {long.MaxValue}",
            "System.Double" => "a number",
            "System.String" => "text",
            "System.Boolean" => "true or false",
            _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list",
            _ => "an object with fields",
        };
    }

    /// <summary>The formats a <c>v4l2-camera</c> node may be asked for (its <c>config.format</c>).</summary>
    public static readonly string[] CameraFormatNames = { "yuyv", "nv12", "grey", "mjpeg" };

    /// <summary>Whether <paramref name="name"/> has a demo name's form: 1..64 of a-z, 0-9 and '-', starting with a letter or digit.</summary>
    public static bool IsDemoName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || name[0] == '-') return false;
        foreach (char ch in name)
            if (!(ch is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')) return false;
        return true;
    }

    /// <summary>Checks every field; returns "field: problem" lines (empty when the profile is usable).</summary>
    public static List<string> Validate(BoardProfile p)
    {
        var e = new List<string>();
        void Add(string field, string problem) => e.Add($"{field}: {problem}");
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

        if (string.IsNullOrWhiteSpace(p.Name)) Add("name", "must not be empty");
        if (p.CpuCores < 0 || p.CpuCores > 1024) Add("cpu_cores", $"must be 0 (this machine) or the board's core count, got {p.CpuCores}");
        // A demo name becomes a report label, a unit's and a bundle's file name: lowercase words joined by '-' only.
        if (p.Demo.Length > 0 && !IsDemoName(p.Demo)) Add("demo", $"must be a name of lowercase letters, digits and '-' (like my-app), got '{MessageText.Shown(p.Demo)}'");

        var t = p.Timing;
        bool rateOk = t.RateHz >= MinRateHz && t.RateHz <= MaxRateHz;
        if (!rateOk) Add("timing.rate_hz", $"must be {F(MinRateHz)}..{F(MaxRateHz)}, got {F(t.RateHz)}");
        if (t.DeadlineUs <= 0 || t.DeadlineUs > MaxTimeUs) Add("timing.deadline_us", $"must be 1..{MaxTimeUs}, got {t.DeadlineUs}");
        else if (rateOk && t.DeadlineUs > PipelineDepth(p.App) * 1e6 / t.RateHz)
            Add("timing.deadline_us", DeadlineTooLong(t.DeadlineUs, t.RateHz, PipelineDepth(p.App)));
        if (t.WarmupFrames < 0 || t.WarmupFrames > MaxWarmupFrames) Add("timing.warmup_frames", $"must be 0..{MaxWarmupFrames}, got {t.WarmupFrames}");
        if (t.Frames < 0 || t.Frames > MaxFrames) Add("timing.frames", $"must be 0..{MaxFrames} (0: run until stopped), got {t.Frames}");
        var tel = p.Telemetry;
        if (!(tel.IntervalS > 0 && tel.IntervalS <= MaxIntervalS)) Add("telemetry.interval_s", $"must be more than 0 and at most {MaxIntervalS} (seconds), got {F(tel.IntervalS)}");
        if (tel.RingFrames < 1 || tel.RingFrames > MaxRingFrames) Add("telemetry.ring_frames", $"must be 1..{MaxRingFrames}, got {tel.RingFrames}");
        if (tel.KeepReports < 1 || tel.KeepReports > 10_000) Add("telemetry.keep_reports", $"must be 1..10000, got {tel.KeepReports}");
        if (tel.KeepRecordings < 1 || tel.KeepRecordings > 10_000) Add("telemetry.keep_recordings", $"must be 1..10000, got {tel.KeepRecordings}");
        if (tel.RecordingsMaxMb < 1 || tel.RecordingsMaxMb > 1_000_000) Add("telemetry.recordings_max_mb", $"must be 1..1000000 (MB), got {tel.RecordingsMaxMb}");
        long budgetSum = 0;
        foreach (var kv in t.BudgetsUs)
        {
            if (Array.IndexOf(StageNames, kv.Key) < 0) Add(ProfileComposer.Field("timing.budgets_us", kv.Key), $"unknown stage (expected one of {string.Join(", ", StageNames)})");
            // Each within the deadline first, so the sum cannot overflow.
            if (kv.Value <= 0 || kv.Value > MaxTimeUs) Add(ProfileComposer.Field("timing.budgets_us", kv.Key), $"must be 1..{MaxTimeUs}, got {kv.Value}");
            else budgetSum += kv.Value;
        }
        if (t.DeadlineUs > 0 && budgetSum > t.DeadlineUs) Add("timing.budgets_us", $"stage budgets add up to {budgetSum} µs, more than the {t.DeadlineUs} µs deadline");

        // What one application needs (so many outputs, a plant) is its own check (ProfileLoadOptions.ApplicationCheck).
        var names = new HashSet<string>();
        var channels = new HashSet<(int, int)>();
        var pins = new HashSet<int>();
        var pcaChannels = new Dictionary<(string, int), int>();
        for (int i = 0; i < p.Pwm.Count; i++)
        {
            var o = p.Pwm[i];
            string f = $"pwm[{i}]";
            if (string.IsNullOrWhiteSpace(o.Name)) Add($"{f}.name", "must not be empty");
            else if (!names.Add(o.Name)) Add($"{f}.name", $"'{o.Name}' is used twice");
            // A channel on a PCA9685 has its own rules (bus, address, 16 channels, no header pin).
            if (o.Pca9685 is not null) ValidatePca9685Output(p, i, pcaChannels, Add);
            else
            {
                if (o.Chip < 0) Add($"{f}.chip", $"must not be negative, got {o.Chip}");
                if (o.Channel < 0) Add($"{f}.channel", $"must not be negative, got {o.Channel}");
                if (!channels.Add((o.Chip, o.Channel))) Add($"{f}.channel", $"pwmchip{o.Chip} channel {o.Channel} is used twice");
            }
            if (o.Pca9685 is null && o.Pin is int pin)
            {
                if (!pins.Add(pin)) Add($"{f}.pin", $"pin {pin} is used twice");
                else if (pin < 1) Add($"{f}.pin", $"must be a physical header pin number (1 or more), got {pin}");
                else if (p.HeaderPins is { Count: > 0 } header && CheckHeaderPin(header, pin, o) is string pinProblem) Add($"{f}.pin", pinProblem);
            }
            else if (o.Pca9685 is null && p.HeaderPins is { Count: > 0 }) Add($"{f}.pin", $"this board has a header pin map (header_pins): name the pin pwmchip{o.Chip} channel {o.Channel} comes out on");
            if (o.FrequencyHz <= 0 || o.FrequencyHz > 100000) Add($"{f}.frequency_hz", $"must be 1..100000, got {o.FrequencyHz}");
            if (!(o.MinPulseUs > 0 && o.MinPulseUs < o.MaxPulseUs)) Add($"{f}.min_pulse_us", $"must be positive and below max_pulse_us ({F(o.MinPulseUs)} vs {F(o.MaxPulseUs)})");
            else if (o.FrequencyHz > 0 && o.MaxPulseUs >= 1e6 / o.FrequencyHz) Add($"{f}.max_pulse_us", $"{F(o.MaxPulseUs)} µs does not fit the {F(1e6 / o.FrequencyHz)} µs PWM period");
            // A motor's entry has no angles; a servo's are checked.
            if (!o.HasAngles) { }
            else if (!(Math.Abs(o.MinAngleDeg) <= MaxAngleDeg)) Add($"{f}.min_angle_deg", $"must be -{F(MaxAngleDeg)}..{F(MaxAngleDeg)}, got {F(o.MinAngleDeg)}");
            else if (!(Math.Abs(o.MaxAngleDeg) <= MaxAngleDeg)) Add($"{f}.max_angle_deg", $"must be -{F(MaxAngleDeg)}..{F(MaxAngleDeg)}, got {F(o.MaxAngleDeg)}");
            else if (!(o.MinAngleDeg < o.MaxAngleDeg)) Add($"{f}.min_angle_deg", $"must be below max_angle_deg ({F(o.MinAngleDeg)} vs {F(o.MaxAngleDeg)})");
            else if (o.SafeAngleDeg < o.MinAngleDeg || o.SafeAngleDeg > o.MaxAngleDeg) Add($"{f}.safe_angle_deg", $"{F(o.SafeAngleDeg)} is outside {F(o.MinAngleDeg)}..{F(o.MaxAngleDeg)}");
        }

        int cores = p.CpuCores > 0 ? p.CpuCores : OnlineCpus.Count();
        string coresOn = $"a {cores}-core {(p.CpuCores > 0 ? "board" : "machine")}";
        SortedSet<int>? isolated = null;
        if (p.Kernel is { } kernel) isolated = ValidateKernel(kernel.Cmdline, cores, coresOn, Add);
        ValidateThread(p.Threads.Pipeline, "threads.pipeline", cores, coresOn, isolated, Add);
        if (p.Threads.Capture is { } capture) ValidateThread(capture, "threads.capture", cores, coresOn, null, Add);
        ValidateThread(p.Threads.Watchdog, "threads.watchdog", cores, coresOn, null, Add);
        if (p.Threads.Watchdog.Policy == "deadline") Add("threads.watchdog.policy", "the watchdog thread runs SCHED_FIFO; 'deadline' is for the pipeline");
        // A watchdog below an RT pipeline (SCHED_OTHER included) could never preempt it when it spins.
        if (p.Threads.Pipeline.Priority > 0 && p.Threads.Watchdog.Priority <= p.Threads.Pipeline.Priority)
            Add("threads.watchdog.priority", $"{p.Threads.Watchdog.Priority} must be above the pipeline's {p.Threads.Pipeline.Priority}: the watchdog must be able to preempt a stuck pipeline");
        if (p.App?.Pipeline is { } groups)
            for (int g = 0; g < groups.Count; g++)
                if (groups[g] is { Priority: > 0 } group && p.Threads.Watchdog.Priority <= group.Priority)
                    Add($"app.pipeline[{g}].priority", $"{group.Priority} must be below the watchdog's {p.Threads.Watchdog.Priority}: the watchdog must be able to preempt a stuck stage group");
        foreach (int core in p.Threads.InferenceCores)
            if (core < 0 || core >= cores) Add("threads.inference_cores", $"core {core} does not exist on {coresOn}");
        if (AsksForRealtime(p) is string why && p.Threads.Pipeline.Priority == 0 && p.Threads.Pipeline.Policy != "deadline")
            Add("threads.pipeline", $"SCHED_OTHER (priority 0) on a board that asks for real-time scheduling ({why}): give the pipeline a priority 1..99 or policy deadline");
        if (p.Threads.CpuDmaLatencyUs < -1) Add("threads.cpu_dma_latency_us", $"must be -1 (leave alone) or a latency in µs, got {p.Threads.CpuDmaLatencyUs}");
        if (p.Threads.Pipeline.RuntimeUs is long runtimeUs && runtimeUs <= 0) Add("threads.pipeline.runtime_us", $"must be a positive time in µs, got {runtimeUs}");
        if (p.Scheduling is { } scheduling) ValidateScheduling(scheduling, p.Threads.Watchdog.Priority, Add);
        if (p.Threads.Telemetry is { } telemetry) ValidateThread(telemetry, "threads.telemetry", cores, coresOn, null, Add);

        if (p.Arch is not null && p.Arch != "arm64" && p.Arch != "x64") Add("arch", $"unknown architecture '{p.Arch}' (expected arm64, x64, or leave it out for any)");
        if (p.HeaderPins is { } headerPins) ValidateHeaderPins(headerPins, Add);
        ValidateSensors(p.Sensors, Add);
        ValidateService(p.Service, Add);
        if (p.Service.WatchdogSec > 0 && rateOk && p.Service.WatchdogSec * t.RateHz < 2)
            Add("service.watchdog_sec", $"{p.Service.WatchdogSec} s is less than two periods at {F(t.RateHz)} Hz: systemd would restart a loop that is only waiting for its next frame");

        var w = p.Watchdog;
        if (ParseMissPolicy(w.MissPolicy) is null) Add("watchdog.miss_policy", $"unknown policy '{w.MissPolicy}' (expected ignore, skip, hold-last, fallback, safe-state or exit)");
        if (ParseMissPolicy(w.OnStageOverrun) is null) Add("watchdog.on_stage_overrun", $"unknown policy '{w.OnStageOverrun}' (expected ignore, skip, hold-last, fallback, safe-state or exit)");
        if (ParseMissPolicy(w.OnSourceFailure) is null) Add("watchdog.on_source_failure", $"unknown policy '{w.OnSourceFailure}' (expected ignore, skip, hold-last, fallback, safe-state or exit)");
        if (w.OnStall != "ignore" && w.OnStall != "safe-state" && w.OnStall != "exit") Add("watchdog.on_stall", $"unknown policy '{w.OnStall}' (a stalled loop cannot compute commands: expected ignore, safe-state or exit)");
        if (w.StallTimeoutUs <= 0 || w.StallTimeoutUs > MaxTimeUs) Add("watchdog.stall_timeout_us", $"must be 1..{MaxTimeUs}, got {w.StallTimeoutUs}");
        else if (rateOk && w.StallTimeoutUs <= 1e6 / t.RateHz) Add("watchdog.stall_timeout_us", $"{w.StallTimeoutUs} µs must be longer than the period ({F(Math.Round(1e6 / t.RateHz))} µs)");
        if (w.FlatFramesForFault < 0) Add("watchdog.flat_frames_for_fault", $"must be 0 (off) or more, got {w.FlatFramesForFault}");
        if (!(w.FallbackStep > 0 && w.FallbackStep <= MaxAngleDeg)) Add("watchdog.fallback_step", $"must be above 0 and at most {F(MaxAngleDeg)}, got {F(w.FallbackStep)}");
        if (w.HardwareDevice is not null && DevicePathProblem(w.HardwareDevice) is string wdProblem) Add("watchdog.hardware_device", wdProblem);
        if (w.SafeAfterConsecutiveMisses < 1) Add("watchdog.safe_after_consecutive_misses", $"must be at least 1, got {w.SafeAfterConsecutiveMisses}");
        if (w.RecoverAfterGoodFrames < 1) Add("watchdog.recover_after_good_frames", $"must be at least 1, got {w.RecoverAfterGoodFrames}");

        if (p.App is { } app) ValidateApp(app, Add);
        if (p.Apps is { } apps) ValidateApps(p, apps, cores, coresOn, Add);
        return e;
    }

    /// <summary>
    /// Why the profile asks for real-time scheduling (another of its threads has an RT priority, or
    /// its kernel command line isolates cores for the loop), or null when it does not.
    /// </summary>
    public static string? AsksForRealtime(BoardProfile p)
    {
        if (p.Threads.Watchdog.Priority > 0) return $"threads.watchdog priority {p.Threads.Watchdog.Priority}";
        if (p.Threads.Capture is { Priority: > 0 } capture) return $"threads.capture priority {capture.Priority}";
        if (p.Kernel is { } kernel)
            foreach (var (name, value) in KernelCmdline.Parameters(kernel.Cmdline))
                if (name == "isolcpus") return $"kernel.cmdline isolcpus={value}";
        return null;
    }

    private static string? CheckHeaderPin(List<HeaderPinProfile> header, int pin, PwmOutputProfile o)
    {
        HeaderPinProfile? hp = null;
        foreach (var h in header) if (h.Pin == pin) { hp = h; break; }
        if (hp is null)
        {
            var usable = new List<int>();
            foreach (var h in header) usable.Add(h.Pin);
            usable.Sort();
            return $"pin {pin} is not in the board's header pin map (header_pins lists {string.Join(", ", usable)})";
        }
        if (hp.PwmChip is not int chip || hp.PwmChannel is not int channel)
            return $"pin {pin} ({hp.Function}) has no hardware PWM";
        if (chip != o.Chip || channel != o.Channel)
            return $"pin {pin} ({hp.Function}) carries pwmchip{chip} channel {channel}, but this output names pwmchip{o.Chip} channel {o.Channel}";
        return null;
    }

    private static SortedSet<int>? ValidateKernel(string cmdline, int cores, string coresOn, Action<string, string> add)
    {
        const string field = "kernel.cmdline";
        SortedSet<int>? isolated = null;
        foreach (var (name, value) in KernelCmdline.Parameters(cmdline))
        {
            if (Array.IndexOf(KernelCmdline.CpuListParameters, name) < 0) continue;
            if (!KernelCmdline.TryParseCpuList(KernelCmdline.StripFlags(name, value), out var cpus))
            {
                add(field, $"{name}={value}: not a CPU list (e.g. 3, 2-3 or 1,3)");
                continue;
            }
            foreach (int cpu in cpus)
                if (cpu >= cores) { add(field, $"{name}={value} names core {cpu}, which {coresOn} does not have"); break; }
            if (name == "isolcpus") isolated = cpus;
        }
        return isolated;
    }

    private static void ValidateScheduling(SchedulingProfile s, int watchdogPriority, Action<string, string> add)
    {
        if (Realtime.Core.Scheduling.SchedulingPlan.Parse(s.Policy) is null) add("scheduling.policy", $"unknown policy '{MessageText.Shown(s.Policy ?? "")}' (expected manual, fixed-priority or edf)");
        if (s.Priorities is not { Count: 2 } range || range[0] < 1 || range[1] > 99 || range[0] > range[1])
            add("scheduling.priorities", $"[lowest, highest] within 1..99, lowest first; got [{string.Join(", ", s.Priorities ?? new List<int>())}]");
        else if (watchdogPriority > 0 && range[1] >= watchdogPriority)
            add("scheduling.priorities", $"the highest, {range[1]}, must be below threads.watchdog.priority {watchdogPriority}: the watchdog must be able to preempt a stuck loop");
        if (s.InferenceSlots < 1 || s.InferenceSlots > 64) add("scheduling.inference_slots", $"must be 1..64 inferences at once, got {s.InferenceSlots}");
    }

    private static void ValidateThread(ThreadProfile t, string field, int cores, string coresOn, SortedSet<int>? isolated, Action<string, string> add)
    {
        if (t.Priority < 0 || t.Priority > 99) add($"{field}.priority", $"must be 0 (SCHED_OTHER) or 1..99 (SCHED_FIFO), got {t.Priority}");
        if (t.Policy != "fifo" && t.Policy != "deadline") add($"{field}.policy", $"unknown policy '{t.Policy}' (expected fifo or deadline)");
        var seen = new HashSet<int>();
        foreach (int core in t.Cores)
        {
            if (core < 0 || core >= cores) add($"{field}.cores", $"core {core} does not exist on {coresOn}");
            else if (!seen.Add(core)) add($"{field}.cores", $"core {core} is listed twice");
            else if (isolated is not null && !isolated.Contains(core))
                add($"{field}.cores", $"core {core} is not isolated by the profile's kernel.cmdline (isolcpus={KernelCmdline.Format(isolated)})");
        }
    }

    private static void ValidateHeaderPins(List<HeaderPinProfile> header, Action<string, string> add)
    {
        var pins = new HashSet<int>();
        for (int i = 0; i < header.Count; i++)
        {
            var h = header[i];
            string f = $"header_pins[{i}]";
            if (h.Pin < 1 || h.Pin > 1000) add($"{f}.pin", $"must be a physical pin number 1..1000, got {h.Pin}");
            else if (!pins.Add(h.Pin)) add($"{f}.pin", $"pin {h.Pin} is listed twice");
            if (string.IsNullOrWhiteSpace(h.Function)) add($"{f}.function", "must say what the pin is (e.g. GPIO12 / PWM0_CHAN0)");
            if (h.PwmChip.HasValue != h.PwmChannel.HasValue) add($"{f}.pwm_chip", "pwm_chip and pwm_channel go together: give both or neither");
            else if (h.PwmChip is int c && h.PwmChannel is int ch && (c < 0 || ch < 0)) add($"{f}.pwm_chip", $"chip and channel must not be negative, got pwmchip{c} channel {ch}");
        }
    }

    private static readonly string[] SensorBuses = { "i2c", "spi", "serial", "iio" };
    private static readonly string[] SensorChips = { "mpu6050", "mpu6000", "ina219" };

    private static void ValidateSensors(List<SensorProfile> sensors, Action<string, string> add)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < sensors.Count; i++)
        {
            var s = sensors[i];
            string f = $"sensors[{i}]";
            if (string.IsNullOrWhiteSpace(s.Name)) add($"{f}.name", "must not be empty");
            else if (!names.Add(s.Name)) add($"{f}.name", $"'{s.Name}' is used twice");
            if (Array.IndexOf(SensorBuses, s.Bus) < 0) add($"{f}.bus", $"unknown bus '{s.Bus}' (expected {string.Join(", ", SensorBuses)})");
            if (!s.Device.StartsWith("/dev/", StringComparison.Ordinal)) add($"{f}.device", $"must be a device node under /dev, got '{s.Device}'");
            if (s.Bus == "i2c")
            {
                if (s.Address is null || !s.Address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    || !int.TryParse(s.Address.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int a) || a < 0x03 || a > 0x77)
                    add($"{f}.address", $"an i2c sensor needs a 7-bit address 0x03..0x77 in hex, got '{s.Address}'");
            }
            else if (s.Address is not null) add($"{f}.address", $"only i2c sensors have an address (bus is '{s.Bus}')");
            if (s.Chip is not null && Array.IndexOf(SensorChips, s.Chip) < 0) add($"{f}.chip", $"unknown chip '{s.Chip}' (drivers: {string.Join(", ", SensorChips)})");
            else if (s.Chip == "mpu6050" && s.Bus != "i2c") add($"{f}.chip", $"the MPU-6050 has only an I2C port (bus is '{s.Bus}'; the MPU-6000 has SPI)");
            else if (s.Chip == "mpu6000" && s.Bus is not ("i2c" or "spi")) add($"{f}.chip", $"the MPU-6000 is on i2c or spi (bus is '{s.Bus}')");
            ValidatePowerMonitor(s, f, add);
        }
    }

    private static void ValidateService(ServiceProfile s, Action<string, string> add)
    {
        if (!IsUnixName(s.User)) add("service.user", $"must be a user name (lower-case letters, digits, '_' or '-'), got '{s.User}'");
        else if (s.User == "root") add("service.user", "must not be root: the service runs as a dedicated user with only CAP_SYS_NICE and CAP_IPC_LOCK");
        foreach (string g in s.Groups)
            if (!IsUnixName(g)) add("service.groups", $"'{g}' is not a group name");
            else if (Array.IndexOf(PowerfulGroups, g) >= 0) add("service.groups", $"'{g}' is as good as root ({PowerfulGroupWhy(g)}): give the service only the device groups it needs (video, gpio, i2c, spi, audio, dialout)");
        if (s.WatchdogSec < 0 || s.WatchdogSec > 3600) add("service.watchdog_sec", $"must be 0 (off) to 3600, got {s.WatchdogSec}");
        if (s.RestartSec < 0 || s.RestartSec > 3600) add("service.restart_sec", $"must be 0 to 3600, got {s.RestartSec}");
    }

    /// <summary>
    /// Groups whose members can become root or read every secret on a Debian board: the service
    /// user must never be put in one, whatever the profile says.
    /// </summary>
    public static readonly string[] PowerfulGroups =
    {
        "root", "wheel", "sudo", "admin", "staff", "adm", "systemd-journal", "disk", "docker", "lxd", "incus-admin", "libvirt",
        "shadow", "kmem", "tty", "netdev", "plugdev",
    };

    private static string PowerfulGroupWhy(string g) => g switch
    {
        "disk" => "raw access to every disk",
        "docker" or "lxd" or "incus-admin" or "libvirt" => "it starts containers or machines as root",
        "shadow" => "it reads every password hash",
        "kmem" => "it reads kernel memory",
        "adm" or "systemd-journal" => "it reads every log",
        "tty" => "it writes to other users' terminals",
        "netdev" or "plugdev" => "it reconfigures the network or mounts devices",
        _ => "it administers the system",
    };

    /// <summary>
    /// Whether a profile's device path has the only form a device node may have: an absolute, canonical
    /// path under /dev ('/dev/watchdog0'): letters, digits, '.', '_', '-' and '/' only, no '.' or '..'
    /// part, no '//', not in /dev's shared-memory folders. The device itself is checked when it is opened.
    /// </summary>
    public static string? DevicePathProblem(string path)
    {
        string form = $"must be a device node's canonical path under /dev (like /dev/watchdog0), got '{path}'";
        if (!path.StartsWith("/dev/", StringComparison.Ordinal) || path.Length > 255 || path.EndsWith('/')) return form;
        foreach (char ch in path)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '_' or '-')) return form;
        foreach (string part in path[1..].Split('/'))
            if (part is "" or "." or "..") return form;
        if (path.StartsWith("/dev/shm/", StringComparison.Ordinal) || path.StartsWith("/dev/mqueue/", StringComparison.Ordinal) || path.StartsWith("/dev/hugepages/", StringComparison.Ordinal))
            return $"'{path}' is in a folder of files, not a device node";
        return null;
    }

    private static bool IsUnixName(string s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > 32 || !(char.IsAsciiLetterLower(s[0]) || s[0] == '_')) return false;
        foreach (char ch in s) if (!(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_' || ch == '-')) return false;
        return true;
    }

    /// <summary>The fault action a profile names, or null when unknown.</summary>
    public static Pipeline.FaultAction? ParseMissPolicy(string name) => Pipeline.LoopWatchdog.ParseAction(name);

}
