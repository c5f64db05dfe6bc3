using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Realtime.Core.Profiles;

/// <summary>A board profile: the data that says how a loop runs on one board. JSON, snake_case.</summary>
public sealed class BoardProfile
{
    /// <summary>Short name (the file name without .json).</summary>
    public string Name { get; set; } = "";
    /// <summary>What the board is, in words.</summary>
    public string Description { get; set; } = "";
    /// <summary>CPU cores the board has (0: whatever machine it runs on, for the simulated board).</summary>
    public int CpuCores { get; set; }
    /// <summary>Outputs are simulated (no hardware touched).</summary>
    public bool Simulated { get; set; }
    /// <summary>
    /// The application the profile runs by default, by its registered name; empty when it names none
    /// (the host then gives it its default application: see <see cref="ProfileLoadOptions.DefaultDemo"/>).
    /// </summary>
    public string Demo { get; set; } = "";
    /// <summary>Rate, deadline, budgets.</summary>
    public TimingProfile Timing { get; set; } = new();
    /// <summary>PWM outputs, in channel order of the actuator command.</summary>
    public List<PwmOutputProfile> Pwm { get; set; } = new();
    /// <summary>Cores and priorities of the loop's threads.</summary>
    public ThreadsProfile Threads { get; set; } = new();
    /// <summary>What to do when frames are late.</summary>
    public WatchdogProfile Watchdog { get; set; } = new();
    /// <summary>How the host schedules the loops of several applications (<c>apps[]</c>): manual, fixed-priority or edf (null: each loop as its <c>threads.pipeline</c> says, as manual).</summary>
    public SchedulingProfile? Scheduling { get; set; }
    /// <summary>CPU architecture of the board's binary: <c>arm64</c>, <c>x64</c>, or null (any: the machine it runs on).</summary>
    public string? Arch { get; set; }
    /// <summary>
    /// The board's header pin map: the physical header pins an output may use, and the PWM channel
    /// each one carries. When present, every <c>pwm[].pin</c> must be one of these and match its channel.
    /// </summary>
    public List<HeaderPinProfile>? HeaderPins { get; set; }
    /// <summary>Sensor devices besides the camera (documentation, validation, and the bundle's device checks).</summary>
    public List<SensorProfile> Sensors { get; set; } = new();
    /// <summary>The kernel command line the board is meant to boot with (core isolation).</summary>
    public KernelProfile? Kernel { get; set; }
    /// <summary>How the bundle's systemd service runs the loop.</summary>
    public ServiceProfile Service { get; set; } = new();
    /// <summary>What a continuous run (no frame count) keeps and reports while it runs.</summary>
    public TelemetryProfile Telemetry { get; set; } = new();
    /// <summary>The application graph (nodes, connections, loop timing), built by a component registry.</summary>
    public AppProfile? App { get; set; }
    /// <summary>
    /// Several applications in one host, each its own loop (null: the one application <c>demo</c> names).
    /// Board facts (pins, outputs, watchdog) are each application's profile: this one with its <c>demos</c> entry merged in.
    /// </summary>
    public List<AppEntryProfile>? Apps { get; set; }
    /// <summary>The JSON schema an editor validates the file against; read and ignored.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; set; }
}

/// <summary>
/// A continuous run's reporting (<c>timing.frames</c> 0 or <c>--frames 0</c>): its interval summaries
/// and how many frames' records it keeps for the report.
/// </summary>
public sealed class TelemetryProfile
{
    /// <summary>Seconds between interval summaries (a line on stdout and a JSON report in the state directory).</summary>
    public double IntervalS { get; set; } = 60;
    /// <summary>Counted frames whose records the report keeps (the last ones, in a ring).</summary>
    public int RingFrames { get; set; } = Realtime.Core.Pipeline.ClosedLoopOptions.DefaultRingFrames;
    /// <summary>Interval reports kept in the state directory (older ones are deleted).</summary>
    public int KeepReports { get; set; } = 24;
    /// <summary>The flight recorder's miss and snapshot files kept in their folder (older ones are deleted).</summary>
    public int KeepRecordings { get; set; } = 16;
    /// <summary>Their total size at most, in MB (older ones are deleted).</summary>
    public int RecordingsMaxMb { get; set; } = 256;
}

/// <summary>One usable physical header pin.</summary>
public sealed class HeaderPinProfile
{
    /// <summary>Physical pin number on the header (1..40 on a 40-pin header).</summary>
    public int Pin { get; set; }
    /// <summary>What the pin is, in the board's own words (e.g. <c>GPIO12 / PWM0_CHAN0</c>).</summary>
    public string Function { get; set; } = "";
    /// <summary>The pwmchip (sysfs <c>/sys/class/pwm/pwmchipN</c>) that drives the pin, or null when it has no hardware PWM.</summary>
    public int? PwmChip { get; set; }
    /// <summary>The channel on <see cref="PwmChip"/>.</summary>
    public int? PwmChannel { get; set; }
}

