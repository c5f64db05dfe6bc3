using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>CPU lists as the kernel writes them, on the kernel command line.</summary>
public sealed class KernelCmdlineTests
{
    [Theory]
    [InlineData("3", new[] { 3 })]
    [InlineData("2-3", new[] { 2, 3 })]
    [InlineData("0,2-4,7", new[] { 0, 2, 3, 4, 7 })]
    [InlineData("5,1", new[] { 1, 5 })]
    public void CpuListsParse(string text, int[] cpus)
    {
        Assert.True(KernelCmdline.TryParseCpuList(text, out var set));
        Assert.Equal(cpus, set);
        Assert.Equal(cpus, KernelCmdline.TryParseCpuList(KernelCmdline.Format(set), out var again) ? again : null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1,,2")]
    [InlineData("-1")]
    public void BadCpuListsDoNotParse(string text)
    {
        Assert.False(KernelCmdline.TryParseCpuList(text, out _));
    }

    [Fact]
    public void FormatJoinsRuns()
    {
        Assert.Equal("0-2,5,7-8", KernelCmdline.Format(new[] { 8, 0, 1, 2, 5, 7 }));
    }

    [Fact]
    public void CpusFindsAParameterAndSkipsIsolcpusFlags()
    {
        const string line = "console=tty1 quiet isolcpus=managed_irq,domain,2-3 nohz_full=3";
        Assert.Equal(new[] { 2, 3 }, KernelCmdline.Cpus(line, "isolcpus"));
        Assert.Equal(new[] { 3 }, KernelCmdline.Cpus(line, "nohz_full"));
        Assert.Null(KernelCmdline.Cpus(line, "rcu_nocbs"));
    }
}
