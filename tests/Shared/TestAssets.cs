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
    /// <summary>A photograph with a small face.</summary>
    public static string Messi => Get("images/messi5.jpg");

    /// <summary>The built-in sim profile file.</summary>
    public static string SimProfile => Path.Combine(RepoRoot, "boards", "sim.json");

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
