using System;
using System.IO;

namespace Realtime.Tests;

/// <summary>
/// Where the real assets (fetched and verified by scripts/fetch-assets.sh) and the published binary
/// are: RTAPP_ASSETS / RTAPP_BIN when set (scripts/test.sh sets both), else found from the repository root.
/// A missing asset fails the test with the command that fetches it: these tests run the real thing.
/// </summary>
public static class TestAssets
{
    /// <summary>The repository root (the folder with Realtime.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Realtime.sln"))) return d.FullName;
            throw new InvalidOperationException("cannot find the repository root (Realtime.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The assets folder.</summary>
    public static string Dir => Environment.GetEnvironmentVariable("RTAPP_ASSETS") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, ".assets");

    /// <summary>An asset's full path; fails with the fix when it is missing.</summary>
    public static string Get(string relative)
    {
        string p = Path.Combine(Dir, relative);
        if (!File.Exists(p)) throw new FileNotFoundException($"test asset missing: {p}; run ./scripts/fetch-assets.sh", p);
        return p;
    }

    /// <summary>BlazeFace front 128.</summary>
    public static string BlazeFace128 => Get("models/face_detection_front_128x128_barracuda.onnx");
    /// <summary>The face-tracking world video.</summary>
    public static string Megamind => Get("video/Megamind.avi");
    /// <summary>The speech recording with its phrase times beside it (scripts/make-speech.sh), the voice relay's input.</summary>
    public static string SpeechRelay => Get("audio/speech-relay.wav");
    /// <summary>A photograph with a small face.</summary>
    public static string Messi => Get("images/messi5.jpg");

    /// <summary>The built-in sim profile file.</summary>
    public static string SimProfile => Path.Combine(RepoRoot, "boards", "sim.json");

    /// <summary>The cross-built linux-arm64 binary (cross-build/build-arm64.sh; RTAPP_ARM64_BIN overrides).</summary>
    public static string RtappArm64
    {
        get
        {
            string p = Environment.GetEnvironmentVariable("RTAPP_ARM64_BIN") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "out", "rtapp-linux-arm64", "rtapp");
            if (!File.Exists(p)) throw new FileNotFoundException($"arm64 binary missing: {p}; run ./cross-build/build-arm64.sh", p);
            return p;
        }
    }

    /// <summary>The arm64 root qemu runs it in (cross-build/build-arm64.sh; RTAPP_ARM64_ROOTFS overrides).</summary>
    public static string Arm64Rootfs
    {
        get
        {
            string p = Environment.GetEnvironmentVariable("RTAPP_ARM64_ROOTFS") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "out", "arm64-rootfs");
            if (!File.Exists(Path.Combine(p, "lib", "ld-linux-aarch64.so.1"))) throw new FileNotFoundException($"arm64 root missing: {p}; run ./cross-build/build-arm64.sh", p);
            return p;
        }
    }

    /// <summary>The published NativeAOT binary.</summary>
    public static string Rtapp
    {
        get
        {
            string p = Environment.GetEnvironmentVariable("RTAPP_BIN") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "out", "rtapp", "rtapp");
            if (!File.Exists(p)) throw new FileNotFoundException($"published binary missing: {p}; run ./scripts/build.sh", p);
            return p;
        }
    }
}
