using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The change gate and the cascade through the published <c>rtapp</c>: the paths counted in the
/// report's node sections and the summary, 0 B per frame, the skipped stage left out of its
/// percentiles, and each bad setting one line naming its field, exit 2.
/// </summary>
public sealed class GateRunTests : IDisposable
{
    private const int Frames = 120, Warmup = 5;
    private readonly List<string> _dirs = new();

    private string TempDir()
    {
        string d = Rtapp.TempDir();
        _dirs.Add(d);
        return d;
    }

    public void Dispose()
    {
        foreach (string d in _dirs) if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
    }

    private static string Sample(string name) => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    private static double Figure(JsonElement report, string node, string figure) =>
        report.GetProperty("nodes").GetProperty(node).GetProperty(figure).GetDouble();

    private (JsonElement Report, string Stdout) Run(string profile, params string[] sets)
    {
        string report = Path.Combine(TempDir(), "report.json");
        var args = new List<string> { "run", "--board", Path.IsPathRooted(profile) ? profile : Sample(profile), "--frames", $"{Frames}", "--warmup", $"{Warmup}", "--no-rt", "--assets", TestAssets.Dir, "--report", report };
        foreach (string s in sets) { args.Add("--set"); args.Add(s); }
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), args.ToArray());
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        JsonElement j = doc.RootElement.Clone();
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());
        return (j, r.Stdout);
    }

    [Fact]
    public void TheChangeGateSkipsAStillSceneAndRunsTheMovingVideoWithoutAllocating()
    {
        var (still, stillOut) = Run("face-change-gate.json", "app.nodes[0].config.still=true");
        double skipped = Figure(still, "gate", "skipped");
        Assert.Equal(1, Figure(still, "gate", "ran_changed"));
        Assert.True(skipped >= 0.9 * (Frames + Warmup), $"skipped {skipped}");
        Assert.Equal(Figure(still, "gate", "ran_changed") + Figure(still, "gate", "ran_at_max_skips"), Figure(still, "blazeface", "runs"));
        Assert.Equal(Frames + Warmup, Figure(still, "reference", "runs"));
        // The reference model runs every frame in the same stage, so no stage was skipped whole.
        Assert.Equal(0, still.GetProperty("skipped_frames").GetInt32());
        Assert.Equal(100, Figure(still, "agreement", "presence_agreement_pct"));
        Assert.Contains("Change gate 'gate': skipped ", stillOut, StringComparison.Ordinal);

        // The production graph (no reference branch): the infer and decode stages are skipped whole, counted, and left out of their percentiles.
        var (alone, aloneOut) = Run(WithoutReference(), "app.nodes[0].config.still=true");
        int skippedFrames = alone.GetProperty("skipped_frames").GetInt32();
        Assert.True(skippedFrames >= 0.9 * Frames, $"skipped_frames {skippedFrames}");
        Assert.Equal(Frames - skippedFrames, alone.GetProperty("stages").GetProperty("infer").GetProperty("count").GetInt32());
        Assert.Contains($"Skipped by a gate: {skippedFrames} of {Frames}", aloneOut, StringComparison.Ordinal);

        var (moving, _) = Run("face-change-gate.json");
        Assert.True(Figure(moving, "gate", "skipped") <= 0.25 * (Frames + Warmup), $"skipped {Figure(moving, "gate", "skipped")} of the moving video");
    }

    /// <summary>face-change-gate.json without its reference branch and agreement node, in a temporary folder.</summary>
    private string WithoutReference()
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Sample("face-change-gate.json")))!.AsObject();
        root["extends"] = "sim";
        root.Remove("$schema");
        var app = root["app"]!.AsObject();
        var nodes = app["nodes"]!.AsArray();
        var conns = app["connections"]!.AsArray();
        string[] audit = { "reference", "reference-faces", "agreement" };
        for (int i = nodes.Count - 1; i >= 0; i--) if (Array.IndexOf(audit, (string?)nodes[i]!["name"]) >= 0) nodes.RemoveAt(i);
        for (int i = conns.Count - 1; i >= 0; i--)
        {
            string from = (string)conns[i]!["from"]!, to = (string)conns[i]!["to"]!;
            if (Array.IndexOf(audit, from[..from.IndexOf('.')]) >= 0 || Array.IndexOf(audit, to[..to.IndexOf('.')]) >= 0) conns.RemoveAt(i);
        }
        string path = Path.Combine(TempDir(), "face-change-gate-alone.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    [Fact]
    public void TheCascadeCountsItsPathsInTheReportAndTheSummary()
    {
        var (j, stdout) = Run("face-cascade.json");
        double unsure = Figure(j, "cascade", "expensive_unsure"), every = Figure(j, "cascade", "expensive_every");
        double sure = Figure(j, "cascade", "cheap_sure_found") + Figure(j, "cascade", "cheap_sure_none");
        Assert.Equal(Frames + Warmup, unsure + every + sure);
        Assert.Equal(unsure + every, Figure(j, "big", "runs"));
        Assert.Equal(Frames + Warmup, Figure(j, "cheap", "runs"));
        Assert.True(sure > unsure + every, $"the cheap model was sure of {sure} frames");
        Assert.Contains("Cascade 'cascade': the expensive path ran ", stdout, StringComparison.Ordinal);
        Assert.Contains("Agreement 'agreement' with the full model every frame: ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("face-change-gate.json", "app.nodes[2].config.threshold=-1", "app.nodes[2].config.threshold: must be between 0 and 1000, got -1")]
    [InlineData("face-change-gate.json", "app.nodes[2].config.max_skips=0", "app.nodes[2].config.max_skips: must be between 1 and 10000, got 0")]
    [InlineData("face-change-gate.json", "app.nodes[2].config.guards[1]=decoder", "app.nodes[2].config.guards[1]: no node named 'decoder' (nodes: camera, pre, gate, blazeface, faces, presence, relay, reference, reference-faces, agreement)")]
    [InlineData("face-cascade.json", "app.nodes[4].config.low=0.95", "app.nodes[4].config.low: must be at most high (0.9), got 0.95: the band would be empty")]
    [InlineData("face-cascade.json", "app.nodes[4].config.high=1.5", "app.nodes[4].config.high: must be between 0 and 1, got 1.5")]
    public void ABadGateSettingIsOneLineNamingTheFieldExit2(string profile, string set, string expected)
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", Sample(profile), "--frames", "5", "--no-rt", "--assets", TestAssets.Dir,
            "--report", Path.Combine(TempDir(), "report.json"), "--set", set);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(expected, line);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }

    [Fact]
    public void ACascadeWhoseExpensiveModelsOutputsItsDecoderCannotReadIsRefusedExit2()
    {
        // The big model's boxes wired into its decoder's scores: the decoder cannot read them.
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", Sample("face-cascade.json"), "--frames", "5", "--no-rt", "--assets", TestAssets.Dir,
            "--report", Path.Combine(TempDir(), "report.json"), "--set", "app.connections[9].from=big.Identity_2_0");
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("app.nodes[7].config: decoder 'big-faces' cannot read layer 0", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }
}
