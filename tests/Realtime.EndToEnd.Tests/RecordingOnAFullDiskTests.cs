using System;
using System.Diagnostics;
using System.IO;
using Realtime.Tests;
using Xunit;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A recording onto a disk that fills up, through the published binary, on a 3 MB tmpfs (the
/// tests run as root, as the real-time tests do): `rtapp record` stops with exit 7 naming the file and
/// the kernel's reason instead of waiting for its failed writer for ever, and `rtapp run --record`
/// writes its report, leaves its outputs safe and exits 7 instead of crashing on the file's close.
/// </summary>
public sealed class RecordingOnAFullDiskTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtapp-fulldisk-" + Guid.NewGuid().ToString("N"));
    private readonly string _disk;

    public RecordingOnAFullDiskTests()
    {
        _disk = Path.Combine(_dir, "disk");
        Directory.CreateDirectory(_disk);
        using var mount = Process.Start("mount", new[] { "-t", "tmpfs", "-o", "size=3m", "tmpfs", _disk })!;
        mount.WaitForExit();
        Assert.True(mount.ExitCode == 0, "mounting a 3 MB tmpfs (the test needs root)");
    }

    public void Dispose()
    {
        using (var umount = Process.Start("umount", new[] { _disk })!) umount.WaitForExit();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void RecordStopsWithExit7WhenTheDiskIsFullInsteadOfWaitingForever()
    {
        string file = Path.Combine(_disk, "frames.mcap");
        // 100 sim frames are about 30 MB: the disk is full after a few.
        var r = Rtapp.Run(TimeSpan.FromSeconds(120), "record", file, "--board", "sim", "--frames", "100", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 7, r.ToString());
        Assert.Contains($"could not write '{file}'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("No space left on device", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunRecordingOntoAFullDiskWritesItsReportKeepsItsOutputsSafeAndExits7()
    {
        string file = Path.Combine(_disk, "run.mcap"), report = Path.Combine(_dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromSeconds(120), "run", "--board", "sim", "--frames", "60", "--no-rt", "--quiet",
            "--record", file, "--report", report, "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 7, r.ToString());
        Assert.Contains($"could not write '{file}'", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        using var j = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(60, j.RootElement.GetProperty("frames").GetInt32());
        Assert.Contains("No space left on device", j.RootElement.GetProperty("recording").GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
