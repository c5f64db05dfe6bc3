using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Applications composed in a profile alone, from built-in components, run end to end through the
/// published <c>rtapp</c>; and what is wrong in such a profile is one line naming the file and the
/// field, exit 2, never a crash.
/// </summary>
public sealed class GraphApplicationRunTests : IDisposable
{
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

    private static JsonElement Report(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static double Figure(JsonElement report, string node, string figure) =>
        report.GetProperty("nodes").GetProperty(node).GetProperty(figure).GetDouble();

    [Fact]
    public void AProfileOnlyFacePresenceApplicationClosesTheRelayWithoutAllocating()
    {
        const int frames = 150, warmup = 5;
        string report = Path.Combine(TempDir(), "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", Sample("face-presence.json"), "--frames", $"{frames}", "--warmup", $"{warmup}",
            "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("face-presence / face-presence:", r.Stdout);
        Assert.DoesNotContain("checked for form", r.Stderr);
        var j = Report(report);
        Assert.Equal("face-presence", j.GetProperty("demo").GetString());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(frames, j.GetProperty("frames").GetInt32());
        Assert.Equal(frames + warmup, j.GetProperty("model_runs").GetInt64());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());
        Assert.Equal(frames + warmup, Figure(j, "blazeface", "runs"));
        Assert.True(Figure(j, "faces", "frames_with_detections") > frames / 2, "the decoder found no face in most frames of the sim video");
        double toggles = Figure(j, "presence", "switches");
        Assert.True(toggles >= 1, "the relay never closed");
        // Every change of the command reached the line (plus the safe state's opening at the end when it was closed).
        Assert.True(Figure(j, "relay", "switches") >= toggles);
        Assert.True(j.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
    }

    [Fact]
    public void TwoModelsInOneLoopEachRunOncePerPeriod()
    {
        const int frames = 12, warmup = 2;
        string report = Path.Combine(TempDir(), "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", Sample("face-and-lines.json"), "--frames", $"{frames}", "--warmup", $"{warmup}",
            "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        Assert.Equal(frames + warmup, Figure(j, "blazeface", "runs"));
        Assert.Equal(frames + warmup, Figure(j, "mlsd", "runs"));
        Assert.Equal(2 * (frames + warmup), j.GetProperty("model_runs").GetInt64());
        Assert.Contains("mlsd_320x320_tiny.onnx", j.GetProperty("model").GetString());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
    }

    [Fact]
    public void CheckBuildsAndStartsTheGraph()
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--board", Sample("face-presence.json"), "--assets", TestAssets.Dir);
        Assert.Contains("[ ok ] app graph: 6 node(s), 8 connection(s) build and start; model(s): blazeface (face_detection_front_128x128_barracuda.onnx)", r.Stdout);
    }

    [Fact]
    public void CheckVerifiesEveryModelOfATwoModelGraphAndNamesTheOneWhosePinDoesNotMatch()
    {
        const string blazeface = "d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51";
        const string mlsd = "8ed66620ee42e13b814f9d281f21873fe0ffca44261087188384dc4f365440f7";
        string board = Sample("face-and-lines.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--board", board, "--assets", TestAssets.Dir,
            "--set", $"app.nodes[blazeface].config.sha256={blazeface}", "--set", $"app.nodes[mlsd].config.sha256={mlsd}");
        Assert.Contains($"[ ok ] model 'blazeface': {TestAssets.BlazeFace128} (SHA-256 matches)", r.Stdout);
        Assert.Contains($"[ ok ] model 'mlsd': {Path.Combine(TestAssets.Dir, "models", "mlsd_320x320_tiny.onnx")} (SHA-256 matches)", r.Stdout);
        Assert.Contains("[ ok ] app graph: ", r.Stdout);

        // The second model's pin is wrong: that model is named by its field, the first still passes, and the graph (which would load it) fails too.
        string wrong = new('0', 64);
        r = Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--board", board, "--assets", TestAssets.Dir,
            "--set", $"app.nodes[blazeface].config.sha256={blazeface}", "--set", $"app.nodes[mlsd].config.sha256={wrong}");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("[ ok ] model 'blazeface': ", r.Stdout);
        Assert.Contains($"[FAIL] model 'mlsd': app.nodes[5].config.sha256: SHA-256 of {Path.Combine(TestAssets.Dir, "models", "mlsd_320x320_tiny.onnx")} is {mlsd}, the profile pins {wrong}", r.Stdout);
        Assert.Contains("[FAIL] app graph: ", r.Stdout);
        Assert.DoesNotContain("[FAIL] model 'blazeface'", r.Stdout);
    }

    [Fact]
    public void SafeDrivesTheGraphsSinksSafe()
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "safe", "--board", Sample("face-presence.json"), "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("  relay: gpio chip 0 line 17 low (relay open, de-energised)", r.Stdout);
    }

    [Fact]
    public void ARunRefusedWhileWiringWritesItsReportWithTheOutputsAlreadySafe()
    {
        string report = Path.Combine(TempDir(), "refused.json");
        string profile = Edited(app => Nodes(app)[2]!["config"]!["path"] = "models/none.onnx");
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "run", "--board", profile, "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"rtapp: error: {profile}", line);
        Assert.Contains("app.nodes[2].config.path: model file not found", line);
        var j = Report(report);
        Assert.Equal("refused", j.GetProperty("outcome").GetString());
        Assert.Equal(2, j.GetProperty("exit_code").GetInt32());
        Assert.Contains("app.nodes[2].config.path: model file not found", j.GetProperty("fault").GetString());
        // The relay (the sink) was opened and driven safe before the model was looked for.
        Assert.Equal("outputs-safe", j.GetProperty("startup_phase").GetString());
        var phases = new List<string>();
        foreach (var m in j.GetProperty("cold_start_ms").GetProperty("timeline").EnumerateArray()) phases.Add(m.GetProperty("phase").GetString()!);
        Assert.Contains("outputs_safe", phases);
        Assert.DoesNotContain("model_loaded", phases);
        Assert.True(j.GetProperty("cold_start_ms").GetProperty("process_to_outputs_safe").GetDouble() > 0);
    }

