using System;
using System.Globalization;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// Text appended into a buffer the caller keeps, with explicit TryFormat calls (an interpolated
/// TryWrite boxes its numbers until the JIT has optimised it): the telemetry thread's lines
/// (interval reports, /healthz) allocate nothing. What does not fit is cut, never an error.
/// </summary>
internal static class SpanText
{
    public static void Put(Span<char> dest, ref int at, ReadOnlySpan<char> text)
    {
        int n = Math.Min(text.Length, dest.Length - at);
        text[..n].CopyTo(dest[at..]);
        at += n;
    }

    public static void Put(Span<char> dest, ref int at, long value)
    {
        if (value.TryFormat(dest[at..], out int n, default, CultureInfo.InvariantCulture)) at += n;
    }

    public static void Put(Span<char> dest, ref int at, double value, string format)
    {
        if (value.TryFormat(dest[at..], out int n, format, CultureInfo.InvariantCulture)) at += n;
    }
}
