using System;
using System.IO;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>A calibration's records into a timing file and back, and every kind of bad timing file refused by file and field.</summary>
public sealed class TimingFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtapp-timing-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Frame i: release at i ms, each stage 10 + (i % 7) µs apart, so a frame's release-to-actuation is 6 × that.
    private static FrameRecord[] Records(int warmup, int counted)
    {
        var r = new FrameRecord[warmup + counted];
        for (int i = 0; i < r.Length; i++)
        {
            long t = i * 1_000_000L, step = (10 + i % 7) * 1000L;
            r[i] = new FrameRecord
            {
                StartNs = t, CaptureNs = t, CaptureEndNs = t + step, PreprocessEndNs = t + 2 * step, InferEndNs = t + 3 * step,
                DecodeEndNs = t + 4 * step, ControlEndNs = t + 5 * step, ActuateEndNs = t + 6 * step,
                Flags = i < warmup ? FrameFlags.Warmup : FrameFlags.None,
            };
        }
        r[^1].Flags = FrameFlags.SourceFault;   // no stage ran: left out
        return r;
    }

    [Fact]
    public void ACalibrationSummarisesCountedFramesAndReadsBackAsWritten()
    {
        var loop = TimingCalibration.Measure("face-tracker", Records(5, 301), 30, 15000);
        Assert.Equal(300, loop.Frame.Samples);
        Assert.Equal(new[] { "capture", "preprocess", "infer", "decode", "control", "actuate" }, loop.Stages.ConvertAll(s => s.Name).ToArray());
        var infer = loop.Stages[2];
        // Stage times cycle through 10..16 µs: median 13, max 16; a frame is six stages.
        Assert.Equal(13, infer.P50Us);
        Assert.Equal(16, infer.MaxUs);
        Assert.Equal(96, loop.Frame.MaxUs);
        Assert.NotNull(infer.PwcetUs);
        Assert.True(infer.PwcetUs >= infer.MaxUs - 1, $"pWCET {infer.PwcetUs} below the maximum {infer.MaxUs}");
        Assert.Equal(TimingCalibration.PerFrameExceedance, infer.PwcetPerFrameExceedance);
        Assert.Equal(Pwcet.PerHour(TimingCalibration.PerFrameExceedance, 30), infer.PwcetPerHourExceedance);

        string path = Path.Combine(_dir, "sim.timing.json");
        File.WriteAllText(path, new TimingFile { Written = "2026-12-05T01:00:00Z", Profile = "sim", ProfileSha256 = "ab", Loops = { loop } }.ToJson());
        var back = TimingFile.Read(path)!;
        var again = back.Loop("face-tracker")!;
        Assert.Equal(loop.Frame.PwcetUs, again.Frame.PwcetUs);
        Assert.Equal(loop.Stages[2].P999Us, again.Stages[2].P999Us);
        Assert.Null(back.Loop("voice-relay"));
    }

    // Frame i: each stage a seeded uniform 10..16 µs long (a continuous sample, a bounded tail).
    private static FrameRecord[] UniformRecords(int counted, int seed)
    {
        var rng = new Random(seed);
        var r = new FrameRecord[counted];
        for (int i = 0; i < r.Length; i++)
        {
            long t = i * 1_000_000L, step = 10_000 + (long)(rng.NextDouble() * 6000);
            r[i] = new FrameRecord
            {
                StartNs = t, CaptureNs = t, CaptureEndNs = t + step, PreprocessEndNs = t + 2 * step, InferEndNs = t + 3 * step,
                DecodeEndNs = t + 4 * step, ControlEndNs = t + 5 * step, ActuateEndNs = t + 6 * step,
            };
        }
        return r;
    }

    [Fact]
    public void BothFitsAreStoredAndThePwcetIsTheLargerNamingItsMethod()
    {
        // 300 frames: block maxima fit (10 blocks need 20), peaks over the threshold do not (30 above p95 need 600).
        var few = TimingCalibration.Measure("face-tracker", Records(5, 301), 30, 15000).Stages[2];
        Assert.Equal(TimingCalibration.BlockMaxima, few.PwcetMethod);
        Assert.Equal(few.BlockMaximaPwcetUs, few.PwcetUs);
        Assert.Null(few.PotPwcetUs);
        Assert.Null(few.PotShape);

        // 1200 frames: both; the one stored as pwcet_us is the larger, and named.
        var loop = TimingCalibration.Measure("face-tracker", UniformRecords(1200, seed: 7), 30, 15000);
        foreach (var t in loop.Stages)
        {
            Assert.NotNull(t.BlockMaximaPwcetUs);
            Assert.NotNull(t.PotPwcetUs);
            Assert.True(t.PotExceedances >= PeaksOverThreshold.MinExceedances);
            Assert.NotNull(t.PotThresholdUs);
            Assert.Equal(Math.Max(t.BlockMaximaPwcetUs!.Value, t.PotPwcetUs!.Value), t.PwcetUs);
            Assert.Equal(t.PotPwcetUs > t.BlockMaximaPwcetUs ? TimingCalibration.PeaksOverThresholdMethod : TimingCalibration.BlockMaxima, t.PwcetMethod);
        }
        // Stage times uniform in 10..16 µs: the tail is bounded, the fitted shape below 0.
        Assert.True(loop.Stages[2].PotShape < 0, $"shape {loop.Stages[2].PotShape}");

        string path = Path.Combine(_dir, "both.timing.json");
        File.WriteAllText(path, new TimingFile { Written = "2026-12-05T01:00:00Z", Profile = "sim", ProfileSha256 = "ab", Loops = { loop } }.ToJson());
        var again = TimingFile.Read(path)!.Loops[0].Stages[2];
        Assert.Equal(loop.Stages[2].PotPwcetUs, again.PotPwcetUs);
        Assert.Equal(loop.Stages[2].PwcetMethod, again.PwcetMethod);
        Assert.Equal(loop.Stages[2].PotShape, again.PotShape);
    }

    [Fact]
    public void AMissingFileIsNoFileNotAnError() => Assert.Null(TimingFile.Read(Path.Combine(_dir, "none.timing.json")));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("{", "not a timing file")]
    [InlineData("[1, 2]", "not a timing file")]
    [InlineData("null", "not a timing file")]
    [InlineData("{\"version\": 1, \"loops\": []}", "loops: no loop measured")]
    [InlineData("{\"version\": 7, \"loops\": []}", "version: 7")]
    [InlineData(Loop + "\"p50_us\": -1, \"p99_us\": 2, \"p999_us\": 3, \"max_us\": 4}}]}", "loops[l].frame.p50_us: must be a time")]
    [InlineData(Loop + "\"p50_us\": \"NaN\", \"p99_us\": 2, \"p999_us\": 3, \"max_us\": 4}}]}", "$.loops[0].frame.p50_us")]
    [InlineData(Loop + "\"p50_us\": 1, \"p99_us\": 2, \"p999_us\": 3, \"max_us\": 1e300}}]}", "loops[l].frame.max_us: must be a time")]
    [InlineData(Loop + "\"p50_us\": 5, \"p99_us\": 2, \"p999_us\": 3, \"max_us\": 4}}]}", "percentiles out of order")]
    [InlineData(Loop + "\"p50_us\": 1, \"p99_us\": 2, \"p999_us\": 3, \"max_us\": 4, \"pwcet_us\": 9}}]}", "loops[l].frame.pwcet_per_frame_exceedance")]
    [InlineData(Loop + "\"p50_us\": 1, \"p99_us\": 2, \"p999_us\": 3, \"max_us\": 4, \"pwcet_method\": \"guess\"}}]}", "loops[l].frame.pwcet_method: 'guess' is not a fit")]
    public void ABadTimingFileIsOneErrorNamingTheFileAndField(string text, string words)
    {
        string path = Path.Combine(_dir, "bad.timing.json");
        File.WriteAllText(path, text);
        var ex = Assert.Throws<ProfileException>(() => TimingFile.Read(path));
        Assert.Equal(path, ex.Source);
        Assert.Contains(words, ex.Message);
    }

    private const string Loop = "{\"version\": 1, \"loops\": [{\"name\": \"l\", \"rate_hz\": 30, \"deadline_us\": 100, \"frame\": {\"samples\": 3, ";

    [Fact]
    public void AHugeFileIsRefusedUnread()
    {
        string path = Path.Combine(_dir, "huge.timing.json");
        File.WriteAllText(path, "{\"x\": \"" + new string('a', TimingFile.MaxBytes) + "\"}");
        var ex = Assert.Throws<ProfileException>(() => TimingFile.Read(path));
        Assert.Contains($"at most {TimingFile.MaxBytes} are read", ex.Message);
    }
}
