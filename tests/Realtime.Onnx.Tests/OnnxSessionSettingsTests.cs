using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Realtime.Tests;

namespace Realtime.Onnx.Tests;

/// <summary>
/// The session settings a profile can choose reach ONNX Runtime's options as asked, every level the
/// profile's validation accepts is one ORT knows, and a graph saved at another level gets a file of its own.
/// </summary>
public sealed class OnnxSessionSettingsTests
{
    [Fact]
    public void TheDefaultsAreOneThreadNoSpinningEveryOptimizationPatternAndArena()
    {
        var s = new OnnxSessionSettings();
        using var o = s.CreateSessionOptions();
        Assert.Equal(1, o.IntraOpNumThreads);
        Assert.Equal(1, o.InterOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, o.GraphOptimizationLevel);
        Assert.True(o.EnableMemoryPattern);
        Assert.True(o.EnableCpuMemArena);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, o.ExecutionMode);
    }

    [Fact]
    public void EachChoiceReachesTheOptions()
    {
        var s = new OnnxSessionSettings { IntraOpThreads = 3, GraphOptimization = GraphOptimizationLevel.ORT_ENABLE_BASIC, MemoryPattern = false, CpuArena = false, AllowSpinning = true };
        using var o = s.CreateSessionOptions();
        Assert.Equal(3, o.IntraOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, o.GraphOptimizationLevel);
        Assert.False(o.EnableMemoryPattern);
        Assert.False(o.EnableCpuMemArena);
    }

    [Fact]
    public void OrtThreadingDefaultsLeaveThePoolToOrt()
    {
        using var o = new OnnxSessionSettings { OrtThreadingDefaults = true, IntraOpThreads = 4 }.CreateSessionOptions();
        // 0 is ORT's "choose for me"; the settings' thread count is not applied.
        Assert.Equal(0, o.IntraOpNumThreads);
    }

    [Fact]
    public void ANegativeThreadCountIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSessionSettings { IntraOpThreads = -1 }.CreateSessionOptions());

    [Fact]
    public void EveryLevelTheProfileAcceptsIsOneOrtKnowsAndNamesRoundTrip()
    {
        foreach (string name in OnnxSessionSettings.GraphOptimizationNames)
        {
            var level = OnnxSessionSettings.ParseGraphOptimization(name);
            Assert.NotNull(level);
            Assert.Equal(name, OnnxSessionSettings.GraphOptimizationName(level!.Value));
        }
        Assert.Null(OnnxSessionSettings.ParseGraphOptimization("ALL"));
        Assert.Null(OnnxSessionSettings.ParseGraphOptimization(""));
        Assert.Null(OnnxSessionSettings.ParseGraphOptimization(null));
    }

    [Fact]
    public void AGraphSavedAtAnotherLevelHasAFileOfItsOwn()
    {
        string cache = Path.Combine(Path.GetTempPath(), $"rt-ortcache-{Guid.NewGuid():N}");
        try
        {
            string all = OptimizedModelCache.PathFor(TestAssets.BlazeFace128, cache, SavedModelFormat.Ort);
            string basic = OptimizedModelCache.PathFor(TestAssets.BlazeFace128, cache, SavedModelFormat.Ort, GraphOptimizationLevel.ORT_ENABLE_BASIC);
            Assert.NotEqual(all, basic);
            Assert.Contains(".optimized-basic.ort", basic, StringComparison.Ordinal);
            string written = OptimizedModelCache.Ensure(TestAssets.BlazeFace128, cache, SavedModelFormat.Ort,
                new OnnxSessionSettings { GraphOptimization = GraphOptimizationLevel.ORT_ENABLE_BASIC });
            Assert.Equal(basic, written);
            Assert.True(File.Exists(basic));
            Assert.False(File.Exists(all));
        }
        finally
        {
            if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void ASessionWithEveryChoiceOffLoadsTheRealModelAndComputesTheSameAnswer()
    {
        float[] Run(OnnxSessionSettings s)
        {
            using var e = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 128, 128, 3 }, s);
            for (int i = 0; i < e.Input.Length; i++) e.Input[i] = (i % 251) / 125.5f - 1f;
            e.Run();
            var all = new System.Collections.Generic.List<float>();
            for (int i = 0; i < e.OutputNames.Count; i++) all.AddRange(e.Output(i).ToArray());
            return all.ToArray();
        }
        float[] reference = Run(new OnnxSessionSettings());
        float[] plain = Run(new OnnxSessionSettings { GraphOptimization = GraphOptimizationLevel.ORT_DISABLE_ALL, MemoryPattern = false, CpuArena = false });
        Assert.Equal(reference.Length, plain.Length);
        for (int i = 0; i < reference.Length; i++) Assert.True(Math.Abs(reference[i] - plain[i]) < 1e-2, $"output {i}: {reference[i]} against {plain[i]}");
    }
}
