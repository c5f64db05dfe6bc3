using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// The <c>rtapp.run</c> metadata of a recording: what <c>rtapp replay</c> needs to rebuild the same
/// application (board, application, <c>--set</c>s, frames, injected faults) and to refuse a recording
/// of another one (the graph's nodes and their types).
/// </summary>
internal static class RecordingMetadata
{
    public const string Board = "board", Demo = "demo", Application = "application", Sets = "sets", Inject = "inject",
        Frames = "frames", Warmup = "warmup", PeriodNs = "period_ns", DeadlineNs = "deadline_ns", Nodes = "nodes", Version = "version";

    public static List<KeyValuePair<string, string>> For(RealtimeHost host, string board, string? demoArg, string application, BoardProfile profile,
        IReadOnlyList<string> sets, string? inject, GraphLoop loop)
    {
        var c = CultureInfo.InvariantCulture;
        return new List<KeyValuePair<string, string>>
        {
            new(Version, host.Version),
            // A profile file is named by its full path, so the replay finds it from any folder.
            new(Board, File.Exists(board) ? Path.GetFullPath(board) : board),
            new(Demo, demoArg ?? ""),
            new(Application, application),
            new(Sets, string.Join('\n', sets)),
            new(Inject, inject ?? ""),
            new(Frames, loop.Options.Frames.ToString(c)),
            new(Warmup, loop.Options.WarmupFrames.ToString(c)),
            new(PeriodNs, loop.Options.PeriodNs.ToString(c)),
            new(DeadlineNs, loop.Options.DeadlineNs.ToString(c)),
            new(Nodes, NodesOf(profile)),
        };
    }

    /// <summary>The graph's nodes as <c>name:type</c>, comma-separated (empty for a hand-wired application).</summary>
    public static string NodesOf(BoardProfile profile)
    {
        if (profile.App is not { Nodes.Count: > 0 } app) return "";
        var parts = new List<string>();
        foreach (var n in app.Nodes) parts.Add($"{n.Name}:{n.Type}");
        return string.Join(',', parts);
    }
}
