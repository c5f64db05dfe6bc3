using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Bench.Profiling;
using Realtime.Core.Pipeline;
using Realtime.Onnx;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>ONNX Runtime's profile read back per op type, and set beside the loop's stages.</summary>
public sealed class ProfilingTests
{
    private const string Trace = """
        [
          {"cat":"Session","dur":900,"ts":10,"ph":"X","name":"model_loading_uri","args":{}},
          {"cat":"Session","dur":100,"ts":1000,"ph":"X","name":"model_run","args":{}},
          {"cat":"Node","dur":70,"ts":1010,"ph":"X","name":"a_kernel_time","args":{"op_name":"Conv"}},
          {"cat":"Session","dur":60,"ts":2000,"ph":"X","name":"model_run","args":{}},
          {"cat":"Node","dur":30,"ts":2010,"ph":"X","name":"a_kernel_time","args":{"op_name":"Conv"}},
          {"cat":"Node","dur":10,"ts":2040,"ph":"X","name":"b_kernel_time","args":{"op_name":"Conv"}},
          {"cat":"Node","dur":5,"ts":2050,"ph":"X","name":"c_kernel_time","args":{"op_name":"Add"}},
          {"cat":"Node","dur":0,"ts":2051,"ph":"X","name":"c_fence_before","args":{"op_name":"Add"}},
          {"cat":"Session","dur":50,"ts":3000,"ph":"X","name":"model_run","args":{}},
          {"cat":"Node","dur":20,"ts":3010,"ph":"X","name":"a_kernel_time","args":{"op_name":"Conv"}},
          {"cat":"Node","dur":15,"ts":3030,"ph":"X","name":"c_kernel_time","args":{"op_name":"Add"}}
        ]
        """;

    [Fact]
    public void ATraceIsSummedPerOpTypeOverTheLastRunsOnly()
    {
        using var doc = JsonDocument.Parse(Trace);
        var s = OrtTrace.Summarize(doc.RootElement, countedRuns: 2);
        Assert.Equal(3, s.TotalRuns);
        Assert.Equal(2, s.CountedRuns);
        Assert.Equal(110, s.RunTotalUs);
        Assert.Equal(80, s.KernelTotalUs); // the first run's 70 µs Conv is warm-up; fences are not kernels
        Assert.Equal(900, s.SessionLoadUs);
        Assert.Equal(new[] { "Conv", "Add" }, s.OpTypes.Select(t => t.OpType));
        var conv = s.OpTypes[0];
        Assert.Equal(3, conv.Calls);
        Assert.Equal(60, conv.TotalUs);
        Assert.Equal(2, conv.Nodes);
        Assert.Equal(2, s.OpTypes[1].Calls);
        Assert.Equal(20, s.OpTypes[1].TotalUs);
    }

    [Fact]
    public void ATraceThatIsNotAnArrayIsRefusedByName()
    {
        using var doc = JsonDocument.Parse("{\"traceEvents\":[]}");
        var ex = Assert.Throws<InvalidDataException>(() => OrtTrace.Summarize(doc.RootElement, 1, "x.json"));
        Assert.StartsWith("x.json:", ex.Message);
    }

    private static FrameRecord[] Frames(int n, long inferNs)
    {
        // Each frame: capture 100 µs, preprocess 50, infer as given, decode 10, control 1, actuate 2.
        var r = new FrameRecord[n];
        for (int i = 0; i < n; i++)
        {
            long t = i * 1_000_000_000L;
            r[i].StartNs = t;
            r[i].CaptureNs = t + 90_000;
            r[i].CaptureEndNs = t + 100_000;
            r[i].PreprocessEndNs = r[i].CaptureEndNs + 50_000;
            r[i].InferEndNs = r[i].PreprocessEndNs + inferNs;
            r[i].DecodeEndNs = r[i].InferEndNs + 10_000;
            r[i].ControlEndNs = r[i].DecodeEndNs + 1_000;
            r[i].ActuateEndNs = r[i].ControlEndNs + 2_000;
        }
        return r;
    }

