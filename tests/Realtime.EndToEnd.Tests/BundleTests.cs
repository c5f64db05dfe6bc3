using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// `rtapp bundle`: the tarball a board installs from — the right binary and libraries for the
/// board's architecture, the resolved profile, the pinned model, a systemd unit that runs the loop
/// as a dedicated user with only the real-time capabilities — and the systemd notify protocol the
/// unit relies on.
/// </summary>
public sealed class BundleTests : IDisposable
{
    // A sim bundle is 60 MB packed and 140 MB unpacked: each test removes what it wrote.
    private readonly List<string> _dirs = new();

    private string TempDir()
    {
        string d = Rtapp.TempDir();
        _dirs.Add(d);
        return d;
    }

    public void Dispose()
    {
        foreach (string d in _dirs) if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
    }

    /// <summary>Bundles and unpacks; returns the unpacked bundle folder.</summary>
    private string Bundle(out RtappResult result, params string[] args) => Bundles.Make(TempDir(), out result, args);

    private static string ElfMachine(string path)
    {
        byte[] h = new byte[20];
        using (var f = File.OpenRead(path)) Assert.Equal(20, f.Read(h, 0, 20));
        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, h[..4]);
        return (h[18] | (h[19] << 8)) switch { 0x3E => "x64", 0xB7 => "arm64", int m => $"0x{m:x}" };
    }

    private static string[] UnitLines(string bundle, string unit) => Bundles.UnitLines(bundle, unit);

    [Fact]
    public void AnArm64BoardsBundleHoldsTheArm64BinaryItsLibrariesTheModelAndAnUnprivilegedService()
    {
        _ = TestAssets.RtappArm64; // the cross build made it (else this says how)
        string b = Bundle(out var r, "--board", "rpi5");
        Assert.EndsWith("rtapp-rpi5-" + Rtapp.Run(TimeSpan.FromSeconds(30), "--version").Stdout.Trim().Split(' ')[1] + "-linux-arm64", b);

        Assert.Equal("arm64", ElfMachine(Path.Combine(b, "bin", "rtapp")));
        Assert.Equal("arm64", ElfMachine(Path.Combine(b, "bin", "libonnxruntime.so")));
        Assert.False(File.Exists(Path.Combine(b, "bin", "libOpenCvSharpExtern.so")), "no OpenCV: there is none for arm64, and a v4l2 board does not need it");
        Assert.Equal(File.ReadAllBytes(TestAssets.BlazeFace128), File.ReadAllBytes(Path.Combine(b, "assets", "models", "face_detection_front_128x128_barracuda.onnx")));

        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(b, "boards", "rpi5.json"))))
        {
            Assert.Equal("rpi5", doc.RootElement.GetProperty("name").GetString());
            Assert.False(doc.RootElement.TryGetProperty("model", out _));
            var blazeface = doc.RootElement.GetProperty("app").GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "blazeface");
            Assert.Equal("d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51", blazeface.GetProperty("config").GetProperty("sha256").GetString());
        }

        var unit = UnitLines(b, "rtapp-rpi5.service");
        foreach (string line in new[]
        {
            "Type=notify", "User=rtapp", "Group=rtapp", "AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK", "CapabilityBoundingSet=CAP_SYS_NICE CAP_IPC_LOCK",
            "NoNewPrivileges=yes", "LimitRTPRIO=90", "LimitMEMLOCK=infinity", "CPUAffinity=0 1 2", "WatchdogSec=5", "Restart=on-failure", "RestartPreventExitStatus=2", "RestartSec=2",
            "ExecStart=/opt/rtapp/rpi5/bin/rtapp run --board /opt/rtapp/rpi5/boards/rpi5.json --assets /opt/rtapp/rpi5/assets --report /var/lib/rtapp-rpi5/report.json --frames 0", "ExecReload=/bin/kill -HUP $MAINPID",
            "WantedBy=multi-user.target",
        })
            Assert.Contains(line, unit);
        Assert.DoesNotContain(unit, l => l.StartsWith("User=root", StringComparison.Ordinal));

        string env = File.ReadAllText(Path.Combine(b, "bundle.env"));
        Assert.Contains("KERNEL_CMDLINE='isolcpus=3 nohz_full=3 rcu_nocbs=3 irqaffinity=0-2'", env);
        Assert.Contains("DEVICES='/dev/video0'", env);

        // The manifest covers every other file, and sha256sum agrees with it.
        var listed = File.ReadAllLines(Path.Combine(b, "MANIFEST.sha256")).Select(l => l[66..]).ToHashSet();
        var present = Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Where(f => f != "MANIFEST.sha256").ToHashSet();
        Assert.Equal(present.OrderBy(x => x, StringComparer.Ordinal), listed.OrderBy(x => x, StringComparer.Ordinal));
        var check = Rtapp.Exec("sh", TimeSpan.FromMinutes(1), null, "-c", $"cd '{b}' && sha256sum --quiet --strict -c MANIFEST.sha256");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.True(new FileInfo(Path.Combine(b, "install.sh")).UnixFileMode.HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void AnX86BoardWithACameraShipsNoOpenCvAndTakesOverrides()
    {
        string b = Bundle(out _, "--board", "generic-x86", "--set", "service.watchdog_sec=0", "--set", "service.user=robot", "--prefix", "/srv/loop");
        Assert.Equal("x64", ElfMachine(Path.Combine(b, "bin", "rtapp")));
        Assert.True(File.Exists(Path.Combine(b, "bin", "libonnxruntime.so")));
        Assert.False(File.Exists(Path.Combine(b, "bin", "libOpenCvSharpExtern.so")));
        var unit = UnitLines(b, "rtapp-generic-x86.service");
        Assert.Contains("User=robot", unit);
        Assert.DoesNotContain(unit, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));
        Assert.Contains("CPUAffinity=0 1 2", unit);
        Assert.Contains(unit, l => l.StartsWith("ExecStart=/srv/loop/bin/rtapp run --board /srv/loop/boards/generic-x86.json", StringComparison.Ordinal));
        Assert.Contains("ExecStopPost=/srv/loop/bin/rtapp safe --board /srv/loop/boards/generic-x86.json --quiet", unit);
        // Sane modes: programs 0755, everything else 0644; nothing wider, nothing private.
        foreach (string f in Directory.GetFiles(b, "*", SearchOption.AllDirectories))
        {
            UnixFileMode mode = new FileInfo(f).UnixFileMode;
            Assert.True(mode is (UnixFileMode)0b111_101_101 or (UnixFileMode)0b110_100_100, $"{f}: {Convert.ToString((int)mode, 8)}");
        }
    }

    [Fact]
    public void TheUnitAllowsTheDeviceItsV4l2CameraNodeNames()
    {
        // The camera is a node of the graph: the device its config names (as the v4l2-camera type declares it) is what the unit allows and install.sh checks.
        string b = Bundle(out _, "--board", "generic-x86", "--set", "app.nodes[camera].config.device=/dev/video2");
        var unit = UnitLines(b, "rtapp-generic-x86.service");
        Assert.Equal(new[] { "DeviceAllow=/dev/cpu_dma_latency rw", "DeviceAllow=/dev/video2 rw", "DeviceAllow=/dev/i2c-1 rw" },
            unit.Where(l => l.StartsWith("DeviceAllow=", StringComparison.Ordinal)));
        Assert.Contains("DEVICES='/dev/video2 /dev/i2c-1'", File.ReadAllText(Path.Combine(b, "bundle.env")));
    }

    [Fact]
    public void TheUnitIsSandboxedToExposureAtMostThreeAndAllowsExactlyTheProfilesDevices()
    {
        string b = Bundle(out _, "--board", "generic-x86", "--set", "watchdog.hardware_device=/dev/watchdog0");
        string unitFile = Path.Combine(b, "systemd", "rtapp-generic-x86.service");
        var unit = UnitLines(b, "rtapp-generic-x86.service");
        // The camera, the I2C bus of the servo board, the hardware watchdog, and the latency hold: nothing else.
        Assert.Equal(new[] { "DeviceAllow=/dev/cpu_dma_latency rw", "DeviceAllow=/dev/video0 rw", "DeviceAllow=/dev/i2c-1 rw", "DeviceAllow=/dev/watchdog0 w" },
            unit.Where(l => l.StartsWith("DeviceAllow=", StringComparison.Ordinal)));
        foreach (string line in new[]
        {
            "ProtectSystem=strict", "PrivateNetwork=yes", "SystemCallFilter=@system-service", "ProtectKernelModules=yes", "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes", "ProtectClock=yes", "LockPersonality=yes", "RestrictNamespaces=yes", "RestrictSUIDSGID=yes", "UMask=0077", "DevicePolicy=closed",
            // What the loop needs is kept: SCHED_FIFO and mlockall without root, sysfs PWM writable.
            "AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK", "LimitMEMLOCK=infinity",
        })
            Assert.Contains(line, unit);
        Assert.DoesNotContain(unit, l => l.StartsWith("ProtectKernelTunables=", StringComparison.Ordinal) || l.StartsWith("PrivateDevices=", StringComparison.Ordinal) || l.StartsWith("RestrictRealtime=yes", StringComparison.Ordinal));
        double exposure = Bundles.Exposure(unitFile);
        Assert.True(exposure <= 3.0, $"systemd-analyze security exposure {exposure} > 3.0");
    }

    [Fact]
    public void TheSimBundleShipsOpenCvAndTheWorldVideo()
    {
        string b = Bundle(out _, "--board", "sim");
        Assert.True(File.Exists(Path.Combine(b, "bin", "libOpenCvSharpExtern.so")));
        Assert.True(File.Exists(Path.Combine(b, "assets", "video", "Megamind.avi")));
        var unit = UnitLines(b, "rtapp-sim.service");
        Assert.Contains("LimitRTPRIO=90", unit); // the watchdog thread's priority
        Assert.Contains("ExecStopPost=/opt/rtapp/sim/bin/rtapp safe --board /opt/rtapp/sim/boards/sim.json --quiet", unit);
        Assert.Equal(new[] { "DeviceAllow=/dev/cpu_dma_latency rw" }, unit.Where(l => l.StartsWith("DeviceAllow=", StringComparison.Ordinal)));
        double exposure = Bundles.Exposure(Path.Combine(b, "systemd", "rtapp-sim.service"));
        Assert.True(exposure <= 3.0, $"systemd-analyze security exposure {exposure} > 3.0");
    }

    [Fact]
    public void ATruncatedModelIsNotBundled()
    {
        string assets = TempDir();
        Directory.CreateDirectory(Path.Combine(assets, "models"));
        byte[] model = File.ReadAllBytes(TestAssets.BlazeFace128);
        File.WriteAllBytes(Path.Combine(assets, "models", "face_detection_front_128x128_barracuda.onnx"), model.AsSpan(0, model.Length - 100).ToArray());
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "bundle", "--board", "generic-x86", "--assets", assets, "--out", TempDir());
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("rtapp: error: boards/generic-x86.json (built in): app.nodes[2].config.sha256: SHA-256 of ", r.Stderr.Trim());
        Assert.Contains("truncated", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AnArm64BoardRefusesAnX64Binary()
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "bundle", "--board", "rpi5", "--binary", Path.GetDirectoryName(TestAssets.Rtapp)!, "--out", TempDir());
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("is a x64 binary, but rpi5 needs linux-arm64: build it with cross-build/build-arm64.sh", r.Stderr);
    }

    [Fact]
    public void UnderSystemdTheRunSaysReadyKeepsAliveWhileFramesAdvanceAndSaysStopping()
    {
        string dir = TempDir();
        using var notify = new NotifySocket(dir);
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), notify.Environment(200_000), "run", "--board", "sim", "--frames", "45", "--warmup", "3", "--no-rt", "--no-floor", "--quiet");
        var messages = notify.Messages();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(messages.Count >= 3, string.Join(" | ", messages));
        // READY=1 comes after warm-up (pings may come before it); STOPPING=1 is the last word.
        var states = messages.Where(m => m != "WATCHDOG=1").ToList();
        Assert.Equal(new[] { "READY=1\nSTATUS=running sim / face-tracker", "STOPPING=1" }, states);
        Assert.Contains("WATCHDOG=1", messages);
        Assert.Equal("STOPPING=1", messages[^1]);
    }

    [Fact]
    public void AProfileWithSeveralApplicationsShipsEveryLoopsFilesInOneServiceThatRunsThemAll()
    {
        string threeDemos = Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "three-demos.json");
        string b = Bundle(out var made, "--board", threeDemos);
        // Each loop's model (and the files its nodes name) is packed, each once.
        var models = Directory.GetFiles(Path.Combine(b, "assets", "models")).Select(Path.GetFileName).ToArray();
        Assert.True(models.Length >= 3, string.Join(", ", models) + "\n" + made.Stdout);
        Assert.True(File.Exists(Path.Combine(b, "bin", "libOpenCvSharpExtern.so")), "the tracker's video needs OpenCV");
        var unit = UnitLines(b, "rtapp-three-demos.service");
        Assert.Contains(unit, l => l.StartsWith("Description=Realtime closed loops: 3 loops, tracker (face-tracker), relay (voice-relay), lines (line-follower), on three-demos", StringComparison.Ordinal));
        Assert.Contains("ExecStopPost=/opt/rtapp/three-demos/bin/rtapp safe --board /opt/rtapp/three-demos/boards/three-demos.json --quiet", unit);
        double exposure = Bundles.Exposure(Path.Combine(b, "systemd", "rtapp-three-demos.service"));
        Assert.True(exposure <= 3.0, $"systemd-analyze security exposure {exposure} > 3.0");
        // What ships runs: the bundled binary on the bundled profile and assets, every loop.
        var r = Rtapp.Exec(Path.Combine(b, "bin", "rtapp"), TimeSpan.FromMinutes(4), null, "run", "--board", Path.Combine(b, "boards", "three-demos.json"),
            "--assets", Path.Combine(b, "assets"), "--frames", "5", "--warmup", "2", "--no-rt", "--timing", Path.Combine(b, "none.timing.json"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Run: completed, 3 loops in one host", r.Stdout, StringComparison.Ordinal);
    }
}