/// <summary>A sensor device the board carries.</summary>
public sealed class SensorProfile
{
    /// <summary>Name (imu, servo-driver …).</summary>
    public string Name { get; set; } = "";
    /// <summary>Bus: <c>i2c</c>, <c>spi</c>, <c>serial</c> or <c>iio</c>.</summary>
    public string Bus { get; set; } = "";
    /// <summary>Device node under /dev.</summary>
    public string Device { get; set; } = "";
    /// <summary>I2C address in hex (<c>0x68</c>), for <c>i2c</c> sensors.</summary>
    public string? Address { get; set; }
    /// <summary>
    /// The chip, when the project has a driver for it: <c>mpu6050</c> (I2C) or <c>mpu6000</c> (SPI or
    /// I2C), an IMU; <c>ina219</c> (I2C), a power monitor whose readings give the
    /// report's energy per frame.
    /// </summary>
    public string? Chip { get; set; }
    /// <summary>A power monitor's shunt resistor, ohms.</summary>
    public double? ShuntOhms { get; set; }
    /// <summary>The largest current a power monitor is to measure, A (sets its current resolution).</summary>
    public double? MaxCurrentA { get; set; }
}

/// <summary>The kernel command line the profile's core plan assumes.</summary>
public sealed class KernelProfile
{
    /// <summary>Parameters to add to the kernel command line, e.g. <c>isolcpus=3 nohz_full=3 rcu_nocbs=3</c>.</summary>
    public string Cmdline { get; set; } = "";
}

/// <summary>The systemd service the bundle installs.</summary>
public sealed class ServiceProfile
{
    /// <summary>The dedicated user the service runs as (never root).</summary>
    public string User { get; set; } = "rtapp";
    /// <summary>Extra groups for device access (video, gpio, i2c …); groups the board lacks are skipped at install.</summary>
    public List<string> Groups { get; set; } = new();
    /// <summary>systemd <c>WatchdogSec</c>: the service is restarted when the loop makes no progress for this long (0: off).</summary>
    public int WatchdogSec { get; set; } = 5;
    /// <summary>systemd <c>RestartSec</c>.</summary>
    public int RestartSec { get; set; } = 2;
}

/// <summary>Rate, deadline and per-stage budgets.</summary>
public sealed class TimingProfile
{
    /// <summary>Loop rate.</summary>
    public double RateHz { get; set; } = 30;
    /// <summary>Deadline after capture, µs.</summary>
    public long DeadlineUs { get; set; } = 15000;
    /// <summary>Warm-up frames, reported apart.</summary>
    public int WarmupFrames { get; set; } = 30;
    /// <summary>Counted frames when the command line does not say.</summary>
    public int Frames { get; set; } = 900;
    /// <summary>Per-stage budgets in µs (capture, preprocess, infer, decode, control, actuate).</summary>
    public Dictionary<string, long> BudgetsUs { get; set; } = new();
}

/// <summary>One PWM output driving a servo or a motor.</summary>
public sealed class PwmOutputProfile
{
    /// <summary>Name (pan, tilt …).</summary>
    public string Name { get; set; } = "";
    /// <summary>PWM chip number (sysfs pwmchipN); unused when <see cref="Pca9685"/> is set.</summary>
    public int Chip { get; set; }
    /// <summary>Channel on the chip (0..15 on a PCA9685).</summary>
    public int Channel { get; set; }
    /// <summary>The PCA9685 servo board the channel is on, driven over I2C from user space; null: sysfs PWM.</summary>
    public Pca9685Profile? Pca9685 { get; set; }
    /// <summary>Physical header pin the channel comes out on: checked against <see cref="BoardProfile.HeaderPins"/> and for conflicts.</summary>
    public int? Pin { get; set; }
    /// <summary>PWM frequency.</summary>
    public int FrequencyHz { get; set; } = 50;
    /// <summary>Pulse width at the minimum angle, µs.</summary>
    public double MinPulseUs { get; set; } = 1000;
    /// <summary>Pulse width at the maximum angle, µs.</summary>
    public double MaxPulseUs { get; set; } = 2000;
    /// <summary>Smallest angle (a servo's; -45 when the entry gives none).</summary>
    [JsonIgnore]
    public double MinAngleDeg { get => MinAngle ?? -45; set => MinAngle = value; }
    /// <summary>Largest angle (a servo's; 45 when the entry gives none).</summary>
    [JsonIgnore]
    public double MaxAngleDeg { get => MaxAngle ?? 45; set => MaxAngle = value; }
    /// <summary>Angle the output goes to in the safe state (a servo's; 0 when the entry gives none).</summary>
    [JsonIgnore]
    public double SafeAngleDeg { get => SafeAngle ?? 0; set => SafeAngle = value; }
    /// <summary>
    /// Whether the entry gives angles: a servo's does; a motor's (speed in [-1, 1], stop halfway
    /// between the pulse limits) has none, and the loader checks angles only where they are given.
    /// </summary>
    [JsonIgnore]
    public bool HasAngles => MinAngle is not null || MaxAngle is not null || SafeAngle is not null;

