using System;
using System.IO;
using Realtime.Bench.Startup;

namespace Realtime.Bench.Tests;

/// <summary>Power-on launches run a copy of the binary and its libraries: files of their own, which a page-cache drop reaches.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StagedBinaryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rtapp-staged-{Guid.NewGuid():N}");

    public StagedBinaryTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "bin"));
        File.WriteAllText(Bin("rtapp"), "binary");
        File.SetUnixFileMode(Bin("rtapp"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Bin("libonnxruntime.so"), "ort");
        File.WriteAllText(Bin("libreal.so.1"), "versioned");
        File.CreateSymbolicLink(Bin("liblinked.so"), Bin("libreal.so.1"));
        File.WriteAllText(Bin("rtapp.dbg"), "symbols");
    }

    private string Bin(string name) => Path.Combine(_dir, "bin", name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheBinaryAndTheLibrariesBesideItAreCopiedAsFilesOfTheirOwn()
    {
        string folder = Path.Combine(_dir, "staged");
        using (var staged = StagedBinary.Create(Bin("rtapp"), folder))
        {
            Assert.Equal(Path.Combine(folder, "rtapp"), staged.Path);
            Assert.Equal("rtapp", staged.Files[0]);
            Assert.Equal(new[] { "liblinked.so", "libonnxruntime.so", "rtapp" }, Sorted(Directory.GetFiles(folder)));
            Assert.True((File.GetUnixFileMode(staged.Path) & UnixFileMode.UserExecute) != 0, "the copy lost its execute bit");
            // A link would share the original's pages (and a drop would not reach them while the bench maps it).
            string linked = Path.Combine(folder, "liblinked.so");
            Assert.Null(new FileInfo(linked).LinkTarget);
            Assert.Equal("versioned", File.ReadAllText(linked));
            File.WriteAllText(Path.Combine(folder, "libonnxruntime.so"), "changed");
            Assert.Equal("ort", File.ReadAllText(Bin("libonnxruntime.so")));
        }
        Assert.False(Directory.Exists(folder), "the copies outlived the bench");
    }

    [Fact]
    public void WhatAnEarlierRunLeftInTheFolderIsReplaced()
    {
        string folder = Path.Combine(_dir, "staged");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "stale.so"), "left over");
        using var staged = StagedBinary.Create(Bin("rtapp"), folder);
        Assert.False(File.Exists(Path.Combine(folder, "stale.so")));
        Assert.Equal("binary", File.ReadAllText(staged.Path));
    }

    private static string[] Sorted(string[] paths)
    {
        for (int i = 0; i < paths.Length; i++) paths[i] = Path.GetFileName(paths[i]);
        Array.Sort(paths, StringComparer.Ordinal);
        return paths;
    }
}
