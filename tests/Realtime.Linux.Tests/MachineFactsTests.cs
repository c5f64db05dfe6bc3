using System;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>Machine facts from /proc and /sys, and when the process started.</summary>
public sealed class MachineFactsTests
{
    private const string LaunchVar = "RTAPP_LAUNCH_MONO_NS";

    [Fact]
    public void CpuModelIsX86sModelNameOrWhatAnArmBoardSays()
    {
        Assert.Equal("Intel(R) Xeon(R) CPU @ 2.20GHz", MachineFacts.CpuModel("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\nprocessor\t: 1\nmodel name\t: other\n"));
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", MachineFacts.CpuModel("processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"));
        Assert.Equal("implementer 0x41 part 0xd0b", MachineFacts.CpuModel("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n"));
        Assert.Equal("", MachineFacts.CpuModel(null));
    }

    [Fact]
    public void ReadGivesTheHostAndThisMachinesCpuModel()
    {
        var m = MachineFacts.Read();
        Assert.Equal(System.IO.File.ReadAllText("/proc/sys/kernel/hostname").Trim(), m.Host);
        Assert.Equal(MachineFacts.CpuModel(System.IO.File.ReadAllText("/proc/cpuinfo")), m.CpuModel);
        Assert.NotEqual("", m.CpuModel);
    }

    [Fact]
    public void ReadGivesTheOnlineCpuCountAndTheKernelRelease()
    {
        var m = MachineFacts.Read();
        Assert.Equal(OnlineCpus.Parse(System.IO.File.ReadAllText("/sys/devices/system/cpu/online")), m.Cores);
        Assert.False(string.IsNullOrWhiteSpace(m.Kernel));
        Assert.Equal(m.Kernel.Trim(), m.Kernel);
        Assert.False(string.IsNullOrEmpty(m.Arch));
        Assert.NotNull(m.IsolatedCores);
    }

    // Every test that touches the variable is in this class, so xunit runs them one after the other.
    [Fact]
    public void ProcessStartWithoutALauncherStampComesFromProcSelfStatAndIsBeforeNow()
    {
        string? saved = Environment.GetEnvironmentVariable(LaunchVar);
        Environment.SetEnvironmentVariable(LaunchVar, null);
        try
        {
            var (mono, source) = MachineFacts.ProcessStart();
            long now = MonotonicClock.NowNs();
            Assert.Contains("/proc/self/stat", source, StringComparison.Ordinal);
            Assert.True(mono > 0, $"process start {mono} is not a monotonic time");
            Assert.True(mono < now, $"process start {mono} is not before now {now}");
        }
        finally
        {
            Environment.SetEnvironmentVariable(LaunchVar, saved);
        }
    }

    [Fact]
    public void ProcessStartPrefersTheLauncherStampWhenItCanBeThisLaunchs()
    {
        string? saved = Environment.GetEnvironmentVariable(LaunchVar);
        try
        {
            Environment.SetEnvironmentVariable(LaunchVar, null);
            var (kernel, _) = MachineFacts.ProcessStart();
            // A launcher stamps, prepares and forks: a stamp a little before the kernel's start of the process is its launch.
            long given = kernel - 5_000_000;
            Environment.SetEnvironmentVariable(LaunchVar, given.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var (mono, source) = MachineFacts.ProcessStart();
            Assert.Equal(given, mono);
            Assert.Equal("launcher (RTAPP_LAUNCH_MONO_NS)", source);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LaunchVar, saved);
        }
    }

    [Theory]
    [InlineData("123456789", "s before this process started, not its launch")]
    [InlineData("future", "s in the future")]
    [InlineData("-5", "'-5' is not a time in ns")]
    [InlineData("12ms", "'12ms' is not a time in ns")]
    public void AStampThatCannotBeThisLaunchsIsIgnoredForTheKernelsStart(string value, string reason)
    {
        string? saved = Environment.GetEnvironmentVariable(LaunchVar);
        try
        {
            Environment.SetEnvironmentVariable(LaunchVar, null);
            var (kernel, kernelSource) = MachineFacts.ProcessStart();
            if (value == "future") value = (MonotonicClock.NowNs() + 60_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Environment.SetEnvironmentVariable(LaunchVar, value);
            var (mono, source) = MachineFacts.ProcessStart();
            // The kernel's start again (its conversion to the monotonic clock reads two clocks: a few ns apart).
            Assert.InRange(mono, kernel - 1_000_000, kernel + 1_000_000);
            Assert.StartsWith(kernelSource + "; RTAPP_LAUNCH_MONO_NS ignored: ", source, StringComparison.Ordinal);
            Assert.Contains(reason, source, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LaunchVar, saved);
        }
    }
}
