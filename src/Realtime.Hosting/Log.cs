using System;
using System.IO;
using System.Text;

namespace Realtime.Hosting;

/// <summary>A message's importance, as syslog and journald number it.</summary>
public enum LogLevel
{
    /// <summary>Something failed (journald priority 3).</summary>
    Error = 3,
    /// <summary>Something is not as asked, and the run goes on (4).</summary>
    Warning = 4,
    /// <summary>What happened (6).</summary>
    Info = 6,
    /// <summary>Detail for whoever is looking into a problem (7).</summary>
    Debug = 7,
}

/// <summary>
/// Every message the host writes to stderr, in one format: <c>TOOL: TOPIC: text</c> (or
/// <c>TOOL: text</c>), one line each. Under systemd (<c>JOURNAL_STREAM</c> set: stderr and stdout are
/// the journal) each line starts with its syslog priority, <c>&lt;3&gt;</c> error, <c>&lt;4&gt;</c>
/// warning, <c>&lt;6&gt;</c> info, <c>&lt;7&gt;</c> debug, which journald takes as the line's
/// priority and strips; stdout's lines (the summary) are then marked <c>&lt;6&gt;</c>.
/// </summary>
public static class Log
{
    /// <summary>The tool's name that starts each message.</summary>
    public static string Tool { get; set; } = "rtapp";

    /// <summary>Whether lines carry a priority prefix: the process's output goes to journald.</summary>
    public static bool ToJournal { get; set; } = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    /// <summary>An error: <c>TOOL: TOPIC: text</c> (topic null: <c>TOOL: text</c>).</summary>
    public static void Error(string? topic, string text) => Write(LogLevel.Error, topic, text);

    /// <summary>A warning.</summary>
    public static void Warning(string? topic, string text) => Write(LogLevel.Warning, topic, text);

    /// <summary>Information.</summary>
    public static void Info(string? topic, string text) => Write(LogLevel.Info, topic, text);

    /// <summary>Debug detail.</summary>
    public static void Debug(string? topic, string text) => Write(LogLevel.Debug, topic, text);

    /// <summary>A message; each of its lines is written in the format (a multi-line text gives as many messages).</summary>
    public static void Write(LogLevel level, string? topic, string text)
    {
        string head = topic is null ? $"{Tool}: " : $"{Tool}: {topic}: ";
        var sb = new StringBuilder(text.Length + 32);
        foreach (string line in text.Split('\n')) Line(sb, level).Append(head).Append(line).Append('\n');
        Console.Error.Write(sb.ToString());
    }

    /// <summary>A line that belongs to the message before it (a hint such as "Try 'rtapp help'."), at its level.</summary>
    public static void Continue(LogLevel level, string line) =>
        Console.Error.Write(Line(new StringBuilder(line.Length + 4), level).Append(line).Append('\n').ToString());

    private static StringBuilder Line(StringBuilder sb, LogLevel level) => ToJournal ? sb.Append('<').Append((int)level).Append('>') : sb;

    /// <summary>When the output goes to journald, marks every line of stdout as info (once per process).</summary>
    public static void MarkStandardOutput()
    {
        if (!ToJournal || Console.Out is JournalLines || _marked) return;
        _marked = true;
        Console.SetOut(new JournalLines(Console.Out, LogLevel.Info));
    }

    private static bool _marked;

    /// <summary>A writer that starts each line with a priority prefix.</summary>
    private sealed class JournalLines(TextWriter inner, LogLevel level) : TextWriter
    {
        private readonly string _prefix = $"<{(int)level}>";
        private bool _atLineStart = true;

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (_atLineStart) inner.Write(_prefix);
            inner.Write(value);
            _atLineStart = value == '\n';
        }

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            int start = 0;
            while (start < value.Length)
            {
                if (_atLineStart) inner.Write(_prefix);
                int nl = value.IndexOf('\n', start);
                int end = nl < 0 ? value.Length : nl + 1;
                inner.Write(value.AsSpan(start, end - start));
                _atLineStart = nl >= 0;
                start = end;
            }
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write((value ?? "") + "\n");

        public override void WriteLine() => Write("\n");

        public override void Flush() => inner.Flush();
    }
}
