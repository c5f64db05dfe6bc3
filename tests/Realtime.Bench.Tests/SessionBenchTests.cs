using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Realtime.Bench.Sessions;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>
/// The session choices run on the real model and the real video: every choice gives a row with every
/// counted frame, the same answer as the default, CPU time that the clocks really counted, and a table
/// with one line per choice under its heading.
/// </summary>
public sealed class SessionBenchTests
{
    [Fact]
    public void EveryChoiceRunsTheSameFramesAndAgreesWithTheDefault()
    {
        string cache = Path.Combine(Path.GetTempPath(), "rtapp-sessions-" + Guid.NewGuid().ToString("N"));
        try
        {
            var known = SessionBench.Known(extraCore: 0, cache);
            // The frames a profile's graph writes into its model's input: its camera, its preprocessing.
            List<float[]> tensors;
            using (var app = BenchPipelines.Application(BenchPipelines.Sample("face-presence.json"), BenchScenario.SingleStream, 8, 0))
            {
                tensors = SessionBench.Tensors(app, 8, out string input);
                Assert.Equal("input:0", input);
                Assert.Equal(8, app.Application.Loop.FramesRun);
            }
            Assert.Equal(8, tensors.Count);
            Assert.All(tensors, t => Assert.Equal(128 * 128 * 3, t.Length));
            // Frames of a video differ: the tensors are not eight copies of one.
            Assert.NotEqual(tensors[0], tensors[7]);

            const int frames = 30;
            var report = SessionBench.Run(TestAssets.BlazeFace128, "input:0", known, tensors, frames, warmup: 2, gapNs: 100_000);

            Assert.Equal(known.Select(k => k.Name), report.Sessions.Select(s => s.Name));
            Assert.Equal(SessionBench.DefaultName, report.Sessions[0].Name);
            Assert.Equal(1.0, report.Sessions[0].P50Ratio);
            Assert.Equal(1.0, report.Sessions[0].CpuRatio);
            Assert.Equal(0.0, report.Sessions[0].MaxAbsDiffVsDefault);
            foreach (var s in report.Sessions)
            {
                Assert.Equal(frames, s.Latency.Count);
                Assert.True(s.Latency.P50Us > 0, s.Name);
                // The caller's own thread ran the model every frame: the process clock saw at least that.
                Assert.True(s.CpuUsPerFrame > 0, s.Name);
                Assert.True(s.OtherThreadsCpuUsPerFrame >= 0, $"{s.Name}: the process's CPU window holds the caller's, so the rest cannot be negative");
                // Optimization levels reorder float arithmetic; none may change the answer beyond rounding.
                Assert.True(s.MaxAbsDiffVsDefault < 1e-2, $"{s.Name}: outputs differ from the default's by {s.MaxAbsDiffVsDefault}");
                Assert.True(s.P50Ratio > 0 && s.CpuRatio > 0, s.Name);
            }
            var saved = report.Sessions.Single(s => s.Name == "saved-ort");
            Assert.Contains(".optimized.ort", saved.Settings, StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(cache, "*.optimized.ort"));
            Assert.Contains("spinning on", report.Sessions.Single(s => s.Name == "2-threads-spin").Settings, StringComparison.Ordinal);
            Assert.Contains("affinity 1", report.Sessions.Single(s => s.Name == "2-threads-nospin").Settings, StringComparison.Ordinal);

            string[] lines = SessionTable.Format(report).TrimEnd('\n').Split('\n');
            Assert.Equal(known.Count + 1, lines.Length);
            foreach (string column in SessionTable.Columns) Assert.Contains(column, lines[0], StringComparison.Ordinal);
            for (int i = 0; i < known.Count; i++)
            {
                string[] cells = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(known[i].Name, cells[0]);
                Assert.Equal(SessionTable.Columns.Length, cells.Length);
            }
        }
        finally
        {
            if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void TheFramesOfADemoAreWhatItsPreprocessingWroteIntoItsModel()
    {
        using var app = BenchPipelines.FaceTracker(BenchScenario.SingleStream, 3, 0);
        var tensors = SessionBench.Tensors(app, 3, out string input);
        Assert.Equal("input:0", input);
        Assert.Equal(3, tensors.Count);
        Assert.Equal(app.Model.Inputs![0].Tensor.Floats.ToArray(), tensors[2]);
        Assert.All(tensors, t => Assert.Equal(128 * 128 * 3, t.Length));
    }

    [Fact]
    public void AModelFedMoreThanOneTensorIsRefusedByName()
    {
        using var app = BenchPipelines.VoiceRelay(BenchScenario.SingleStream, 3, 0);
        var ex = Assert.Throws<Realtime.Hosting.UsageException>(() => SessionBench.Tensors(app, 3, out _));
        Assert.StartsWith("runs a model ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("silero_vad", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SelectKeepsTheDefaultFirstAndNamesAnUnknownChoice()
    {
        var known = SessionBench.Known(1, "cache");
        var some = SessionBench.Select(known, "saved-ort, opt-basic,saved-ort", out string? error);
        Assert.Null(error);
        Assert.Equal(new[] { "default", "saved-ort", "opt-basic" }, some!.Select(c => c.Name));
        Assert.Equal(known.Count, SessionBench.Select(known, "all", out _)!.Count);
        Assert.Null(SessionBench.Select(known, "default,turbo", out error));
        Assert.Contains("'turbo'", error, StringComparison.Ordinal);
        Assert.Contains("saved-ort", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionBench.Known(-1, "cache"));
        // ORT numbers cores from 1: core 1 is "2".
        Assert.Equal("2", known.Single(k => k.Name == "2-threads-spin").Settings.IntraOpThreadAffinities);
    }

    [Fact]
    public void WrittenTensorsAreTheFramesInOrderAsLittleEndianFloats()
    {
        List<float[]> tensors;
        using (var app = BenchPipelines.FaceTracker(BenchScenario.SingleStream, 3, 0)) tensors = SessionBench.Tensors(app, 3, out _);
        string file = Path.Combine(Path.GetTempPath(), "rtapp-tensors-" + Guid.NewGuid().ToString("N") + ".f32");
        try
        {
            SessionBench.WriteTensors(file, tensors);
            byte[] bytes = File.ReadAllBytes(file);
            Assert.Equal(3 * 128 * 128 * 3 * 4, bytes.Length);
            Assert.True(BitConverter.IsLittleEndian);
            for (int f = 0; f < 3; f++)
                Assert.Equal(tensors[f], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(f * 128 * 128 * 3 * 4, 128 * 128 * 3 * 4)).ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
