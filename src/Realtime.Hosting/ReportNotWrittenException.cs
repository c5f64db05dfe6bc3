using System;

namespace Realtime.Hosting;

/// <summary>
/// A command measured what it was asked to, but could not write one of its reports at the end (a
/// full disk, a folder made read-only meanwhile). The host prints it as one line and exits with
/// <see cref="ExitCodes.ReportNotWritten"/>; what the command printed before stays on the screen.
/// </summary>
public sealed class ReportNotWrittenException : Exception
{
    /// <summary>The report for <paramref name="path"/> could not be written because of <paramref name="reason"/>.</summary>
    public ReportNotWrittenException(string path, string reason, Exception inner)
        : base($"the report could not be written to {path}: {reason}", inner)
    {
        Path = path;
    }

    /// <summary>The destination that failed.</summary>
    public string Path { get; }
}
