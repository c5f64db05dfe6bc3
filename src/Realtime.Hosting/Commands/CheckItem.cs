using System;
using System.Collections.Generic;

namespace Realtime.Hosting.Commands;

/// <summary>One line of <c>rtapp check</c>'s checklist (and of admission at <c>rtapp run</c>): what, how it came out, and how to fix it.</summary>
internal sealed record CheckItem(CheckLevel Level, string What, string Detail, string? Fix)
{
    /// <summary>Prints <paramref name="items"/> as the checklist prints them; returns how many failed and how many warned.</summary>
    public static (int Fails, int Warns) Print(IEnumerable<CheckItem> items)
    {
        int fails = 0, warns = 0;
        foreach (var i in items)
        {
            string tag = i.Level switch { CheckLevel.Ok => " ok ", CheckLevel.Warn => "warn", _ => "FAIL" };
            Console.WriteLine($"  [{tag}] {i.What}: {i.Detail}");
            if (i.Fix is not null && i.Level != CheckLevel.Ok) Console.WriteLine($"         fix: {i.Fix}");
            if (i.Level == CheckLevel.Fail) fails++;
            if (i.Level == CheckLevel.Warn) warns++;
        }
        return (fails, warns);
    }
}
