using System;
using System.IO;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

public sealed class InputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtapp-inputfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ARegularFileWithinTheLimitIsReadWhole()
    {
        string path = Path.Combine(_dir, "report.json");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5 });
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, InputFile.ReadBytes(path, 5, out string? problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("/dev/zero", "is empty or not a regular file")]
    [InlineData("/proc/self/status", "is empty or not a regular file")]
    [InlineData("/nonexistent/report.json", "does not exist")]
    [InlineData("/tmp", "is a folder")]
    public void WhatIsNotARegularFileIsRefusedBeforeItIsRead(string path, string expected)
    {
        Assert.Null(InputFile.ReadBytes(path, 1 << 20, out string? problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void AFileOverTheLimitIsRefusedWithItsSize()
    {
        string path = Path.Combine(_dir, "big.mcap");
        File.WriteAllBytes(path, new byte[6]);
        Assert.Null(InputFile.ReadBytes(path, 5, out string? problem));
        Assert.Equal("is 6 bytes; at most 5 are read", problem);
    }

    [Fact]
    public void AnEmptyFileIsRefused()
    {
        string path = Path.Combine(_dir, "empty.json");
        File.WriteAllBytes(path, Array.Empty<byte>());
        Assert.Null(InputFile.ReadBytes(path, 5, out string? problem));
        Assert.Contains("is empty", problem);
    }
}
