using System;
using System.Diagnostics;
using System.IO;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>Where a report may go, and a write that either replaces the old report whole or leaves it untouched.</summary>
public sealed class ReportFileTests
{
    private static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "rtapp-reportfile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    private static void Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: {err}");
    }

    // Writes a file named "fill" into the folder until its disk is full.
    private static void FillUp(string dir)
    {
        using var fill = new FileStream(Path.Combine(dir, "fill"), FileMode.CreateNew, FileAccess.Write);
        try { while (true) { fill.Write(new byte[4096]); fill.Flush(); } }
        catch (IOException) { }
    }

    [Fact]
    public void DestinationsThatCannotTakeAReportAreNamed()
    {
        string dir = TempDir();
        Assert.Contains("empty", ReportFile.CheckDestination(""));
        Assert.Contains("folder", ReportFile.CheckDestination(dir));
        Assert.Contains("folder", ReportFile.CheckDestination(Path.Combine(dir, "new") + "/"));
        Assert.Contains("not a regular file", ReportFile.CheckDestination("/dev/full"));
        string fifo = Path.Combine(dir, "fifo");
        Run("mkfifo", fifo);
        Assert.Contains("not a regular file", ReportFile.CheckDestination(fifo));
    }

    [Fact]
    public void AGoodDestinationGetsItsFolderAndNoProbeIsLeft()
    {
        string dir = TempDir();
        string path = Path.Combine(dir, "sub", "report.json");
        Assert.Null(ReportFile.CheckDestination(path));
        Assert.True(Directory.Exists(Path.Combine(dir, "sub")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir, "sub")));
        File.WriteAllText(path, "old");
        Assert.Null(ReportFile.CheckDestination(path));
        ReportFile.WriteAtomically(path, "{\"new\": 1}");
        Assert.Equal("{\"new\": 1}", File.ReadAllText(path));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(dir, "sub")));
    }

    // Runs body in a folder on a 64 KiB tmpfs mounted for it, unmounted after.
    private static void OnASmallDisk(Action<string> body)
    {
        Assert.True(Environment.UserName == "root", "this test mounts a small tmpfs: run it as root (scripts/test.sh does)");
        string dir = TempDir();
        Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir);
        try { body(dir); }
        finally { Run("umount", dir); }
    }

    [Fact]
    public void AFullDiskIsNamedBeforeTheRunAndNothingIsLeftOnIt() => OnASmallDisk(dir =>
    {
        string path = Path.Combine(dir, "report.json");
        Assert.Null(ReportFile.CheckDestination(path));
        FillUp(dir);
        // The probe stays empty (a written byte made its removal wait for the disk): the full disk is found by its free space.
        Assert.Equal($"cannot write in {dir}: no space left on the device", ReportFile.CheckDestination(path));
        Assert.Equal(new[] { Path.Combine(dir, "fill") }, Directory.GetFileSystemEntries(dir));
    });

    [Fact]
    public void OnAFullDiskTheOldReportStaysWholeAndNoTemporaryFileRemains() => OnASmallDisk(dir =>
    {
        string path = Path.Combine(dir, "report.json");
        File.WriteAllText(path, "{\"old\": true}");
        FillUp(dir);
        var ex = Assert.ThrowsAny<IOException>(() => ReportFile.WriteAtomically(path, new string('x', 100_000)));
        Assert.Equal("no space left on the device", ReportFile.Reason(ex));
        Assert.Equal("{\"old\": true}", File.ReadAllText(path));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir).Length);
    });
}
