using System;
using System.IO;
using System.Security.Cryptography;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// `rtapp run` with a <c>watchdog.hardware_device</c> that is not a watchdog: one line naming the
/// field, exit 2 before anything is wired, and the node named is left unwritten. A watchdog that is
/// not there at all is a note, as a refused real-time setting is: the run goes on without it.
/// </summary>
public sealed class HardwareWatchdogRunTests
{
    private static RtappResult Run(string device) =>
        Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", "sim", "--frames", "5", "--warmup", "0", "--no-rt", "--no-floor", "--quiet",
            "--set", "watchdog.hardware_device=" + device);

    [Fact]
    public void DevNullIsRefusedAsNotAWatchdog()
    {
        var r = Run("/dev/null");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal("rtapp: error: boards/sim.json (built in) with --set watchdog.hardware_device=/dev/null: watchdog.hardware_device: /dev/null is character device 1:3 of class mem (null), not a watchdog",
            r.Stderr.Trim());
    }

    [Fact]
    public void AFileInDevShmIsRefusedByTheLoaderAndNotWritten()
    {
        string file = Path.Combine("/dev/shm", "rtapp-wd-" + Guid.NewGuid().ToString("N"));
        byte[] content = RandomNumberGenerator.GetBytes(512);
        File.WriteAllBytes(file, content);
        try
        {
            var r = Run(file);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.EndsWith($"watchdog.hardware_device: '{file}' is in a folder of files, not a device node", r.Stderr.Trim());
            Assert.Equal(content, File.ReadAllBytes(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AMissingWatchdogIsANoteAndTheRunGoesOn()
    {
        // A board whose watchdog driver is not loaded still runs (as before), and says so.
        var r = Run("/dev/watchdog-not-here");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("rtapp: note: /dev/watchdog-not-here: No such file or directory (errno 2)", r.Stderr);
    }

    [Fact]
    public void DotDotOutOfDevIsRefused()
    {
        byte[] passwd = File.ReadAllBytes("/etc/passwd");
        var r = Run("/dev/../etc/passwd");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.EndsWith("watchdog.hardware_device: must be a device node's canonical path under /dev (like /dev/watchdog0), got '/dev/../etc/passwd'", r.Stderr.Trim());
        Assert.Equal(passwd, File.ReadAllBytes("/etc/passwd"));
    }
}
