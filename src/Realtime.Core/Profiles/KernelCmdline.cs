using System;
using System.Collections.Generic;
using System.Globalization;

namespace Realtime.Core.Profiles;

/// <summary>
/// The parts of a kernel command line that isolate cores: <c>isolcpus=</c>, <c>nohz_full=</c> and
/// <c>rcu_nocbs=</c>, each a CPU list (<c>3</c>, <c>2-3</c>, <c>1,3-5</c>); <c>isolcpus</c> may start
/// with flags (<c>isolcpus=nohz,domain,managed_irq,3</c>).
/// </summary>
public static class KernelCmdline
{
    /// <summary>The parameters whose value is a CPU list.</summary>
    public static readonly string[] CpuListParameters = { "isolcpus", "nohz_full", "rcu_nocbs", "irqaffinity" };

    private static readonly string[] IsolcpusFlags = { "nohz", "domain", "managed_irq" };

    /// <summary>The <c>name=value</c> parameters of a command line, in order (a bare word has an empty value).</summary>
    public static List<(string Name, string Value)> Parameters(string cmdline)
    {
        var list = new List<(string, string)>();
        foreach (string word in cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = word.IndexOf('=');
            list.Add(eq < 0 ? (word, "") : (word[..eq], word[(eq + 1)..]));
        }
        return list;
    }

    /// <summary>The CPUs a CPU-list parameter names, or null when the command line lacks it.</summary>
    public static SortedSet<int>? Cpus(string cmdline, string parameter)
    {
        foreach (var (name, value) in Parameters(cmdline))
            if (name == parameter && TryParseCpuList(StripFlags(name, value), out var cpus)) return cpus;
        return null;
    }

    /// <summary>Drops <c>isolcpus</c>'s leading flags.</summary>
    public static string StripFlags(string parameter, string value)
    {
        if (parameter != "isolcpus") return value;
        string[] parts = value.Split(',');
        int i = 0;
        while (i < parts.Length && Array.IndexOf(IsolcpusFlags, parts[i]) >= 0) i++;
        return string.Join(',', parts, i, parts.Length - i);
    }

    /// <summary>Parses a CPU list (<c>0</c>, <c>2-3</c>, <c>1,3-5</c>).</summary>
    public static bool TryParseCpuList(string text, out SortedSet<int> cpus)
    {
        cpus = new SortedSet<int>();
        if (string.IsNullOrEmpty(text)) return false;
        foreach (string part in text.Split(','))
        {
            int dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int one)) return false;
                cpus.Add(one);
                continue;
            }
            if (!int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                || !int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int to)
                || to < from || to - from > 4096) return false;
            for (int c = from; c <= to; c++) cpus.Add(c);
        }
        return true;
    }

    /// <summary>A CPU set written as a CPU list (<c>0-2,5</c>).</summary>
    public static string Format(IEnumerable<int> cpus)
    {
        var sorted = new SortedSet<int>(cpus);
        var parts = new List<string>();
        int start = -1, prev = -1;
        foreach (int c in sorted)
        {
            if (start >= 0 && c == prev + 1) { prev = c; continue; }
            if (start >= 0) parts.Add(start == prev ? start.ToString(CultureInfo.InvariantCulture) : $"{start}-{prev}");
            start = prev = c;
        }
        if (start >= 0) parts.Add(start == prev ? start.ToString(CultureInfo.InvariantCulture) : $"{start}-{prev}");
        return string.Join(',', parts);
    }
}
