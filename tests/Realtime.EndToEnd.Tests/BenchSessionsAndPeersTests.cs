using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// <c>rtapp bench --sessions</c> through the published binary (its table, its report, its tensor
/// file, its refusals), and <c>scripts/bench-peers.sh</c> end to end: every lane ran the frames asked
/// for and sits in the one table, with the JSON beside it.
/// </summary>
public sealed class BenchSessionsAndPeersTests
{
    private static readonly string[] Choices =
        { "default", "ort-defaults", "2-threads-spin", "2-threads-nospin", "opt-disabled", "opt-basic", "opt-extended", "no-memory-pattern", "no-arena", "saved-onnx", "saved-ort" };

    [Fact]
    public void SessionsAllPrintsOneRowPerChoiceAndWritesTheReportAndTheFrames()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "sessions.json"), tensors = Path.Combine(dir, "frames.f32");
        var r = Rtapp.Run(TimeSpan.FromMinutes(4), "bench", "--sessions", "all", "--frames", "12", "--warmup", "2", "--no-rt",
            "--cache", Path.Combine(dir, "cache"), "--report", report, "--write-tensors", tensors);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n');
        int head = Array.FindIndex(lines, l => l.StartsWith("session ", StringComparison.Ordinal));
        Assert.True(head >= 0, r.ToString());
        for (int i = 0; i < Choices.Length; i++) Assert.StartsWith(Choices[i] + " ", lines[head + 1 + i], StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var sessions = doc.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(Choices, sessions.Select(s => s.GetProperty("name").GetString()));
        Assert.All(sessions, s => Assert.Equal(12, s.GetProperty("latency").GetProperty("count").GetInt32()));
        Assert.All(sessions, s => Assert.True(s.GetProperty("cpu_us_per_frame").GetDouble() > 0));
        Assert.Equal(12 * 128 * 128 * 3 * 4, new FileInfo(tensors).Length);
    }

    [Theory]
    [InlineData(new[] { "--sessions", "default,warp" }, "unknown session choice 'warp'")]
    [InlineData(new[] { "--write-tensors", "x.f32" }, "--write-tensors goes with --sessions")]
    [InlineData(new[] { "--sessions", "all", "--demo", "voice-relay" }, "--sessions runs a model ")]
    [InlineData(new[] { "--sessions", "all", "--duration", "5s" }, "--sessions takes --frames")]
    public void BadSessionOptionsAreOneClearLineAndExit2(string[] args, string message)
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), new[] { "bench" }.Concat(args).Concat(new[] { "--no-rt" }).ToArray());
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchPeersRunsEveryLaneOnTheSameFramesAndPrintsOneTable()
    {
        string dir = Rtapp.TempDir();
        string script = Path.Combine(TestAssets.RepoRoot, "scripts", "bench-peers.sh");
        var env = new Dictionary<string, string> { ["RTAPP_BIN"] = TestAssets.Rtapp };
        var r = Rtapp.Exec(script, TimeSpan.FromMinutes(8), env, "--frames", "40", "--warmup", "3", "--out", dir);
        Assert.True(r.ExitCode == 0, r.ToString());

        string[] lanes = { "floor-loop-frames", "rtapp", "naive-csharp", "floor-tensor-file", "node", "node-1-thread" };
        var lines = r.Stdout.Split('\n');
        int head = Array.FindIndex(lines, l => l.StartsWith("lane ", StringComparison.Ordinal));
        Assert.True(head >= 0, r.ToString());
        foreach (string column in new[] { "p50 µs", "p99 µs", "p99.9 µs", "B/frame", "GCs", "p50×", "p99×", "p99.9×", "floor" })
            Assert.Contains(column, lines[head], StringComparison.Ordinal);
        for (int i = 0; i < lanes.Length; i++)
        {
            string[] cells = lines[head + 1 + i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lanes[i], cells[0]);
            Assert.Equal("40", cells[1]);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "peers.json")));
        var byLane = doc.RootElement.GetProperty("lanes").EnumerateArray().ToDictionary(l => l.GetProperty("lane").GetString()!);
        Assert.Equal(lanes, byLane.Keys);
        foreach (var (name, lane) in byLane)
        {
            Assert.Equal(40, lane.GetProperty("latency").GetProperty("count").GetInt32());
            Assert.True(lane.GetProperty("p50_ratio").GetDouble() > 0, name);
            Assert.False(string.IsNullOrWhiteSpace(lane.GetProperty("includes").GetString()), name);
        }
        // Each floor is its own reference.
        Assert.Equal(1.0, byLane["floor-loop-frames"].GetProperty("p50_ratio").GetDouble());
        Assert.Equal(1.0, byLane["floor-tensor-file"].GetProperty("p50_ratio").GetDouble());
        Assert.Equal("floor-tensor-file", byLane["node"].GetProperty("floor").GetString());
        // The project's loop allocates nothing per frame; the naive one and Node's do.
        Assert.Equal(0, byLane["rtapp"].GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.True(byLane["naive-csharp"].GetProperty("alloc_bytes_per_frame").GetDouble() > 0);
        Assert.True(byLane["node"].GetProperty("alloc_bytes_per_frame").GetDouble() > 0);
        // The Node lanes found the faces rtapp's preprocessing put in the frames: the tensor file was read right.
        Assert.True(doc.RootElement.GetProperty("node").GetProperty("frames_with_face").GetInt32() > 0);
        Assert.Equal(40 * 128 * 128 * 3 * 4, new FileInfo(Path.Combine(dir, "frames.f32")).Length);
    }

    [Theory]
    [InlineData("--frames", "ten", "--frames must be a whole number")]
    [InlineData("--frames", "0", "--frames must be 1..1000000")]
    [InlineData("--bogus", "1", "unknown argument --bogus")]
    public void BenchPeersRefusesBadArgumentsWithExit2(string option, string value, string message)
    {
        string script = Path.Combine(TestAssets.RepoRoot, "scripts", "bench-peers.sh");
        var r = Rtapp.Exec(script, TimeSpan.FromMinutes(1), null, option, value);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }
}
