using Realtime.Core.Sensors;
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using Realtime.Core.Profiles;
using Realtime.Core.Scheduling;
using Realtime.Linux;
using Realtime.Linux.V4l2;
using Realtime.Core.Graph;
using Realtime.Linux.Components;
using Realtime.Onnx;
using Realtime.Onnx.Components;
using Item = Realtime.Hosting.Commands.CheckItem;
using Level = Realtime.Hosting.Commands.CheckLevel;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp check --board NAME</c>: sets this machine beside the profile and prints a checklist with
/// a fix for each problem. Hard failures (the loop cannot run as the profile says) exit 1; warnings
/// (it runs, with worse timing) do not.
/// </summary>
internal sealed class CheckCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "check";

    /// <inheritdoc/>
    public override string Description => "Sets this machine beside the profile: RT kernel, isolated cores, governor, RT throttling, " +
        "limits, device nodes, model hash. Exit 0 when nothing fails (warnings allowed).";

    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile: a built-in name or a profile file (default: sim).");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable).");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos (the model's hash is checked).");
    private readonly Option<bool> _admit = HostOptions.Flag("--admit", "Also judge the loop against its measured worst case (the timing file rtapp bench --calibrate writes): " +
        "response-time analysis (fixed priority) or the demand-bound test (SCHED_DEADLINE); a set that cannot meet its deadline exits 2.");
    private readonly Option<string> _timing = HostOptions.Text("--timing", "FILE.json", "The timing file (default: beside the profile, NAME.timing.json).");
    private readonly Option<bool> _override = HostOptions.Flag(Admission.OverrideFlag, "With --admit: report a refused set and exit as if admitted.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _board, _set, _assets, _admit, _timing, _override };

    /// <summary>
    /// Opens a <c>v4l2-camera</c> node's device (without streaming): is it there, is it a V4L2 capture
    /// device, does it offer the format its config (<paramref name="field"/>) asks for.
    /// </summary>
    private static void CheckCamera(string node, string field, V4l2CaptureOptions o, List<Item> items)
    {
        string what = $"camera '{node}'";
        string want = CameraFormats.FourCc(o.Format);
        V4l2DeviceInfo info;
        try { info = V4l2Capture.Probe(o.Device); }
        catch (V4l2Exception ex)
        {
            items.Add(new Item(Level.Fail, what, ex.Message, File.Exists(o.Device) ? $"fix {field}.device (`v4l2-ctl --list-devices`)" : $"plug in the camera, or fix {field}.device"));
            return;
        }
        string where = $"{o.Device}: {info.Card} ({info.Driver}, {info.BusInfo})";
        if (!info.CanCapture || !info.CanStream)
            items.Add(new Item(Level.Fail, what, $"{where} is not a streaming single-planar capture device", $"fix {field}.device: the camera's capture node (`v4l2-ctl --list-devices`)"));
        else if (!info.Offers(o.Format))
            items.Add(new Item(Level.Fail, what, $"{where} does not offer {want}; it offers {info.FormatList()}", $"set {field}.format to a format it offers"));
        else
            items.Add(new Item(Level.Ok, what, $"{where} offers {want} (asked for {o.Width}x{o.Height}; the size is settled when streaming starts)", null));
        if (o.Format == CameraFormat.Mjpeg)
        {
            try
            {
                using var jpeg = new MjpegDecoder();
                items.Add(new Item(Level.Ok, "MJPEG decoder", "libturbojpeg loaded", null));
            }
            catch (V4l2Exception ex) { items.Add(new Item(Level.Fail, "MJPEG decoder", ex.Message, $"apt-get install libturbojpeg0, or set {field}.format to yuyv")); }
        }
    }

    /// <summary>A model node's file: there, and matching its pinned hash when it pins one.</summary>
    private static Item CheckModel(DeclaredModel m, string? assets)
    {
        string what = $"model '{m.Node}'";
        if (m.Path.Length == 0) return new Item(Level.Fail, what, $"{m.Field}.path: no model file named", $"name the ONNX file in {m.Field}.path");
        string path = AssetLocator.Resolve(assets, m.Path);
        if (!File.Exists(path)) return new Item(Level.Fail, what, $"{m.Field}.path: {path} not found", "./scripts/fetch-assets.sh (or --assets DIR)");
        if (m.Sha256 is string sha && ModelFile.Mismatch(path, sha) is string bad)
            return new Item(Level.Fail, what, $"{m.Field}.sha256: {bad}", $"fetch the model again (./scripts/fetch-assets.sh), or pin the file's own hash in {m.Field}.sha256");
        return new Item(Level.Ok, what, $"{path}{(m.Sha256 is null ? " (no hash pinned)" : " (SHA-256 matches)")}", null);
    }

    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        string board = cl.GetValue(_board) ?? "sim";
        var (p, source) = ProfileCatalog.Load(board, cl.GetValue(_set) ?? [], null, host);
        var items = new List<Item>();
        var m = MachineFacts.Read();
        bool root = Environment.UserName == "root";

        items.Add(m.PreemptRt
            ? new Item(Level.Ok, "real-time kernel", $"PREEMPT_RT ({m.Kernel})", null)
            : new Item(Level.Warn, "real-time kernel", $"{m.Kernel} is not PREEMPT_RT: worst-case wake-up latency is not bounded", "install a PREEMPT_RT kernel (Debian: linux-image-rt-amd64 / linux-image-rt-arm64)"));

        string isolated = m.IsolatedCores;
        KernelCmdline.TryParseCpuList(isolated, out var isolatedSet);
        foreach (int c in p.Threads.Pipeline.Cores)
        {
            if (c >= m.Cores)
                items.Add(new Item(Level.Fail, $"core {c}", $"the profile pins the pipeline to core {c}; this machine has {m.Cores} cores (0..{m.Cores - 1})", "run on the board the profile is for, or change threads.pipeline.cores"));
            else if (!isolatedSet.Contains(c))
                items.Add(new Item(Level.Warn, $"core {c} isolated", $"core {c} is not in isolcpus ({(isolated.Length == 0 ? "none" : isolated)}): other tasks share it", $"add isolcpus={c} nohz_full={c} rcu_nocbs={c} to the kernel command line"));
            else
                items.Add(new Item(Level.Ok, $"core {c} isolated", $"isolcpus={isolated}, nohz_full={(m.NohzFull.Length == 0 ? "none" : m.NohzFull)}", null));
        }
        foreach (int c in p.Threads.Watchdog.Cores)
            if (c >= m.Cores) items.Add(new Item(Level.Fail, $"core {c}", $"the watchdog thread is pinned to core {c}; this machine has {m.Cores} cores", "change threads.watchdog.cores"));

        items.Add(m.Governor switch
        {
            null => new Item(Level.Warn, "CPU governor", "no cpufreq governor is exposed (a VM or a fixed clock)", null),
            "performance" => new Item(Level.Ok, "CPU governor", "performance", null),
            string g => new Item(Level.Warn, "CPU governor", $"'{g}': frequency changes add latency", "echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor"),
        });

        items.Add(m.SchedRtRuntimeUs switch
        {
            -1 => new Item(Level.Ok, "RT throttling", "off (sched_rt_runtime_us = -1)", null),
            long us => new Item(Level.Warn, "RT throttling", $"sched_rt_runtime_us = {us} of {m.SchedRtPeriodUs}: a runaway RT loop is stopped for {((m.SchedRtPeriodUs ?? 1_000_000) - us) / 1000} ms each second", "fine as a safety net (a loop that runs back to back rests between frames to stay under it); set /proc/sys/kernel/sched_rt_runtime_us to -1 only with a working watchdog"),
            null => new Item(Level.Warn, "RT throttling", "unknown (/proc/sys/kernel/sched_rt_runtime_us not readable)", null),
        });

        int prio = Math.Max(p.Threads.Pipeline.Priority, p.Threads.Watchdog.Priority);
        ulong? rtprio = MachineFacts.Rlimit(memlock: false);
        if (prio > 0)
            items.Add(root || rtprio is null || rtprio >= (ulong)prio
                ? new Item(Level.Ok, "RT priority allowed", root ? $"running as root (priority {prio} needs CAP_SYS_NICE)" : $"RLIMIT_RTPRIO {(rtprio is null ? "unlimited" : rtprio.ToString())}", null)
                : new Item(Level.Warn, "RT priority allowed", $"RLIMIT_RTPRIO is {rtprio}, the profile asks for {prio}: the loop will run SCHED_OTHER", "run with CAP_SYS_NICE (systemd: AmbientCapabilities=CAP_SYS_NICE, LimitRTPRIO=99)"));
        ulong? memlock = MachineFacts.Rlimit(memlock: true);
        if (p.Threads.LockMemory)
            items.Add(root || memlock is null
                ? new Item(Level.Ok, "memory locking", root ? "running as root (mlockall needs CAP_IPC_LOCK)" : "RLIMIT_MEMLOCK unlimited", null)
                : new Item(Level.Warn, "memory locking", $"RLIMIT_MEMLOCK is {memlock / 1024} KiB: mlockall will fail and page faults may add latency", "systemd: LimitMEMLOCK=infinity, or AmbientCapabilities=CAP_IPC_LOCK"));

        if (p.Threads.CpuDmaLatencyUs >= 0)
            items.Add(File.Exists("/dev/cpu_dma_latency")
                ? new Item(Level.Ok, "/dev/cpu_dma_latency", "present", null)
                : new Item(Level.Warn, "/dev/cpu_dma_latency", "missing: idle-state exits cannot be held off", null));

        if (!p.Simulated)
        {
            foreach (var o in p.Pwm)
            {
                if (o.Pca9685 is { } pca)
                {
                    // Driven from user space: the bus device is what must be there (the board answering shows at run start).
                    items.Add(File.Exists(pca.Device)
                        ? new Item(Level.Ok, $"PWM '{o.Name}'", $"PCA9685 at {pca.Device} {pca.Address} channel {o.Channel}", null)
                        : new Item(Level.Fail, $"PWM '{o.Name}'", $"{pca.Device} does not exist", "load i2c-dev (modprobe i2c-dev) and check the adapter (i2cdetect -l), or fix pwm[].pca9685.device"));
                    continue;
                }
                string chip = $"/sys/class/pwm/pwmchip{o.Chip}";
                items.Add(Directory.Exists(chip)
                    ? new Item(Level.Ok, $"PWM '{o.Name}'", $"{chip} channel {o.Channel}", null)
                    : new Item(Level.Fail, $"PWM '{o.Name}'", $"{chip} does not exist", "enable the PWM overlay (Raspberry Pi: dtoverlay=pwm-2chan in config.txt) or fix pwm[].chip"));
            }
        }
        if (!p.Simulated)
            foreach (var sensor in p.Sensors)
                if (sensor.Chip is "mpu6050" or "mpu6000") items.Add(CheckImu(sensor));
                else if (Realtime.Gpio.Power.PowerMonitors.IsPowerMonitor(sensor))
                    items.Add(File.Exists(sensor.Device)
                        ? new Item(Level.Ok, $"sensor '{sensor.Name}'", $"{sensor.Chip} power monitor at {sensor.Device} {sensor.Address}", null)
                        : new Item(Level.Fail, $"sensor '{sensor.Name}'", $"{sensor.Device} does not exist (rtapp run stops on it)", "load i2c-dev and check the adapter (i2cdetect -l), or remove the sensor"));
        if (p.App is { } graph)
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                if (graph.Nodes[i].Type != V4l2CameraSource.TypeName) continue;
                var config = new NodeConfig(graph.Nodes[i].Config, $"app.nodes[{i}].config");
                if (V4l2CameraSource.Options(config, p) is { } options) CheckCamera(graph.Nodes[i].Name, config.Field, options, items);
                else items.Add(new Item(Level.Fail, $"camera '{graph.Nodes[i].Name}'", string.Join("; ", config.Problems), "fix the fields named"));
            }
        if (p.Watchdog.HardwareDevice is string wd)
            items.Add(HardwareWatchdog.Check(wd, out _) is not string wdProblem
                ? new Item(Level.Ok, "hardware watchdog", wd, null)
                : new Item(Level.Fail, "hardware watchdog", wdProblem, File.Exists(wd)
                    ? "name the board's watchdog node (ls -l /dev/watchdog*) in watchdog.hardware_device"
                    : "enable the SoC watchdog (Raspberry Pi: dtparam=watchdog=on) or remove watchdog.hardware_device"));

        // Every file the graph's nodes name, as their types declare them: each model node's file and
        // pinned hash, then the others (videos, recordings), each its own item; then the graph is built and started.
        string? assets = AssetLocator.Find(cl.GetValue(_assets));
        var models = DeclaredModel.In(p.App);
        foreach (var model in models) items.Add(CheckModel(model, assets));
        if (p.App is { } app)
            foreach (var file in host.Components.Files(app))
            {
                if (file.Device || models.Exists(m => m.Path == file.Path)) continue;
                string path = AssetLocator.Resolve(assets, file.Path);
                items.Add(File.Exists(path)
                    ? new Item(Level.Ok, "file", $"{file.Field}: {path}", null)
                    : new Item(Level.Fail, "file", $"{file.Field}: {path} not found", "./scripts/fetch-assets.sh (or --assets DIR)"));
            }
        // Several applications in one host: each loop's graph is built as the run builds it, outputs claimed across loops.
        List<AppLoop>? loops = AppSet.Runs(p) ? AppSet.Load(host, board, cl.GetValue(_set) ?? [], p, source) : null;
        // The profile's scheduling policy sets each loop's thread as the run will (edf: runtimes from the timing file).
        if (loops is not null)
            LoopScheduling.Apply(p, loops, p.Scheduling?.Policy == "edf" ? TimingFile.Read(TimingFiles.PathFor(board, cl.GetValue(_timing))) : null, source);
        if (loops is not null)
        {
            var claims = new Realtime.Core.Graph.OutputClaims();
            var built = new List<IApplicationInstance>();
            try
            {
                foreach (var l in loops) items.Add(CheckGraph(host, l.Profile, l.Source, assets, l, claims, built));
            }
            finally
            {
                foreach (var b in built) b.Dispose();
            }
        }
        else if (!GraphApplication.Composes(p))
            items.Add(new Item(Level.Fail, "app graph", "the profile has no app section: nothing to run", "add an app section (boards/sim.json has one)"));
        else
            items.Add(CheckGraph(host, p, source, assets));

        Admission.Verdict? admission = null;
        string timingPath = TimingFiles.PathFor(board, cl.GetValue(_timing));
        if (cl.GetValue(_admit))
        {
            // Read (and refused when hostile) before anything is printed: a bad timing file is bad input.
            var timing = TimingFile.Read(timingPath);
            var set = new List<(string, Realtime.Core.Profiles.BoardProfile)>();
            if (loops is null) set.Add((host.ApplicationFor(p, source).Name, p));
            else foreach (var l in loops) set.Add((l.Name, l.Profile));
            admission = Admission.Judge(set, board, timingPath, timing, TimingFiles.ProfileHash(board, cl.GetValue(_set) ?? [], null, host), m);
            if (admission.Missing is string missing)
                items.Add(new Item(Level.Fail, "timing file", missing, null));
            // Overridden, a refusal is reported as a warning: the set runs anyway.
            foreach (var i in admission.Items) items.Add(cl.GetValue(_override) && i.Level == Level.Fail ? i with { Level = Level.Warn } : i);
        }
        else if (cl.GetValue(_timing) is not null || cl.GetValue(_override))
            throw new UsageException($"--timing and {Admission.OverrideFlag} go with --admit");

        Console.WriteLine($"rtapp check: board '{p.Name}' ({source}) on {Environment.MachineName}, {m.Cores} cores, {m.Arch}, kernel {m.Kernel}");
        var (fails, warns) = Item.Print(items);
        if (admission?.Missing is string none)
        {
            Log.Error("admission", none);
            return ExitCodes.BadInput;
        }
        if (admission is { Refusals.Count: > 0 })
        {
            foreach (string r in admission.Refusals)
                Log.Error("admission", cl.GetValue(_override) ? $"{r}; overridden ({Admission.OverrideFlag})" : r);
            if (!cl.GetValue(_override))
            {
                Log.Continue(LogLevel.Error, $"admission refuses the set ({Admission.OverrideFlag} runs it anyway)");
                return ExitCodes.BadInput;
            }
        }
        Console.WriteLine(fails == 0
            ? $"ready: nothing fails ({warns} warning(s): the loop runs, with weaker timing guarantees)"
            : $"not ready: {fails} check(s) fail, {warns} warning(s)");
        return fails == 0 ? ExitCodes.Ok : ExitCodes.Fault;
    }
    // Builds and starts the profile's app graph as a run would (models load, connections and shapes are
    // checked, every node starts, outputs go to their safe values) and runs no frame.
    // One loop of several (loop given): its outputs are claimed in claims, and it stays built (in kept) until every loop is, as in a run.
    private static Item CheckGraph(RealtimeHost host, Realtime.Core.Profiles.BoardProfile p, string source, string? assets,
        AppLoop? loop = null, Realtime.Core.Graph.OutputClaims? claims = null, List<IApplicationInstance>? kept = null)
    {
        var app = p.App!;
        string what = loop is null ? "app graph" : $"app graph of loop '{loop.Name}'";
        try
        {
            var application = loop?.Application ?? host.ApplicationFor(p, source);
            var built = application.Build(new ApplicationContext(p, source)
            {
                AssetsDirectory = assets, Overrides = new RunOverrides { Frames = 1, WarmupFrames = 0 }, HostClaims = claims, LoopName = loop?.Name,
            });
            if (kept is not null) kept.Add(built);
            using var owned = kept is null ? built : null;
            var models = new List<string>();
            foreach (var m in built.Models) models.Add($"{m.Name} ({Path.GetFileName(m.Path)})");
            return new Item(Level.Ok, what, $"{app.Nodes.Count} node(s), {app.Connections.Count} connection(s) build and start; model(s): {(models.Count == 0 ? "none" : string.Join(", ", models))}", null);
        }
        catch (Realtime.Core.Profiles.ProfileException ex)
        {
            return new Item(Level.Fail, what, ex.Message.Replace("\n", "; ", StringComparison.Ordinal), "fix the app section's fields named (./scripts/fetch-assets.sh for a missing asset)");
        }
    }

    // Opens the IMU through the project's driver and reads one sample: the chip answers and its bus works.
    private static Item CheckImu(Realtime.Core.Profiles.SensorProfile sensor)
    {
        string what = $"sensor '{sensor.Name}'";
        try
        {
            using var imu = Realtime.Gpio.Imu.ImuBus.Open(sensor);
            var s = new ImuSample();
            imu.Read(ref s);
            return new Item(Level.Ok, what, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{sensor.Chip} on {imu.Where}: accel {s.AccelX:0.000} {s.AccelY:0.000} {s.AccelZ:0.000} g, gyro {s.GyroX:0.00} {s.GyroY:0.00} {s.GyroZ:0.00} °/s, {s.TemperatureC:0.0} °C"), null);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return new Item(Level.Fail, what, ex.Message, $"check the wiring and {sensor.Device} (i2cdetect lists what answers), or fix sensors[].device/address");
        }
    }
}
