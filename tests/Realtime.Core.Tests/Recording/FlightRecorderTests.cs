using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Recording;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Recording;

/// <summary>
/// The flight recorder on the graph loop ticked by hand (<see cref="ManualClock"/>): what it writes
/// is read back by <see cref="Realtime.Core.Recording.Recording"/> frame for frame, around misses it
/// keeps the frames asked, the loop's thread allocates nothing with it attached, and a replay of
/// the file on the recorded timeline decides every frame as recorded — or, under another policy,
/// otherwise exactly where the recorded misses were.
/// </summary>
[Collection(Realtime.Core.Tests.Imaging.AllocationCounters.Name)]
public sealed class FlightRecorderTests
{
    private const long Ms = 1_000_000;
    private const long Period = 10 * Ms;
    private const int MissFrom = 40, MissTo = 42, Frames = 60;

    private static (GraphLoop Loop, RecordingSink Servo) Tracker(IClock clock, SourceNode? source = null, FaultAction onMiss = FaultAction.HoldLast, IPeriodicWaiter? waiter = null)
    {
        var manual = clock as ManualClock;
        source ??= new PatternSource("cam", clock);
        // The mean "takes" 2 ms, 9 ms on frames 40 to 42: past the 8 ms deadline.
        var mean = new MeanTransform("mean", manual) { CostNs = f => f >= MissFrom && f <= MissTo ? 9 * Ms : 2 * Ms };
        var servo = new RecordingSink("servo", safe: -1);
        var g = new GraphBuilder().Add(source).Add(mean).Add(new FollowController("pid")).Add(servo)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
        var loop = new GraphLoop(g, new ClosedLoopOptions { Frames = Frames, WarmupFrames = 0, PeriodNs = Period, DeadlineNs = 8 * Ms },
            new LoopWatchdog(onMiss, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3), clock, waiter);
        return (loop, servo);
    }

    private static readonly KeyValuePair<string, string>[] Meta = [new("application", "test")];

    private static string Temp() => Path.Combine(Path.GetTempPath(), $"rtapp-recorder-{Guid.NewGuid():N}.mcap");

    [Fact]
    public void EveryFrameIsWrittenAndReadBackWithItsStampsDecisionAndInputAndTheLoopAllocatesNothing()
    {
        string file = Temp();
        var clock = new ManualClock();
        var (loop, _) = Tracker(clock);
        using (loop)
        {
            // A ring of every frame: the hand-ticked loop runs far faster than any writer.
            var recorder = new FlightRecorder(loop, file, RecordingMode.All, Frames, Meta);
            loop.Attach(recorder);
            const int Window = (Frames - 10) / 3;
            loop.RunFrames(Frames - 3 * Window); // warms every path up
            Assert.Equal(0, ThreadAllocations.LeastOfThree(() => loop.RunFrames(Window)));
            var report = recorder.Finish();
            Assert.Equal(Frames, report.FramesWritten);
            Assert.Equal(0, report.FramesLost);
            Assert.Equal(Frames, report.Channels!["/camera/cam"]);
            Assert.Equal(MissTo - MissFrom + 1, report.Channels!["/events"]);

            var rec = Realtime.Core.Recording.Recording.Read(File.ReadAllBytes(file));
            Assert.Equal(Frames, rec.Frames.Count);
            Assert.Equal("test", rec["application"]);
            Assert.Equal("image", rec.Sources["cam"]["kind"]);
            for (int i = 0; i < Frames; i++)
            {
                FrameRecord r = loop.Records[i];
                FrameTimingMessage t = rec.Frames[i].Timing;
                Assert.Equal((r.StartNs, r.CaptureNs, r.PreprocessEndNs, r.ControlEndNs, r.ActuateEndNs, (int)r.Flags),
                    (t.StartNs, t.CaptureNs, t.PreprocessEndNs, t.ControlEndNs, t.ActuateEndNs, t.Flags));
                Assert.Equal(i >= MissFrom && i <= MissTo ? FaultAction.HoldLast : FaultAction.Ignore, rec.Frames[i].Action);
                Assert.Equal(16 * 16 * 3, rec.Frames[i].Inputs["cam"].Data.Length);
            }
            Assert.Equal(report.OutputHash, rec.OutputHashOf());
        }
        File.Delete(file);
    }

