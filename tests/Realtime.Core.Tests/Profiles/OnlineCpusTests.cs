using System.IO;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>The machine's CPU count comes from the kernel's online list, whatever this process's affinity.</summary>
public sealed class OnlineCpusTests
{
    [Theory]
    [InlineData("0-3\n", 4)]
    [InlineData("0", 1)]
    [InlineData("0,2-3", 3)]
    [InlineData("0-1,4-5\n", 4)]
    public void KernelCpuListsCount(string text, int count) => Assert.Equal(count, OnlineCpus.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("0-x")]
    [InlineData("3-1")]
    public void WhatIsNotACpuListGivesNull(string? text) => Assert.Null(OnlineCpus.Parse(text));

    [Fact]
    public void CountIsWhatTheKernelListsOnline()
    {
        Assert.True(File.Exists(OnlineCpus.SysfsPath), $"{OnlineCpus.SysfsPath} is missing: these tests run on Linux");
        Assert.Equal(OnlineCpus.Parse(File.ReadAllText(OnlineCpus.SysfsPath)), OnlineCpus.Count());
    }
}
