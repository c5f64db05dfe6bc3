using System;
using System.IO;

namespace Realtime.Core.Profiles;

/// <summary>
/// Reads a whole input file that is not a profile (a bench report given as a baseline, a recording to
/// replay): only a regular file of at most a stated size, so <c>/dev/zero</c>, a FIFO, a <c>/proc</c> file
/// or a file too large to hold is one clear sentence instead of a hang or an out-of-memory crash.
/// </summary>
public static class InputFile
{
    /// <summary>
    /// The bytes of <paramref name="path"/>, or null with <paramref name="problem"/> set to what is wrong
    /// with it, as a sentence that follows the file's name (e.g. "is empty or not a regular file ...").
    /// </summary>
    public static byte[]? ReadBytes(string path, int maxBytes, out string? problem)
    {
        problem = null;
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem = "is not a usable path";
            return null;
        }
        if (Directory.Exists(full)) { problem = "is a folder, not a file"; return null; }
        var info = new FileInfo(full);
        if (!info.Exists) { problem = "does not exist"; return null; }
        try
        {
            // A link is followed to what it names: only that is checked and read.
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
        }
        catch (IOException ex)
        {
            problem = $"cannot be followed: {ex.Message}";
            return null;
        }
        // Devices, FIFOs, sockets and /proc files report size 0 (a FIFO would block in open()).
        if (info.Length == 0) { problem = "is empty or not a regular file (a device, FIFO or /proc file)"; return null; }
        if (info.Length > maxBytes) { problem = $"is {info.Length} bytes; at most {maxBytes} are read"; return null; }
        try
        {
            using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            var buffer = new byte[info.Length];
            int total = 0, n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            // The size checked above may lie (sysfs says 4096 for every file) or change while it is read.
            if (total != buffer.Length || stream.ReadByte() != -1) { problem = "changed size while it was read"; return null; }
            return buffer;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read: {ex.Message}";
            return null;
        }
    }
}