    /// <summary>Runs <paramref name="loop"/> four frames at a time, the writer given time to read them as a paced loop would.</summary>
    private static void RunPaced(GraphLoop loop, FlightRecorder recorder, int frames, Action<int>? after = null)
    {
        for (int i = 0; i < frames; i += 4)
        {
            loop.RunFrames(4);
            while (!recorder.CaughtUp) System.Threading.Thread.Sleep(1);
            after?.Invoke(i + 4);
        }
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rtapp-recorder-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static List<int> TimingFrames(string file)
    {
        var frames = new List<int>();
        foreach (var m in McapReader.Read(File.ReadAllBytes(file)).Messages)
            if (m.Topic == "/timing") frames.Add(System.Text.Json.JsonSerializer.Deserialize(m.Data, RecordingJsonContext.Default.FrameTimingMessage)!.Frame);
        return frames;
    }

    [Fact]
    public void AroundMissesOnlyTheFramesBeforeAndAfterEachMissAreWrittenIntoAFileOfTheirOwn()
    {
        string dir = TempDir();
        var clock = new ManualClock();
        var (loop, _) = Tracker(clock);
        using (loop)
        {
            var recorder = new FlightRecorder(loop, dir, RecordingMode.AroundMisses, 8, Meta);
            loop.Attach(recorder);
            RunPaced(loop, recorder, Frames);
            var report = recorder.Finish();
            // 4 before frame 40, the three misses (one window: each extends it), 4 after frame 42.
            Assert.Equal(4 + 3 + 4, report.FramesWritten);
            string file = Assert.Single(report.Files!);
            Assert.Equal(Path.Combine(dir, Path.GetFileName(file)), file);
            Assert.StartsWith("miss-", Path.GetFileName(file));
            Assert.EndsWith($"-f{MissFrom - 4:D9}.mcap", file);
            Assert.Equal(new FileInfo(file).Length, report.Bytes);
            var frames = TimingFrames(file);
            Assert.Equal(11, frames.Count);
            Assert.Equal(MissFrom - 4, frames[0]);
            Assert.Equal(MissTo + 4, frames[^1]);
            var ex = Assert.Throws<McapFormatException>(() => Realtime.Core.Recording.Recording.Read(File.ReadAllBytes(file)));
            Assert.Contains("replay needs every frame", ex.Message);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void MissFilesPastTheCapAreDeletedOldestFirstEarlierRunsIncluded()
    {
        string dir = TempDir();
        // An earlier run's file, and a file of someone else's, which the cap never touches.
        File.WriteAllText(Path.Combine(dir, "miss-20000101T000000.000Z-f000000001.mcap"), "old");
        File.WriteAllText(Path.Combine(dir, "notes.mcap"), "mine");
        var clock = new ManualClock();
        var source = new PatternSource("cam", clock);
        // A miss every 10 frames: windows of 2 before and 2 after never touch, so each is a file.
        var mean = new MeanTransform("mean", clock) { CostNs = f => f % 10 == 5 ? 9 * Ms : 2 * Ms };
        var g = new GraphBuilder().Add(source).Add(mean).Add(new FollowController("pid")).Add(new RecordingSink("servo", safe: -1))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
        using var loop = new GraphLoop(g, new ClosedLoopOptions { Frames = Frames, WarmupFrames = 0, PeriodNs = Period, DeadlineNs = 8 * Ms },
            new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3), clock);
        var recorder = new FlightRecorder(loop, dir, RecordingMode.AroundMisses, 4, Meta, new RecordingCap(3, 1L << 30));
        loop.Attach(recorder);
        RunPaced(loop, recorder, Frames);
        var report = recorder.Finish();
        // Six misses (frames 5, 15, ..., 55), six windows of 5 frames; the earlier run's file and the first three go.
        Assert.Equal(6 * 5, report.FramesWritten);
        Assert.Equal(4, report.FilesDeleted);
        Assert.Equal(3, report.Files!.Count);
        Assert.Equal(new[] { 33, 43, 53 }, report.Files.ConvertAll(f => TimingFrames(f)[0]));
        Assert.Equal(new[] { "notes.mcap" }.Concat(report.Files.ConvertAll(Path.GetFileName)).OrderBy(n => n, StringComparer.Ordinal),
            Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        long bytes = 0;
        foreach (string f in report.Files) bytes += new FileInfo(f).Length;
        Assert.Equal(bytes, report.Bytes);

        // A size cap smaller than one window: the window goes on in new files, and only the newest is kept.
        string small = TempDir();
        using var loop2 = new GraphLoop(new GraphBuilder().Add(new PatternSource("cam", clock)).Add(new MeanTransform("mean", clock) { CostNs = _ => 9 * Ms })
                .Add(new FollowController("pid")).Add(new RecordingSink("servo", safe: -1))
                .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Build(),
            new ClosedLoopOptions { Frames = Frames, WarmupFrames = 0, PeriodNs = Period, DeadlineNs = 8 * Ms },
            new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 1000, 1000), clock);
        var every = new FlightRecorder(loop2, small, RecordingMode.AroundMisses, 4, Meta, new RecordingCap(100, 20_000));
        loop2.Attach(every);
        RunPaced(loop2, every, Frames);
        var r2 = every.Finish();
        Assert.Equal(Frames, r2.FramesWritten); // every frame misses: one window, never closed
        Assert.True(r2.FilesDeleted > 0, $"{r2.FilesDeleted} deleted");
        Assert.True(r2.Bytes <= 20_000 || r2.Files!.Count == 1, $"{r2.Bytes} bytes in {r2.Files!.Count} files");
        Assert.Equal(Frames - 1, TimingFrames(r2.Files![^1])[^1]);
        Directory.Delete(dir, true);
        Directory.Delete(small, true);
    }

    [Fact]
    public void ASnapshotWritesTheRingAsItIsNowIntoAFileOfItsOwnAndTheRecordingGoesOn()
    {
        string dir = TempDir();
        string file = Path.Combine(dir, "run.mcap");
        var clock = new ManualClock();
        var (loop, _) = Tracker(clock);
        using (loop)
        {
            var recorder = new FlightRecorder(loop, file, RecordingMode.All, 16, Meta);
            loop.Attach(recorder);
            RunPaced(loop, recorder, Frames, after: f =>
            {
                if (f != 32) return;
                recorder.RequestSnapshot();
                // The request is taken on the writer's next turn; the loop waits for it here, as a paced loop's frames would leave it time.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (recorder.SnapshotsWritten == 0 && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(5);
            });
            var report = recorder.Finish();
            Assert.Equal(Frames, report.FramesWritten);
            Assert.Equal(1, report.Snapshots);
            Assert.Equal(16, report.SnapshotFrames);
            string snapshot = Assert.Single(report.Files!);
            Assert.StartsWith("sighup-", Path.GetFileName(snapshot));
            // The last 16 frames published when it was asked for: 16 to 31.
            Assert.Equal(Enumerable.Range(16, 16), TimingFrames(snapshot));
            Assert.Equal("snapshot", McapReader.Read(File.ReadAllBytes(snapshot)).Metadata["rtapp.run"]["recording.mode"]);
            // The recording of every frame is whole, and its counts are its own.
            Assert.Equal(Frames, Realtime.Core.Recording.Recording.Read(File.ReadAllBytes(file)).Frames.Count);
            Assert.Equal(Frames, report.Channels!["/timing"]);
            Assert.Equal(new FileInfo(file).Length + new FileInfo(snapshot).Length, report.Bytes);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void AReplayOnTheRecordedTimelineDecidesAsRecordedAndAnotherPolicyDivergesAtTheMissesOnly()
    {
        string file = Temp();
        var clock = new ManualClock();
        var (loop, servo) = Tracker(clock);
        string hash;
        using (loop)
        {
            var recorder = new FlightRecorder(loop, file, RecordingMode.All, Frames, Meta);
            loop.Attach(recorder);
            loop.RunFrames(Frames);
            hash = recorder.Finish().OutputHash!;
        }
        var rec = Realtime.Core.Recording.Recording.Read(File.ReadAllBytes(file));
        File.Delete(file);

        foreach (var (policy, expectSame) in new[] { (FaultAction.HoldLast, true), (FaultAction.SafeState, false) })
        {
            var timeline = new ReplayTimeline(rec, ReplayTiming.Recorded);
            var (replay, _) = Tracker(timeline, new ReplaySource("cam", rec.Sources["cam"], timeline, timeline), policy, timeline);
            using (replay)
            {
                timeline.Follow(replay);
                replay.Attach(timeline);
                Assert.Equal(LoopOutcome.Completed, replay.RunFrames(Frames));
                for (int i = 0; i < Frames; i++) Assert.Equal(rec.Frames[i].Timing.ControlEndNs, replay.Records[i].ControlEndNs);
                Assert.Equal(expectSame, timeline.OutputHashText == hash);
                if (expectSame) Assert.Empty(timeline.Diverged);
                else
                {
                    // Hold-last became safe-state on the missed frames (and the recovery after them keeps it safe a little longer).
                    Assert.Equal(MissFrom, timeline.Diverged[0].Frame);
                    foreach (var d in timeline.Diverged) Assert.InRange(d.Frame, MissFrom, MissTo + 3);
                }
            }
        }
    }

    [Fact]
    public void ATruncatedOrForeignFileIsRefusedInWords()
    {
        using var ms = new MemoryStream();
        var w = new McapWriter(ms, "other", "another tool");
        ushort ch = w.AddChannel(w.AddSchema("Pose", "jsonschema", "{}"), "/pose", "json");
        w.AddMessage(ch, 0, 1, "{}"u8);
        w.Finish();
        byte[] whole = ms.ToArray();
        Assert.Single(McapReader.Read(whole).Messages);
        Assert.Contains("no rtapp flight recording", Assert.Throws<McapFormatException>(() => Realtime.Core.Recording.Recording.Read(whole)).Message);
        Assert.Contains("truncated", Assert.Throws<McapFormatException>(() => McapReader.Read(whole.AsSpan(0, whole.Length - 20).ToArray())).Message);
        Assert.Contains("not an MCAP file", Assert.Throws<McapFormatException>(() => McapReader.Read("{\"json\": 1}"u8.ToArray())).Message);
    }

    [Fact]
    public void TheCrcsAreWrittenAndAChangedByteInTheDataOrTheSummaryIsNamedAsCorruption()
    {
        // The check value every CRC-32 (zlib's, MCAP's) gives for "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Of("123456789"u8));
        using var ms = new MemoryStream();
        var w = new McapWriter(ms, "other", "another tool");
        ushort ch = w.AddChannel(w.AddSchema("Pose", "jsonschema", "{}"), "/pose", "json");
        w.AddMessage(ch, 0, 1, "{\"x\":12345}"u8);
        w.Finish();
        byte[] whole = ms.ToArray();
        // DataEnd (13 bytes) sits just before the summary the Footer points at; both CRCs are stated.
        long summaryStart = BitConverter.ToInt64(whole, whole.Length - 8 - 29 + 9);
        Assert.NotEqual(0u, BitConverter.ToUInt32(whole, (int)summaryStart - 4));
        Assert.NotEqual(0u, BitConverter.ToUInt32(whole, whole.Length - 8 - 4));
        Assert.Single(McapReader.Read(whole).Messages);

        byte[] data = (byte[])whole.Clone();
        int digit = whole.AsSpan().IndexOf("12345"u8);
        data[digit] = (byte)'9'; // still valid JSON: only the CRC can tell
        Assert.Contains("corrupted: the data section's CRC-32", Assert.Throws<McapFormatException>(() => McapReader.Read(data)).Message);

        byte[] summary = (byte[])whole.Clone();
        int topic = whole.AsSpan((int)summaryStart).IndexOf("/pose"u8) + (int)summaryStart;
        summary[topic + 1] = (byte)'q';
        Assert.Contains("corrupted: the summary's CRC-32", Assert.Throws<McapFormatException>(() => McapReader.Read(summary)).Message);
    }

    [Fact]
    public void RecordingTheSourcesRunsNoOtherNodeMovesNoOutputAndReadsBackFrameForFrame()
    {
        string dir = TempDir();
        string file = Path.Combine(dir, "sources.mcap");
        var clock = new ManualClock();
        var camera = new PatternSource("cam", clock);
        var (loop, servo) = Tracker(clock, camera);
        using (loop)
        {
            int safeWrites = servo.SafeWrites;
            var report = SourceRecording.Record(loop, file, 25, Meta, clock);
            // Each capture after its period's tick, as in the loop.
            Assert.Equal(25, camera.TickCount);
            for (int i = 0; i < 25; i++) Assert.Equal((i, i), camera.Ticks[i]);
            Assert.Equal(25, report.FramesWritten);
            Assert.Equal(0, report.FramesLost);
            Assert.Equal("sources", report.Mode);
            Assert.Null(report.OutputHash);
            // Only the source ran: its input and the stamps are the file's channels.
            Assert.Equal(new[] { "/camera/cam", "/timing" }, report.Channels!.Keys);
            Assert.Equal(0, servo.Writes);
            Assert.Equal(safeWrites, servo.SafeWrites);
            Assert.Equal(0, loop.FramesRun);
            // Paced: one period between frames on the loop's clock.
            var rec = Realtime.Core.Recording.Recording.Read(File.ReadAllBytes(file));
            Assert.Equal("sources", rec.Mode);
            Assert.Equal(25, rec.Frames.Count);
            Assert.Equal(Period, rec.Frames[1].Timing.TickNs - rec.Frames[0].Timing.TickNs);

            var images = RecordedImages.Read(File.ReadAllBytes(file));
            Assert.Equal(("test", "cam", PixelFormat.Bgr24, 16, 16, 25), (images.Application, images.Source, images.Format, images.Width, images.Height, images.Count));
            // The pattern source's frame f: byte i is i*31 + f.
            var frame = new FrameBuffer(16, 16, PixelFormat.Bgr24);
            images.CopyTo(24, frame);
            for (int i = 0; i < frame.Pixels.Length; i++) Assert.Equal((byte)(i * 31 + 24), frame.Pixels[i]);
            Assert.Throws<ArgumentException>(() => images.CopyTo(0, new FrameBuffer(8, 8, PixelFormat.Bgr24)));
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ARecordingWithoutCameraFramesIsRefusedSayingWhatItHolds()
    {
        using var ms = new MemoryStream();
        var w = new McapWriter(ms, "rtapp", "test");
        w.AddMetadata(RecordingSchemas.RunMetadata, new KeyValuePair<string, string>[] { new("application", "voice-relay"), new("recording.mode", "sources"), new("source.mic", "port=audio;kind=audio;rate=16000;samples=512") });
        ushort sample = w.AddChannel(w.AddSchema("rtapp.SourceSample", "jsonschema", RecordingSchemas.SourceSample), "/source/mic", "json");
        ushort timing = w.AddChannel(w.AddSchema("rtapp.FrameTiming", "jsonschema", RecordingSchemas.FrameTiming), RecordingSchemas.TimingTopic, "json");
        w.AddMessage(sample, 0, 1, "{\"frame\":0,\"source\":\"mic\",\"kind\":\"audio\",\"data\":\"AAAA\"}"u8);
        w.AddMessage(timing, 1, 1, "{\"frame\":0}"u8);
        w.Finish();
        var ex = Assert.Throws<McapFormatException>(() => RecordedImages.Read(ms.ToArray()));
        Assert.Equal("a recording of 'voice-relay' whose sources are mic: audio: no camera frames (an image source) in it", ex.Message);
    }
}
