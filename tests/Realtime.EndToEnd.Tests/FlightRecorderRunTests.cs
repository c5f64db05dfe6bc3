using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The flight recorder and replay through the published binary on the voice relay (real Silero VAD,
/// real speech): a run with <c>--record</c> and an injected slow inference, the file read by
/// Foxglove's own reader (<c>@mcap/core</c>, scripts/mcap), its replay with the recorded timing, a
/// what-if under another policy, and the files replay refuses.
/// </summary>
public sealed class FlightRecorderRunTests
{
    // 100 ms of extra inference on frames 100 to 104: far past the 30 ms deadline whatever the machine's load.
    private const string Inject = "slow:infer:100:from=100:to=104";
    private const int FirstInjected = 100, LastInjected = 104;

    private static (string Dir, string Mcap, string Profile, JsonElement Report) Record(string mode = "--record", string? profile = null)
    {
        string dir = Rtapp.TempDir();
        // Every frame goes into a file; the frames around misses into files in a folder.
        string mcap = Path.Combine(dir, mode == "--record" ? "run.mcap" : "misses");
        string report = Path.Combine(dir, "run.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", profile ?? "sim", "--demo", "voice-relay", "--frames", "200", "--no-rt",
            "--set", "timing.deadline_us=30000", "--inject", Inject, mode, mcap, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        return (dir, mcap, profile ?? "sim", JsonDocument.Parse(File.ReadAllText(report)).RootElement.Clone());
    }

    /// <summary>Reads <paramref name="mcap"/> with @mcap/core (installed by scripts/mcap/install.sh, which test.sh runs).</summary>
    internal static JsonElement ReadWithMcapCore(string mcap)
    {
        var install = Rtapp.Exec(Path.Combine(TestAssets.RepoRoot, "scripts", "mcap", "install.sh"), TimeSpan.FromMinutes(3), null);
        Assert.True(install.ExitCode == 0, install.ToString());
        var r = Rtapp.Exec("node", TimeSpan.FromMinutes(2), null, Path.Combine(TestAssets.RepoRoot, "scripts", "mcap", "read.cjs"),
            "--modules", Path.Combine(TestAssets.RepoRoot, "out", "mcap", "node_modules"), mcap);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    [Fact]
    public void ARecordingReadByMcapCoreHoldsTheChannelsSchemasAndCountsTheReportStatesAndCostsNoAllocation()
    {
        var (_, mcap, _, report) = Record();
        Assert.Equal(0, report.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, report.GetProperty("gc_collections").GetInt32());
        var rec = report.GetProperty("recording");
        Assert.Equal("all", rec.GetProperty("mode").GetString());
        Assert.Equal(0, rec.GetProperty("frames_lost").GetInt64());
        Assert.Equal(216, rec.GetProperty("frames_written").GetInt64()); // 16 warm-up + 200
        Assert.Equal(new FileInfo(mcap).Length, rec.GetProperty("bytes").GetInt64());

        var file = ReadWithMcapCore(mcap);
        Assert.Equal("rtapp", file.GetProperty("header").GetProperty("profile").GetString());
        // Both CRCs are stated: the summary's checked by @mcap/core's indexed reader, the data section's computed by @foxglove/crc.
        var crc = file.GetProperty("data_section_crc");
        Assert.NotEqual(0, crc.GetProperty("stated").GetInt64());
        Assert.Equal(crc.GetProperty("computed").GetInt64(), crc.GetProperty("stated").GetInt64());
        Assert.NotEqual(0, file.GetProperty("summary_crc").GetInt64());
        var channels = file.GetProperty("channels");
        var stated = rec.GetProperty("channels");
        Assert.Equal(stated.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal),
            channels.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        foreach (var c in stated.EnumerateObject())
        {
            Assert.Equal(c.Value.GetInt64(), channels.GetProperty(c.Name).GetProperty("messages").GetInt64());
            Assert.Equal("json", channels.GetProperty(c.Name).GetProperty("message_encoding").GetString());
            Assert.Equal(c.Value.GetInt64(), file.GetProperty("statistics").GetProperty("channel_message_counts").GetProperty(c.Name).GetInt64());
        }
        Assert.Equal(rec.GetProperty("messages").GetInt64(), file.GetProperty("messages").GetInt64());
        Assert.Equal(rec.GetProperty("messages").GetInt64(), file.GetProperty("statistics").GetProperty("message_count").GetInt64());
        // Every frame: the microphone's chunk, the stamps, the model's output, the commands and the watchdog's decision.
        foreach (string topic in new[] { "/source/mic", "/timing", "/model/vad", "/commands", "/watchdog" })
            Assert.Equal(216, channels.GetProperty(topic).GetProperty("messages").GetInt64());
        Assert.Equal("rtapp.SourceSample", channels.GetProperty("/source/mic").GetProperty("schema").GetString());
        Assert.Equal("rtapp.FrameTiming", channels.GetProperty("/timing").GetProperty("schema").GetString());
        Assert.Equal("rtapp.WatchdogDecision", channels.GetProperty("/watchdog").GetProperty("schema").GetString());
        foreach (var s in file.GetProperty("schemas").EnumerateObject()) Assert.Equal("jsonschema", s.Value.GetProperty("encoding").GetString());
        // At least the five injected frames are events (a loaded machine may add its own misses).
        Assert.True(channels.GetProperty("/events").GetProperty("messages").GetInt64() >= LastInjected - FirstInjected + 1);
        var run = file.GetProperty("metadata").GetProperty("rtapp.run");
        Assert.Equal("voice-relay", run.GetProperty("application").GetString());
        Assert.Equal(Inject, run.GetProperty("inject").GetString());
    }

    [Fact]
    public void AReplayWithTheRecordedTimingGivesTheSameWatchdogEventsAndOutputHashAndAWhatIfDivergesAtTheInjectedFrames()
    {
        var (dir, mcap, _, report) = Record();
        string recordedHash = report.GetProperty("recording").GetProperty("output_hash").GetString()!;
        var recordedEvents = Events(report);
        // The premise: the injected frames are the run's faults (the deadline is generous).
        Assert.Contains(recordedEvents, e => e.Frame == FirstInjected && e.Kind == "deadline_miss");

        string same = Path.Combine(dir, "replay.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "replay", mcap, "--report", same);
        Assert.True(r.ExitCode == 0, r.ToString());
        var replay = JsonDocument.Parse(File.ReadAllText(same)).RootElement;
        Assert.Equal(216, replay.GetProperty("frames_replayed").GetInt32());
        Assert.Equal(recordedHash, replay.GetProperty("recorded_output_hash").GetString());
        Assert.Equal(recordedHash, replay.GetProperty("output_hash").GetString());
        Assert.True(replay.GetProperty("same_outputs").GetBoolean());
        Assert.Equal(0, replay.GetProperty("diverged").GetArrayLength());
        Assert.Equal(recordedEvents, Events(replay));

        // Another policy on the same frames and latencies: the first miss goes straight to the safe state.
        string whatIf = Path.Combine(dir, "what-if.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(2), "replay", mcap, "--what-if", "watchdog.miss_policy=safe-state", "--report", whatIf);
        Assert.True(r.ExitCode == 0, r.ToString());
        var other = JsonDocument.Parse(File.ReadAllText(whatIf)).RootElement;
        Assert.NotEqual(recordedHash, other.GetProperty("output_hash").GetString());
        Assert.False(other.GetProperty("same_outputs").GetBoolean());
        var diverged = other.GetProperty("diverged").EnumerateArray().ToList();
        Assert.NotEmpty(diverged);
        // Where the recording held the last command on a miss, the what-if is in the safe state; nowhere else.
        var recordedHolds = recordedEvents.Where(e => e.Action == "hold-last").Select(e => e.Frame).ToHashSet();
        // The first divergence is the first held frame: an injected one, or an earlier miss of a loaded machine's own.
        Assert.Equal(recordedHolds.Min(), diverged[0].GetProperty("frame").GetInt32());
        Assert.Contains(diverged, d => d.GetProperty("frame").GetInt32() == FirstInjected);
        foreach (var d in diverged)
        {
            Assert.Equal("hold-last", d.GetProperty("recorded").GetString());
            Assert.Equal("safe-state", d.GetProperty("replayed").GetString());
        }
        foreach (int frame in recordedHolds) Assert.Contains(diverged, d => d.GetProperty("frame").GetInt32() == frame);
        Assert.Contains(Events(other), e => e.Frame == FirstInjected && e.Action == "safe-state");
    }

    [Fact]
    public void RecordingOnMissKeepsTheFramesAroundTheInjectedMissesOnly()
    {
        var (_, folder, _, report) = Record("--record-on-miss");
        var rec = report.GetProperty("recording");
        Assert.Equal("around-misses", rec.GetProperty("mode").GetString());
        Assert.Equal(folder, rec.GetProperty("file").GetString());
        long written = rec.GetProperty("frames_written").GetInt64();
        // 32 frames before the first injected frame, the faulty ones and 32 after the last: fewer than the run's 216.
        Assert.InRange(written, 32 + (LastInjected - FirstInjected + 1) + 32, 215);
        // One file per window (a loaded machine may add windows of its own misses); the injected misses share one.
        var files = rec.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(folder, "miss-*.mcap").Order(StringComparer.Ordinal));
        Assert.Equal(0, rec.GetProperty("files_deleted").GetInt32());
        long timing = 0, bytes = 0;
        foreach (string f in files)
        {
            timing += ReadWithMcapCore(f).GetProperty("channels").GetProperty("/timing").GetProperty("messages").GetInt64();
            bytes += new FileInfo(f).Length;
        }
        Assert.Equal(written, timing);
        Assert.Equal(bytes, rec.GetProperty("bytes").GetInt64());
        // Such a file is for the desk, not for replay: replay needs every frame.
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "replay", files[0]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(files[0], r.Stderr);
        Assert.Contains("replay needs every frame", r.Stderr);
    }

    [Fact]
    public void ATruncatedACorruptedAForeignOrANonMcapFileOrARecordingOfAnotherApplicationIsExitTwoNamingTheFile()
    {
        string dir = Rtapp.TempDir();
        string profile = Path.Combine(dir, "board.json");
        File.WriteAllText(profile, Rtapp.SimProfileJson().ToJsonString());
        var (_, mcap, _, _) = Record(profile: profile);

        string truncated = Path.Combine(dir, "truncated.mcap");
        byte[] bytes = File.ReadAllBytes(mcap);
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        Refused(truncated, "truncated");

        // One byte of a recorded audio chunk changed (still valid JSON and base64): only the data section's CRC tells.
        string corrupted = Path.Combine(dir, "corrupted.mcap");
        byte[] changed = (byte[])bytes.Clone();
        int data = bytes.AsSpan().IndexOf("\"data\":\""u8) + 10;
        changed[data] = (byte)(changed[data] == (byte)'A' ? 'B' : 'A');
        File.WriteAllBytes(corrupted, changed);
        Refused(corrupted, "corrupted: the data section's CRC-32");

        string foreign = Path.Combine(dir, "foreign.mcap");
        ReadWithMcapCore(mcap); // installs @mcap/core
        var w = Rtapp.Exec("node", TimeSpan.FromMinutes(1), null, Path.Combine(TestAssets.RepoRoot, "scripts", "mcap", "read.cjs"),
            "--modules", Path.Combine(TestAssets.RepoRoot, "out", "mcap", "node_modules"), "--write-foreign", foreign);
        Assert.True(w.ExitCode == 0, w.ToString());
        Refused(foreign, "no rtapp flight recording");

        string text = Path.Combine(dir, "notes.mcap");
        File.WriteAllText(text, "not a recording\n");
        Refused(text, "not an MCAP file");
        // A device is never read whole (it was an out-of-memory crash): refused before it is opened.
        Refused("/dev/zero", "is empty or not a regular file");

        // The profile changed since: its voice relay lost its timeline node. The recording is of another application.
        var json = Rtapp.SimProfileJson();
        var app = json["demos"]!["voice-relay"]!["app"]!;
        var nodes = app["nodes"]!.AsArray();
        nodes.Remove(nodes.First(n => (string?)n!["name"] == "timeline"));
        var connections = app["connections"]!.AsArray();
        foreach (var c in connections.Where(c => ((string?)c!["to"])!.StartsWith("timeline.", StringComparison.Ordinal)).ToList()) connections.Remove(c);
        File.WriteAllText(profile, json.ToJsonString());
        Refused(mcap, "replay needs the application that was recorded");
    }

    [Fact]
    public void ReplaysHelpNamesTheRecordingAndEveryOption()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "replay", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Usage:\n  rtapp replay <file> [options]", r.Stdout);
        Assert.Contains("<FILE.mcap>  The MCAP recording", r.Stdout);
        foreach (string option in new[] { "--timing", "--what-if", "--report", "--assets", "--quiet" }) Assert.Contains(option, r.Stdout);
        r = Rtapp.Run(TimeSpan.FromSeconds(30), "run", "--help");
        foreach (string option in new[] { "--record", "--record-on-miss", "--record-frames" }) Assert.Contains(option, r.Stdout);
    }

    [Fact]
    public void RtappRecordKeepsTheSimCamerasFramesWhichTheVariantTableTakesAndOtherRecordingsAreNamedAsSuch()
    {
        string dir = Rtapp.TempDir();
        string frames = Path.Combine(dir, "frames.mcap");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "record", frames, "--board", "sim", "--demo", "face-tracker", "--frames", "30", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("no model runs, the outputs stay safe", r.Stdout);
        Assert.Contains("recording: " + frames + ": 30 frame(s)", r.Stdout);
        // Foxglove's reader: the camera's frames and their stamps, nothing of a model, a command or a decision.
        var file = ReadWithMcapCore(frames);
        var channels = file.GetProperty("channels");
        Assert.Equal(new[] { "/camera/camera", "/timing" }, channels.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(30, channels.GetProperty("/camera/camera").GetProperty("messages").GetInt64());
        Assert.Equal("foxglove.RawImage", channels.GetProperty("/camera/camera").GetProperty("schema").GetString());
        Assert.Equal("sources", file.GetProperty("metadata").GetProperty("rtapp.run").GetProperty("recording.mode").GetString());

        // The variant table on those frames: both BlazeFaces, every recorded frame, the file named as the data.
        string report = Path.Combine(dir, "variants.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(3), "bench", "--variants", "blazeface", "--frames-from", frames, "--warmup", "2", "--no-rt", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        using (var doc = JsonDocument.Parse(File.ReadAllText(report)))
        {
            var root = doc.RootElement;
            Assert.Equal(30, root.GetProperty("frames").GetInt32());
            Assert.StartsWith("frames.mcap (320×240, 30 frames of 'face-tracker''s camera, recorded)", root.GetProperty("data").GetString());
            var v = root.GetProperty("variants");
            Assert.Equal(2, v.GetArrayLength());
            Assert.Equal(30, v[1].GetProperty("infer").GetProperty("count").GetInt32());
            // The sim camera looks at Megamind's face from its start pose: the reference finds it.
            Assert.True(v[0].GetProperty("frames_with_face").GetInt32() > 20, root.ToString());
        }

        // A recording of the voice relay holds no camera: the variant table says so, exit 2; replay refuses a sources-only file.
        string audio = Path.Combine(dir, "audio.mcap");
        r = Rtapp.Run(TimeSpan.FromMinutes(2), "record", audio, "--board", "sim", "--demo", "voice-relay", "--frames", "10", "--assets", TestAssets.Dir, "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = Rtapp.Run(TimeSpan.FromMinutes(1), "bench", "--variants", "blazeface", "--frames-from", audio, "--no-rt");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(audio, r.Stderr);
        Assert.Contains("a recording of 'voice-relay' whose sources are mic: audio: no camera frames (an image source) in it", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Refused(frames, "a recording of the sources only (rtapp record)");
        r = Rtapp.Run(TimeSpan.FromMinutes(1), "bench", "--variants", "silero", "--frames-from", frames, "--no-rt");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--frames-from: the silero variants run on their own data", r.Stderr);
        // The M-LSD ladder runs over the line follower's graph: the face tracker's frames are another application's.
        r = Rtapp.Run(TimeSpan.FromMinutes(1), "bench", "--variants", "mlsd", "--frames-from", frames, "--no-rt");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"{frames}: a recording of 'face-tracker''s camera; the ladder runs over 'line-follower', whose camera is 'robot'", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    private static void Refused(string file, string why)
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "replay", file);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(file, r.Stderr);
        Assert.Contains(why, r.Stderr);
        Assert.DoesNotContain("Unhandled", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    private sealed record Event(int Frame, string Kind, string Action);

    private static List<Event> Events(JsonElement report) =>
        report.GetProperty("watchdog_events").EnumerateArray()
            .Select(e => new Event(e.GetProperty("frame").GetInt32(), e.GetProperty("kind").GetString()!, e.GetProperty("action").GetString()!)).ToList();
}