    [Fact]
    public void TheFloorOfAGraphRunsEveryModelAloneEachFrame()
    {
        const int frames = 10, warmup = 2;
        string report = Path.Combine(TempDir(), "floor.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", Sample("face-and-lines.json"), "--frames", $"{frames}", "--warmup", $"{warmup}",
            "--floor", "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("no floor", r.Stderr);
        var j = Report(report);
        // Each of the two models ran once in the loop and once alone per frame.
        Assert.Equal(2 * (frames + warmup), Figure(j, "blazeface", "runs"));
        Assert.Equal(2 * (frames + warmup), Figure(j, "mlsd", "runs"));
        var floor = j.GetProperty("floor");
        Assert.Equal(frames, floor.GetProperty("count").GetInt32());
        Assert.True(floor.GetProperty("p50_us").GetDouble() > 0);
        Assert.True(j.TryGetProperty("overhead_vs_floor", out var overhead) && overhead.ValueKind == JsonValueKind.Object);
        Assert.Contains("model alone", r.Stdout);
    }

    [Fact]
    public void ABundleOfATwoModelGraphShipsEveryFileItsNodesNameAndItsStopStepNeedsNone()
    {
        string b = Bundles.Make(TempDir(), out var r, "--board", Sample("face-and-lines.json"), "--assets", TestAssets.Dir);
        Assert.True(File.Exists(Path.Combine(b, "assets", "models", "face_detection_front_128x128_barracuda.onnx")), r.ToString());
        Assert.True(File.Exists(Path.Combine(b, "assets", "models", "mlsd_320x320_tiny.onnx")), r.ToString());
        Assert.True(File.Exists(Path.Combine(b, "assets", "video", "Megamind.avi")));
        Assert.True(File.Exists(Path.Combine(b, "bin", "libOpenCvSharpExtern.so")));
        // The stop step builds only the sinks: no model or video, so no assets folder.
        Assert.Contains("ExecStopPost=/opt/rtapp/face-and-lines/bin/rtapp safe --board /opt/rtapp/face-and-lines/boards/face-and-lines.json --quiet",
            Bundles.UnitLines(b, "rtapp-face-and-lines.service"));
    }

    /// <summary>The face-presence sample with <paramref name="edit"/> applied, written to a temporary file.</summary>
    private string Edited(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Sample("face-presence.json")))!.AsObject();
        json.Remove("$schema");
        edit(json["app"]!.AsObject());
        string path = Path.Combine(TempDir(), "board.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static JsonArray Nodes(JsonObject app) => app["nodes"]!.AsArray();
    private static JsonArray Connections(JsonObject app) => app["connections"]!.AsArray();

    private static void AssertOneError(string profile, params string[] parts)
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "run", "--board", profile, "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("rtapp: error: " + profile, line);
        foreach (string p in parts) Assert.Contains(p, line);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    [Fact]
    public void AnUnknownComponentTypeNamesTheNodesType() =>
        AssertOneError(Edited(app => Nodes(app)[4]!["type"] = "warp-drive"), "app.nodes[4].type: unknown component type 'warp-drive'", "threshold");

    [Fact]
    public void AConnectionToAMissingNodeNamesTheConnection() =>
        AssertOneError(Edited(app => Connections(app)[0]!["from"] = "ghost.image"), "app.connections[0].from", "ghost");

    [Fact]
    public void ATensorOfTheWrongShapeNamesTheConnectionAndBothTypes() =>
        AssertOneError(Edited(app => Nodes(app)[1]!["config"]!["width"] = 96),
            "app.connections[1]", "tensor float32 [1,128,96,3] cannot flow into tensor float32 [1,128,128,3]");

    [Fact]
    public void TwoWritersOnOneActuatorAreRefused() =>
        AssertOneError(Edited(app =>
        {
            Nodes(app).Add(JsonNode.Parse("""{ "name": "second", "type": "threshold", "config": { "on": 0.9 } }"""));
            Connections(app).Add(JsonNode.Parse("""{ "from": "faces.detections", "to": "second.detections" }"""));
            Connections(app).Add(JsonNode.Parse("""{ "from": "second.command", "to": "relay.command" }"""));
        }), "two writers on one actuator");

    [Fact]
    public void AModelWhoseOutputsDoNotFitItsDecoderNamesTheDecoder() =>
        AssertOneError(Edited(app => Connections(app)[3]!["from"] = "blazeface.Identity_1_0"), "app.nodes[3].config", "do not fit this decoder");

    [Fact]
    public void AFileThatIsNotAModelNamesThePath()
    {
        string fake = Path.Combine(TempDir(), "fake.onnx");
        File.WriteAllText(fake, "this is not a model");
        AssertOneError(Edited(app => Nodes(app)[2]!["config"]!["path"] = fake), "app.nodes[2].config.path", "cannot load the model");
    }

    [Fact]
    public void AMissingModelNamesThePathAndHowToFetchIt() =>
        AssertOneError(Edited(app => Nodes(app)[2]!["config"]!["path"] = "models/none.onnx"), "app.nodes[2].config.path: model file not found", "fetch-assets.sh");
}
