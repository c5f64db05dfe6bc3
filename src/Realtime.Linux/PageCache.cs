using System;
using System.IO;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// The kernel's page cache, dropped on purpose: what a process reads next (its binary, libraries,
/// model) comes from the disk, as after a power-on. For the cold-start bench; needs root.
/// </summary>
public static class PageCache
{
    /// <summary>The kernel's switch that drops the page cache, dentries and inodes.</summary>
    public const string DropCachesPath = "/proc/sys/vm/drop_caches";

    /// <summary>Null when this process may drop the page cache, else why not, in words.</summary>
    public static string? DropProblem()
    {
        try
        {
            using var f = new FileStream(DropCachesPath, FileMode.Open, FileAccess.Write);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {DropCachesPath} ({ex.Message}): dropping the page cache needs root";
        }
    }

    /// <summary>Writes dirty pages out (only clean pages can be dropped), then drops the page cache, dentries and inodes ("3").</summary>
    public static void Drop()
    {
        Libc.sync();
        File.WriteAllText(DropCachesPath, "3");
    }
}
