using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The cross-built linux-arm64 binary (cross-build/build-arm64.sh) under qemu-aarch64-static, in an
/// arm64 root of Debian's own arm64 libc, libstdc++ and libssl. As far as it goes here: the binary,
/// its profiles and ONNX Runtime's model load run; the sim demo stops at OpenCV, which has no
/// arm64 build, with a clear message; and a root without libssl refuses the model clearly instead
/// of aborting (the crash seen once under qemu). Every run goes through cross-build/qemu-arm64.sh,
/// which shows the process a Raspberry Pi 5's CPUs instead of the x86-64 host's: ONNX Runtime's
/// CPU detection crashed on hosts whose sysfs lists a per-core L2.
/// </summary>
public sealed class Arm64QemuTests
{
    public static string Qemu => Path.Combine(TestAssets.RepoRoot, "cross-build", "qemu-arm64.sh");

    private static RtappResult RunArm64In(string rootfs, params string[] args) =>
        Rtapp.Exec(Qemu, TimeSpan.FromMinutes(5), null, new[] { rootfs, TestAssets.RtappArm64 }.Concat(args).ToArray());

    private static RtappResult RunArm64(params string[] args) => RunArm64In(TestAssets.Arm64Rootfs, args);

    /// <summary>stderr lines; ONNX Runtime warns about nothing here, as on a board: it sees arm64 CPUs.</summary>
    private static string[] ErrorLines(RtappResult r) => r.Stderr.Trim().Split('\n');

