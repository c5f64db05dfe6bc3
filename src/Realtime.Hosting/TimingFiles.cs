using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;
using Realtime.Hosting.Commands;
using Realtime.Linux;

namespace Realtime.Hosting;

/// <summary>
/// Where a profile's timing file lives and what makes it stale: <c>rtapp bench --calibrate</c> writes
/// it, admission (<c>rtapp check --admit</c>, <c>rtapp run</c>) reads it.
/// </summary>
public static class TimingFiles
{
    /// <summary>
    /// The timing file for <paramref name="board"/>: <paramref name="option"/> (--timing) when given; beside a
    /// profile file, its name with <c>.timing.json</c> (boards/x.json → boards/x.timing.json); for a built-in
    /// board, NAME.timing.json in the current folder.
    /// </summary>
    public static string PathFor(string board, string? option)
    {
        ArgumentNullException.ThrowIfNull(board);
        if (option is not null) return option;
        if (!ProfileCatalog.IsPath(board)) return board + ".timing.json";
        string full = Path.GetFullPath(board);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", Path.GetFileNameWithoutExtension(full) + ".timing.json");
    }

    /// <summary>
    /// SHA-256 of the profile as resolved (inheritance merged, --set applied, the application's entry
    /// merged), without its <c>timing</c> and <c>app.loop</c>: what the times were measured under (graph,
    /// models, board, threads), not the rate, deadline and budgets admission checks them against.
    /// </summary>
    public static string ProfileHash(string board, IReadOnlyList<string> sets, string? demo, RealtimeHost host)
    {
        var (json, _, _) = ProfileCatalog.Resolve(board, sets, demo, host);
        json.Remove("timing");
        if (json["app"] is JsonObject app) app.Remove("loop");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString())));
    }

    /// <summary>This machine, as a timing file records it.</summary>
    public static TimingMachine ThisMachine(MachineInfo m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new TimingMachine { Host = m.Host, CpuModel = m.CpuModel, Kernel = m.Kernel, Cores = m.Cores, LoadAverage = MachineFacts.LoadAverage() };
    }

    /// <summary>What differs between the machine <paramref name="file"/> was measured on and <paramref name="m"/> (CPU model, kernel, cores), or null.</summary>
    public static string? MachineChange(TimingMachine file, MachineInfo m)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(m);
        var changes = new List<string>();
        if (file.CpuModel != m.CpuModel) changes.Add($"CPU '{file.CpuModel}' then, '{m.CpuModel}' now");
        if (file.Kernel != m.Kernel) changes.Add($"kernel {file.Kernel} then, {m.Kernel} now");
        if (file.Cores != m.Cores) changes.Add($"{file.Cores} cores then, {m.Cores} now");
        return changes.Count == 0 ? null : string.Join("; ", changes);
    }
}
