using System.Globalization;
using System.Text;

namespace Realtime.Bench.Sessions;

/// <summary>The session choices as a plain-text table, one row per choice, the default first.</summary>
public static class SessionTable
{
    /// <summary>The column headings, in order.</summary>
    public static readonly string[] Columns = { "session", "p50 µs", "p99 µs", "p50×", "p99×", "CPU µs/frame", "other thr µs", "cores", "CPU×", "load ms", "max |Δ|" };

    /// <summary>Formats <paramref name="report"/>: a heading line, then one line per choice.</summary>
    public static string Format(SessionReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"{Columns[0],-18} {Columns[1],9} {Columns[2],9} {Columns[3],6} {Columns[4],6} {Columns[5],13} {Columns[6],13} {Columns[7],6} {Columns[8],6} {Columns[9],8} {Columns[10],9}\n");
        foreach (var r in report.Sessions)
            sb.Append(c, $"{r.Name,-18} {r.Latency.P50Us,9:0.0} {r.Latency.P99Us,9:0.0} {r.P50Ratio,6:0.00} {r.P99Ratio,6:0.00} {r.CpuUsPerFrame,13:0.0} {r.OtherThreadsCpuUsPerFrame,13:0.0} {r.CoresBusy,6:0.00} {r.CpuRatio,6:0.00} {r.ModelLoadMs,8:0.0} {r.MaxAbsDiffVsDefault,9:0.0e0}\n");
        return sb.ToString();
    }
}