    // The file's fields, absent when the entry has no angles (a motor's).
    [JsonInclude, JsonPropertyName("min_angle_deg")]
    internal double? MinAngle { get; set; }
    [JsonInclude, JsonPropertyName("max_angle_deg")]
    internal double? MaxAngle { get; set; }
    [JsonInclude, JsonPropertyName("safe_angle_deg")]
    internal double? SafeAngle { get; set; }
}

/// <summary>Scheduling of one thread.</summary>
public sealed class ThreadProfile
{
    /// <summary>CPU cores the thread may run on (empty: any).</summary>
    public List<int> Cores { get; set; } = new();
    /// <summary>SCHED_FIFO priority 1..99, or 0 for SCHED_OTHER.</summary>
    public int Priority { get; set; }
    /// <summary><c>fifo</c> (SCHED_FIFO at <see cref="Priority"/>) or <c>deadline</c> (SCHED_DEADLINE: runtime <see cref="RuntimeUs"/>, else the stage budgets; deadline and period the loop's).</summary>
    public string Policy { get; set; } = "fifo";
    /// <summary>The SCHED_DEADLINE runtime per period, µs (null: the sum of the stage budgets, else the deadline); <c>scheduling.policy</c> edf sets it from the loop's measured worst case.</summary>
    public long? RuntimeUs { get; set; }
}

/// <summary>Threads of the loop.</summary>
public sealed class ThreadsProfile
{
    /// <summary>The pipeline thread.</summary>
    public ThreadProfile Pipeline { get; set; } = new();
    /// <summary>The watchdog thread (it should have the highest priority).</summary>
    public ThreadProfile Watchdog { get; set; } = new();
    /// <summary>Cores for ONNX Runtime's intra-op threads beyond the pipeline thread (used when an onnx-model node's intra_op_threads &gt; 1).</summary>
    public List<int> InferenceCores { get; set; } = new();
    /// <summary>The capture thread, when capture runs apart from the pipeline (null: not planned).</summary>
    public ThreadProfile? Capture { get; set; }
    /// <summary>The telemetry thread (null: not planned).</summary>
    public ThreadProfile? Telemetry { get; set; }
    /// <summary>Lock memory (mlockall) before the loop starts.</summary>
    public bool LockMemory { get; set; } = true;
    /// <summary>Value held in /dev/cpu_dma_latency while running (0 keeps cores out of deep idle states); -1 leaves it alone.</summary>
    public int CpuDmaLatencyUs { get; set; }
    /// <summary>
    /// Whether the loops of a profile with several applications (<c>apps[]</c>) may share pipeline cores (they then
    /// interfere, which admission accounts for); false: two loops on overlapping cores are a profile error.
    /// </summary>
    public bool SharePipelineCores { get; set; } = true;
}

/// <summary>Miss handling.</summary>
public sealed class WatchdogProfile
{
    /// <summary>What a late frame does: ignore, skip, hold-last, fallback, safe-state or exit.</summary>
    public string MissPolicy { get; set; } = "hold-last";
    /// <summary>What a stage over its budget does (same choices).</summary>
    public string OnStageOverrun { get; set; } = "ignore";
    /// <summary>What a stalled pipeline or source does (seen by the watchdog thread): ignore, safe-state or exit.</summary>
    public string OnStall { get; set; } = "safe-state";
    /// <summary>What a failed, stale or flat source frame does.</summary>
    public string OnSourceFailure { get; set; } = "hold-last";
    /// <summary>Flat frames in a row (all 64 grid samples identical) that make a source failure; 0 turns the check off.</summary>
    public int FlatFramesForFault { get; set; } = 3;
    /// <summary>No progress for this long is a stall, µs.</summary>
    public long StallTimeoutUs { get; set; } = 250_000;
    /// <summary>Faulty frames in a row that force the safe state.</summary>
    public int SafeAfterConsecutiveMisses { get; set; } = 3;
    /// <summary>Healthy frames in a row that leave the safe or fallback state.</summary>
    public int RecoverAfterGoodFrames { get; set; } = 10;
    /// <summary>The fallback controller's step toward the safe values, per frame, in channel units (degrees).</summary>
    public double FallbackStep { get; set; } = 2;
    /// <summary>Hardware watchdog device to kick while the loop makes progress (e.g. /dev/watchdog); null for none.</summary>
    public string? HardwareDevice { get; set; }
}

