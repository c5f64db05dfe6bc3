using System;
using System.IO;
using System.Text;

namespace Realtime.Core.Profiles;

/// <summary>
/// Reads a profile file from disk: only a regular file of at most <see cref="MaxBytes"/>, read with a
/// bounded buffer, so a path to <c>/dev/zero</c>, a FIFO, <c>/proc</c> or a huge file is one clear
/// error instead of a hang or an out-of-memory crash.
/// </summary>
public static class ProfileFile
{
    /// <summary>The largest profile file read (the shipped ones are a few KiB).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>
    /// The text of <paramref name="path"/>; a problem is a <see cref="ProfileException"/> from
    /// <paramref name="source"/> whose line starts with <paramref name="field"/> (e.g. <c>extends</c>),
    /// or, when <paramref name="field"/> is null, names the file itself. <paramref name="shownAs"/> is the
    /// path as the profile wrote it (default: <paramref name="path"/>).
    /// </summary>
    public static string Read(string path, string source, string? field, string? shownAs = null)
    {
        string shown = shownAs ?? path;
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Problem(source, field, shown, "is not a usable path");
        }
        // Devices, FIFOs, sockets and /proc files report size 0 (a FIFO would block in open()); an empty file holds no profile either.
        var info = new FileInfo(full);
        if (Directory.Exists(full)) throw Problem(source, field, shown, "is a folder, not a profile file");
        if (!info.Exists) throw Problem(source, field, shown, field is null ? "file not found" : $"not found ({full})");
        try
        {
            // A link is followed to what it names: only that is checked and read.
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
        }
        catch (IOException ex)
        {
            throw Problem(source, field, shown, $"cannot be followed: {ex.Message}");
        }
        if (info.Length == 0) throw Problem(source, field, shown, "is empty or not a regular file (a device, FIFO or /proc file is never a profile)");
        if (info.Length > MaxBytes) throw Problem(source, field, shown, $"is {info.Length} bytes; a profile file is at most {MaxBytes} bytes");
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            // Bounded read: the size checked above may change or lie (sysfs reports 4096 for every file).
            byte[] buffer = new byte[MaxBytes + 1];
            int total = 0, n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            if (total > MaxBytes) throw Problem(source, field, shown, $"holds more than {MaxBytes} bytes; a profile file is at most {MaxBytes} bytes");
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, total).TrimStart('\uFEFF');
            }
            catch (DecoderFallbackException)
            {
                throw Problem(source, field, shown, "is not UTF-8 text");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Problem(source, field, shown, $"cannot be read: {ex.Message}");
        }
    }

    private static ProfileException Problem(string source, string? field, string path, string what) =>
        field is null
            ? new ProfileException(path, new[] { what == "file not found" ? what : "(file): " + what })
            : new ProfileException(source, new[] { $"{field}: '{path}' {what}" });
}
