using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.Onnx.Tests;

/// <summary>Saved optimized models: written once, loaded with optimizations off, computing what the original computes.</summary>
public sealed class OptimizedModelCacheTests
{
    private static readonly long[] Shape = { 1, 128, 128, 3 };

    private static float[] Outputs(OnnxInferenceEngine e)
    {
        for (int i = 0; i < e.Input.Length; i++) e.Input[i] = (i % 255) / 127.5f - 1f;
        e.Run();
        var all = new System.Collections.Generic.List<float>();
        for (int i = 0; i < e.OutputNames.Count; i++) all.AddRange(e.Output(i).ToArray());
        return all.ToArray();
    }

    [Theory]
    [InlineData(SavedModelFormat.Onnx, ".onnx")]
    [InlineData(SavedModelFormat.Ort, ".ort")]
    public void TheSavedModelIsWrittenOnceAndComputesWhatTheOriginalComputes(SavedModelFormat format, string extension)
    {
        string cache = Path.Combine(Path.GetTempPath(), $"rt-ortcache-{Guid.NewGuid():N}");
        string expectedPath = OptimizedModelCache.PathFor(TestAssets.BlazeFace128, cache, format);
        Assert.EndsWith(extension, expectedPath);
        Assert.Contains("d388b1cf8a5f6f1a", expectedPath); // the original's hash names it
        // A hash the caller has already (taken while ONNX Runtime starts) names the same file.
        Assert.Equal(expectedPath, OptimizedModelCache.PathFor(TestAssets.BlazeFace128, cache, format, modelSha256: ModelFile.Sha256(TestAssets.BlazeFace128)));
        Assert.False(File.Exists(expectedPath));

        using var original = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", Shape);
        using var saved = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", Shape,
            new OnnxSessionSettings { OptimizedModelCacheDir = cache, OptimizedModelFormat = format });
        Assert.Equal(expectedPath, saved.LoadedFrom);
        Assert.Equal(TestAssets.BlazeFace128, saved.ModelPath);
        Assert.Equal(TestAssets.BlazeFace128, original.LoadedFrom);
        Assert.True(File.Exists(expectedPath));
        DateTime written = File.GetLastWriteTimeUtc(expectedPath);
        Assert.Single(Directory.GetFiles(cache)); // no temporary file left behind

        float[] a = Outputs(original), b = Outputs(saved);
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-3f * (1 + Math.Abs(a[i])), $"output {i}: {a[i]} vs {b[i]}");

        // A second load finds it and does not write it again.
        using (var again = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", Shape,
            new OnnxSessionSettings { OptimizedModelCacheDir = cache, OptimizedModelFormat = format }))
            Assert.Equal(expectedPath, again.LoadedFrom);
        Assert.Equal(written, File.GetLastWriteTimeUtc(expectedPath));
        Directory.Delete(cache, true);
    }

    [Fact]
    public void AHashTheCallerCheckedNamesTheSavedModelWithoutTheFileBeingHashedAgain()
    {
        string cache = Path.Combine(Path.GetTempPath(), $"rt-ortcache-{Guid.NewGuid():N}");
        string pinned = ModelFile.Sha256(TestAssets.BlazeFace128);
        using (var e = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", Shape,
            new OnnxSessionSettings { OptimizedModelCacheDir = cache, OptimizedModelFormat = SavedModelFormat.Ort, ModelSha256 = pinned }))
            Assert.Equal(OptimizedModelCache.PathFor(TestAssets.BlazeFace128, cache, SavedModelFormat.Ort), e.LoadedFrom);
        // The given hash is what names the file (the node passes the pin it has just checked).
        string given = new string('a', 64);
        using (var e = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", Shape,
            new OnnxSessionSettings { OptimizedModelCacheDir = cache, OptimizedModelFormat = SavedModelFormat.Ort, ModelSha256 = given }))
            Assert.Contains(".aaaaaaaaaaaaaaaa.", e.LoadedFrom);
        Directory.Delete(cache, true);
    }

    [Fact]
    public void TheFirstLoadOfAProcessTimesOnnxRuntimesInitApartWithinTheModelLoad()
    {
        using var e = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", Shape);
        Assert.True(e.RuntimeInitMs >= 0 && e.RuntimeInitMs <= e.ModelLoadMs);
    }
}
