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
    public void ReadGivesTheOnlineCpuCountAndTheKernelRelease()
    {
        var m = MachineFacts.Read();
        Assert.Equal(OnlineCpus.Parse(System.IO.File.ReadAllText("/sys/devices/system/cpu/online")), m.Cores);
        Assert.False(string.IsNullOrWhiteSpace(m.Kernel));
        Assert.Equal(m.Kernel.Trim(), m.Kernel);
        Assert.False(string.IsNullOrEmpty(m.Arch));
        Assert.NotNull(m.IsolatedCores);
    }

    // Both tests that touch the variable are in this class, so xunit runs them one after the other.
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
    public void ProcessStartPrefersTheLauncherStampWhenGiven()
    {
        string? saved = Environment.GetEnvironmentVariable(LaunchVar);
        Environment.SetEnvironmentVariable(LaunchVar, "123456789");
        try
        {
            var (mono, source) = MachineFacts.ProcessStart();
            Assert.Equal(123456789, mono);
            Assert.Contains(LaunchVar, source, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LaunchVar, saved);
        }
    }
}
