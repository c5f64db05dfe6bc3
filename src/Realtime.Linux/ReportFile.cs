using System;
using System.IO;
using System.Text;

namespace Realtime.Linux;

/// <summary>
/// Where a report goes: the destination is checked before a run moves anything (so a typo fails
/// with exit 2, not after minutes of measurement), and the file is replaced atomically (a temporary
/// file in the same folder, flushed to the disk, then renamed over the old one), so a full disk or
/// a crash mid-write leaves the previous report whole instead of a truncated one.
/// </summary>
public static class ReportFile
{
    /// <summary>
    /// Checks that <paramref name="path"/> can take a report: not empty, not a folder or a device,
    /// its folder exists (it is created) and a file can be created in it. Returns the problem in
    /// words, or null when the destination is fine.
    /// </summary>
    public static string? CheckDestination(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "the path is empty";
        if (path.IndexOf('\0') >= 0) return "the path holds a NUL character";
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException) { return ex.Message; }
        if (Directory.Exists(full)) return "it is a folder; give a file name (e.g. report.json)";
        if (full.EndsWith('/')) return "it names a folder; give a file name (e.g. report.json)";
        // A rename would replace a device node (/dev/full) or a FIFO with a plain file: only plain files are reports.
        if (File.Exists(full) && !FileNode.IsRegularFile(full)) return "it is not a regular file (a device, FIFO or socket)";
        string dir = Path.GetDirectoryName(full) ?? "/";
        try
        {
            Directory.CreateDirectory(dir);
            // A probe created and removed where the temporary file will go: a read-only folder, or one
            // this user may not write in, shows now. It stays empty: a byte written gives it a block,
            // and removing it then waited for that block's writeback and the disk's discard (2-4 ms
            // on this project's VM, on the way to safe outputs).
            string probe = TempPathFor(full);
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None)) { }
            File.Delete(probe);
            // A full disk takes an empty file but not a report: its free space is asked for instead (root
            // may write into the blocks reserved for it; a file system that reports no sizes is not judged).
            var disk = new DriveInfo(dir);
            long free = Environment.UserName == "root" ? disk.TotalFreeSpace : disk.AvailableFreeSpace;
            if (disk.TotalSize > 0 && free == 0) return $"cannot write in {dir}: no space left on the device";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot write in {dir}: {Reason(ex)}";
        }
        return null;
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> atomically: a temporary file beside
    /// it, flushed to the disk, renamed over it. On failure the temporary file is removed, the old
    /// report (if any) is untouched, and the exception is thrown.
    /// </summary>
    public static void WriteAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string tmp = TempPathFor(full);
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None))
            {
                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>The reason of an I/O failure in a few words (the OS's text, without the path .NET puts around it).</summary>
    public static string Reason(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied (or a read-only file system)",
        IOException io when io.HResult == 28 || io.Message.Contains("No space left", StringComparison.Ordinal) => "no space left on the device",
        IOException io when io.HResult == 30 || io.Message.Contains("Read-only file system", StringComparison.Ordinal) => "read-only file system",
        _ => ex.Message,
    };

    private static string TempPathFor(string full) =>
        Path.Combine(Path.GetDirectoryName(full) ?? "/", $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
}