    [Fact]
    public void WithoutAPlainRunTheRuntimeRowHoldsWhatTheKernelsDoNotAndSharesAddUpTo100()
    {
        using var doc = JsonDocument.Parse(Trace);
        var trace = OrtTrace.Summarize(doc.RootElement, 2);
        // 2 frames with a 100 µs infer stage; kernels 40 µs per run.
        var r = ProfileTable.Build(Frames(2, 100_000), trace, top: 10);
        Assert.Equal(263, r.FrameMeanUs);
        var row = r.Rows.ToDictionary(x => x.Name);
        Assert.Equal(30, row["Conv"].MeanUsPerFrame);
        Assert.Equal(1.5, row["Conv"].CallsPerFrame);
        Assert.Equal(75, row["Conv"].ShareOfModelPct);
        Assert.Equal(10, row["Add"].MeanUsPerFrame);
        Assert.Equal(60, row["onnxruntime outside kernels"].MeanUsPerFrame);
        Assert.Equal(100, row["capture"].MeanUsPerFrame);
        Assert.Equal(50, row["preprocess"].MeanUsPerFrame);
        Assert.Equal(10, row["decode"].MeanUsPerFrame);
        Assert.False(row.ContainsKey("infer"));
        Assert.Equal(100, r.Rows.Sum(x => x.SharePct), 1);
        Assert.Equal(r.Rows.OrderByDescending(x => x.MeanUsPerFrame).Select(x => x.Name), r.Rows.Select(x => x.Name));
    }

    [Fact]
    public void WithAPlainRunTheInferStageIsSplitByKernelShareAndTheProfilersCostIsApart()
    {
        using var doc = JsonDocument.Parse(Trace);
        var trace = OrtTrace.Summarize(doc.RootElement, 2);
        // Profiled infer 400 µs, plain 20 µs: Conv gets 75 % of 20, Add 25 %.
        var r = ProfileTable.Build(Frames(2, 400_000), trace, top: 10, Frames(3, 20_000));
        var row = r.Rows.ToDictionary(x => x.Name);
        Assert.Equal(3, r.UnprofiledFrames);
        Assert.Equal(15, row["Conv"].MeanUsPerFrame);
        Assert.Equal(5, row["Add"].MeanUsPerFrame);
        Assert.False(row.ContainsKey("onnxruntime outside kernels"));
        Assert.Equal(380, r.ProfilerOverheadUs);
        Assert.Equal(183, r.FrameMeanUs);
        Assert.Equal(100, r.Rows.Sum(x => x.SharePct), 1);
    }

    [Fact]
    public void OperatorTypesBeyondTheTopFoldIntoOneRow()
    {
        using var doc = JsonDocument.Parse(Trace);
        var r = ProfileTable.Build(Frames(2, 100_000), OrtTrace.Summarize(doc.RootElement, 3), top: 0);
        Assert.Contains(r.Rows, x => x.Name == "(2 more op types)" && x.Kind == "operator");
        Assert.DoesNotContain(r.Rows, x => x.Name == "Conv");
        Assert.Equal(2, r.AllOperatorTypes.Count);
    }

    [Fact]
    public void BlazeFacesRealProfileListsItsConvolutionsAndWritesWhereItWasAsked()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rt-prof-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string trace;
        using (var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 128, 128, 3 },
            new OnnxSessionSettings { ProfilePathPrefix = Path.Combine(dir, "blazeface") }))
        {
            engine.Input.Fill(0.1f);
            for (int i = 0; i < 25; i++) engine.Run();
            trace = engine.EndProfiling();
        }
        // The prefix is honoured (ORT ignores one set after profiling is enabled).
        Assert.Equal(dir, Path.GetDirectoryName(Path.GetFullPath(trace)));
        Assert.StartsWith("blazeface", Path.GetFileName(trace));
        var s = OrtTrace.Read(trace, 20);
        Assert.Equal(25, s.TotalRuns);
        Assert.Equal(20, s.CountedRuns);
        var types = s.OpTypes.Select(t => t.OpType).ToList();
        Assert.Contains("Conv", types);
        Assert.Contains("MaxPool", types);
        Assert.Contains("Add", types);
        // Every counted run runs every node once: calls divide evenly by the runs.
        Assert.All(s.OpTypes, t => Assert.Equal(0, t.Calls % 20));
        Assert.True(s.KernelTotalUs > 0 && s.KernelTotalUs <= s.RunTotalUs);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void EndProfilingWithoutProfilingIsRefused()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", null);
        Assert.Throws<InvalidOperationException>(() => engine.EndProfiling());
    }
}