    [Fact]
    public void TheBinaryIsAnArm64ElfThatFindsItsLibrariesThroughOrigin()
    {
        string bin = TestAssets.RtappArm64;
        byte[] h = File.ReadAllBytes(bin)[..20];
        Assert.Equal(0xB7, h[18] | (h[19] << 8));                     // EM_AARCH64
        var readelf = Rtapp.Exec("readelf", TimeSpan.FromMinutes(1), null, "-d", bin);
        Assert.True(readelf.ExitCode == 0, readelf.ToString());
        Assert.Matches(@"\(RUNPATH\)\s+Library runpath: \[\$ORIGIN\]", readelf.Stdout);
        string ort = Path.Combine(Path.GetDirectoryName(bin)!, "libonnxruntime.so");
        byte[] o = File.ReadAllBytes(ort)[..20];
        Assert.Equal(0xB7, o[18] | (o[19] << 8));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(bin)!, "libOpenCvSharpExtern.so")));
    }

    [Fact]
    public void TheArm64PublishLogHoldsNoWarning()
    {
        _ = TestAssets.RtappArm64;
        string log = Path.Combine(TestAssets.RepoRoot, "out", "rtapp-linux-arm64-publish.log");
        Assert.True(File.Exists(log), $"{log} is missing: cross-build/build-arm64.sh writes it");
        foreach (string line in File.ReadAllLines(log))
        {
            Assert.DoesNotContain(": warning ", line);
            Assert.DoesNotMatch(@"\bIL\d{4}\b", line);
        }
        string text = File.ReadAllText(log);
        Assert.Contains("Generating native code", text);
        Assert.Contains("release_linux-arm64", text);
    }

    [Fact]
    public void VersionRunsUnderQemuAndMatchesTheX64Build()
    {
        var r = RunArm64("--version");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Rtapp.Run(TimeSpan.FromSeconds(30), "--version").Stdout, r.Stdout);
    }

    [Fact]
    public void TheArm64CpuViewStaysInsideTheRunAndLeavesNothingBehind()
    {
        string tmp = Rtapp.TempDir();
        try
        {
            var r = Rtapp.Exec(Qemu, TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["TMPDIR"] = tmp }, TestAssets.Arm64Rootfs, TestAssets.RtappArm64, "--version");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(Directory.GetFileSystemEntries(tmp));
        }
        finally { Directory.Delete(tmp, recursive: true); }
        // The host keeps its own CPUs: nothing is mounted over them out here.
        string mounts = File.ReadAllText("/proc/self/mountinfo");
        Assert.DoesNotContain(" /proc/cpuinfo ", mounts);
        Assert.DoesNotContain(" /sys/devices/system/cpu ", mounts);
        Assert.DoesNotContain("CPU part\t: 0xd0b", File.ReadAllText("/proc/cpuinfo"));
    }

    [Fact]
    public void BoardsListsEveryProfileAsValidUnderQemu()
    {
        var r = RunArm64("boards");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string name in new[] { "generic-x86", "generic-x86-pca9685", "jetson-orin-nano", "rpi4", "rpi4-tracker-15hz", "rpi5", "sim" })
            Assert.Contains(r.Stdout.Split('\n'), l => l.StartsWith(name + " ", StringComparison.Ordinal));
        Assert.DoesNotContain("(invalid)", r.Stdout);
    }

    [Fact]
    public void ProfileCompositionRunsUnderQemu()
    {
        var r = RunArm64("boards", "--show", "rpi4-tracker-15hz", "--set", "timing.frames=7");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(7, doc.RootElement.GetProperty("timing").GetProperty("frames").GetInt32());
        Assert.Equal(12, doc.RootElement.GetProperty("pwm")[0].GetProperty("pin").GetInt32());
    }

    [Fact]
    public void TheSimDemoPassesTheModelCheckThenStopsAtOpenCvWhichHasNoArm64Build()
    {
        var r = RunArm64("run", "--board", "sim", "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(ErrorLines(r));
        // The graph's camera (node 0) is the one problem: the model node (2) loaded and passed its pinned hash.
        Assert.StartsWith("rtapp: error: boards/sim.json (built in): app.nodes[0].config.video: OpenCV's native library (libOpenCvSharpExtern.so) could not load", line);
        Assert.Contains("for linux-x64 only, and this is linux-arm64", line);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    [Fact]
    public void ATruncatedModelIsRefusedUnderQemuToo()
    {
        // The voice relay: its graph needs no OpenCV (which has no arm64 build), so the model's is the one problem.
        string dir = Rtapp.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        Directory.CreateDirectory(Path.Combine(dir, "audio"));
        foreach (string f in Directory.GetFiles(Path.Combine(TestAssets.Dir, "audio"))) File.Copy(f, Path.Combine(dir, "audio", Path.GetFileName(f)));
        byte[] model = File.ReadAllBytes(Path.Combine(TestAssets.Dir, "models", "silero_vad.onnx"));
        File.WriteAllBytes(Path.Combine(dir, "models", "silero_vad.onnx"), model.AsSpan(0, model.Length / 3).ToArray());
        var r = RunArm64("run", "--board", "sim", "--demo", "voice-relay", "--frames", "5", "--no-rt", "--assets", dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(ErrorLines(r));
        Assert.StartsWith("rtapp: error: boards/sim.json (built in): app.nodes[2].config.sha256: SHA-256 of ", line);
        Assert.Contains("truncated", line);
    }

    [Fact]
    public void WithoutLibsslTheModelIsRefusedWithAMessageInsteadOfAnAbort()
    {
        // The same arm64 root without OpenSSL: .NET's SHA-256 would abort the process on first use.
        string tmp = Rtapp.TempDir();
        try { WithoutLibssl(Path.Combine(tmp, "rootfs-no-libssl")); }
        finally { Directory.Delete(tmp, recursive: true); }
    }

    private static void WithoutLibssl(string root)
    {
        var copy = Rtapp.Exec("cp", TimeSpan.FromMinutes(2), null, "-a", TestAssets.Arm64Rootfs, root);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        int removed = 0;
        foreach (string f in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
            if (Path.GetFileName(f).StartsWith("libssl.so", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("libcrypto.so", StringComparison.Ordinal)) { File.Delete(f); removed++; }
        Assert.True(removed >= 2, $"removed {removed} OpenSSL files");

        // The voice relay, whose graph needs no OpenCV: the model's pinned hash is the one problem.
        var r = RunArm64In(root, "run", "--board", "sim", "--demo", "voice-relay", "--frames", "5", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(ErrorLines(r));
        Assert.StartsWith("rtapp: error: boards/sim.json (built in): app.nodes[2].config.sha256: cannot check the pinned SHA-256 on this machine", line);
        Assert.Contains("libssl", line);
        Assert.DoesNotContain("No usable version of libssl", r.Stderr);
    }
}
