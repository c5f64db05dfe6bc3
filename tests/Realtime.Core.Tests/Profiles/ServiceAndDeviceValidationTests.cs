using System;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// The profile values that reach the board's devices and its service: the hardware watchdog's
/// path has a device node's canonical form (the device itself is checked when it is opened), and
/// the service user is never put in a group that is as good as root.
/// </summary>
public sealed class ServiceAndDeviceValidationTests
{
    private const string Source = "rpi5-edit.json";

    private static string SingleProblem(JsonObject j)
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), Source));
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        return ex.Problems[0];
    }

    private static JsonObject WithWatchdog(string device)
    {
        var j = BoardFiles.Json("rpi5");
        j["watchdog"]!["hardware_device"] = device;
        return j;
    }

    [Theory]
    [InlineData("/dev/../etc/passwd")]
    [InlineData("/dev/./watchdog")]
    [InlineData("/dev//watchdog")]
    [InlineData("/dev/watchdog/")]
    [InlineData("/etc/passwd")]
    [InlineData("dev/watchdog")]
    [InlineData("/dev/watch dog")]
    [InlineData("/dev/watchdog\n")]
    public void AWatchdogPathThatIsNotACanonicalDevicePathIsRefused(string device)
    {
        // A control character is echoed escaped: one problem, one line.
        string shown = device.Replace("\n", "\\u000a", StringComparison.Ordinal);
        Assert.Equal($"watchdog.hardware_device: must be a device node's canonical path under /dev (like /dev/watchdog0), got '{shown}'", SingleProblem(WithWatchdog(device)));
    }

    [Theory]
    [InlineData("/dev/shm/x")]
    [InlineData("/dev/mqueue/q")]
    public void AWatchdogPathInDevsFileFoldersIsRefused(string device)
    {
        Assert.Equal($"watchdog.hardware_device: '{device}' is in a folder of files, not a device node", SingleProblem(WithWatchdog(device)));
    }

    [Theory]
    [InlineData("/dev/watchdog")]
    [InlineData("/dev/watchdog1")]
    public void AWatchdogNodeLoads(string device)
    {
        Assert.Equal(device, ProfileLoader.Parse(WithWatchdog(device).ToJsonString(), Source).Watchdog.HardwareDevice);
    }

    [Theory]
    [InlineData("disk", "raw access to every disk")]
    [InlineData("docker", "it starts containers or machines as root")]
    [InlineData("sudo", "it administers the system")]
    [InlineData("root", "it administers the system")]
    [InlineData("shadow", "it reads every password hash")]
    [InlineData("adm", "it reads every log")]
    [InlineData("systemd-journal", "it reads every log")]
    [InlineData("kmem", "it reads kernel memory")]
    public void APowerfulGroupIsRefused(string group, string why)
    {
        var j = BoardFiles.Json("rpi5");
        j["service"]!["groups"] = new JsonArray("video", group);
        Assert.Equal($"service.groups: '{group}' is as good as root ({why}): give the service only the device groups it needs (video, gpio, i2c, spi, audio, dialout)", SingleProblem(j));
    }

    [Fact]
    public void DeviceGroupsAreAccepted()
    {
        var j = BoardFiles.Json("rpi5");
        j["service"]!["groups"] = new JsonArray("video", "gpio", "i2c", "spi", "audio", "dialout");
        Assert.Equal(6, ProfileLoader.Parse(j.ToJsonString(), Source).Service.Groups.Count);
    }
}
