using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>
/// <c>watchdog.hardware_device</c> comes from a profile: only a watchdog character device may be
/// opened and written. Each case is something a mistyped or hostile profile could name — a regular
/// file in /dev/shm, a link out of /dev, <c>/dev/../etc/passwd</c>, a disk (a loop block device
/// over a file), /dev/null, a FIFO — and each must be refused with its reason and left unwritten.
/// </summary>
public sealed class HardwareWatchdogTests : IDisposable
{
    private readonly string _shm = Path.Combine("/dev/shm", "rtapp-wd-" + Guid.NewGuid().ToString("N"));
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), "rtapp-wd-" + Guid.NewGuid().ToString("N"));

    public HardwareWatchdogTests()
    {
        Directory.CreateDirectory(_shm);
        Directory.CreateDirectory(_tmp);
    }

    public void Dispose()
    {
        Directory.Delete(_shm, recursive: true);
        Directory.Delete(_tmp, recursive: true);
    }

    private static byte[] Content()
    {
        var b = new byte[4096];
        RandomNumberGenerator.Fill(b);
        return b;
    }

    private static string Refused(string device)
    {
        var wd = HardwareWatchdog.TryOpen(device, 1_000_000_000, out string? problem);
        Assert.Null(wd);
        Assert.NotNull(problem);
        Assert.DoesNotContain('\n', problem);
        return problem!;
    }

    private static RunResult Exec(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), $"{program} did not finish");
        return new RunResult(p.ExitCode, stdout.Trim(), stderr.Trim());
    }

    private sealed record RunResult(int ExitCode, string Stdout, string Stderr);

    [Fact]
    public void ARegularFileInDevShmIsRefusedAndNotWritten()
    {
        string file = Path.Combine(_shm, "x");
        byte[] content = Content();
        File.WriteAllBytes(file, content);
        var mtime = File.GetLastWriteTimeUtc(file);
        Assert.Equal($"{file} is a regular file, not a watchdog character device", Refused(file));
        Assert.Equal(content, File.ReadAllBytes(file));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public void DotDotOutOfDevIsRefusedAndPasswdIsNotWritten()
    {
        byte[] before = File.ReadAllBytes("/etc/passwd");
        Assert.Equal("/dev/../etc/passwd (really /etc/passwd) is not under /dev", Refused("/dev/../etc/passwd"));
        Assert.Equal(before, File.ReadAllBytes("/etc/passwd"));
    }

    [Fact]
    public void ALinkInDevPointingOutOfItIsRefused()
    {
        string target = Path.Combine(_tmp, "target");
        byte[] content = Content();
        File.WriteAllBytes(target, content);
        string link = Path.Combine(_shm, "watchdog");
        File.CreateSymbolicLink(link, target);
        Assert.Equal($"{link} (really {target}) is not under /dev", Refused(link));
        Assert.Equal(content, File.ReadAllBytes(target));
    }

    [Fact]
    public void ABlockDeviceIsRefusedAndItsDiskIsNotWritten()
    {
        // A real block device: a loop device over a file, so a write would show in the file.
        string image = Path.Combine(_tmp, "disk.img");
        byte[] content = Content();
        File.WriteAllBytes(image, content);
        var attach = Exec("losetup", "--find", "--show", image);
        Assert.True(attach.ExitCode == 0, $"losetup needs root and a free loop device: {attach.Stderr}");
        string loop = attach.Stdout;
        try
        {
            Assert.Equal($"{loop} is a block device (a disk), not a watchdog character device", Refused(loop));
        }
        finally
        {
            Exec("losetup", "--detach", loop);
        }
        Assert.Equal(content, File.ReadAllBytes(image));
    }

    [Fact]
    public void DevNullIsACharacterDeviceButNotAWatchdog()
    {
        Assert.Equal("/dev/null is character device 1:3 of class mem (null), not a watchdog", Refused("/dev/null"));
        Assert.Equal("/dev/zero is character device 1:5 of class mem (zero), not a watchdog", Refused("/dev/zero"));
    }

    [Fact]
    public void AFifoIsRefusedWithoutBeingOpened()
    {
        // Opening a FIFO for writing would block until a reader comes: the check must not open it.
        string fifo = Path.Combine(_shm, "fifo");
        Assert.Equal(0, Exec("mkfifo", fifo).ExitCode);
        Assert.Equal($"{fifo} is a FIFO, not a watchdog character device", Refused(fifo));
    }

    [Fact]
    public void AMissingOrRelativeDeviceSaysSo()
    {
        Assert.Equal("/dev/watchdog-none-here: No such file or directory (errno 2)", Refused("/dev/watchdog-none-here"));
        Assert.Equal("'watchdog' is not an absolute path", Refused("watchdog"));
    }
}
