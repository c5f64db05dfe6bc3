using System.IO;
using Microsoft.ML.OnnxRuntime;
using Realtime.Core.Profiles;
using Realtime.Onnx;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>The profile's model section becomes the session's settings; a saved model asked for on the command line wins over the profile's.</summary>
public sealed class SessionSettingsWiringTests
{
    private static BoardProfile Sim() => ProfileLoader.LoadFile(TestAssets.SimProfile);

    [Fact]
    public void TheSimProfileGivesTheDefaultSession()
    {
        var s = new DemoWiring(Sim(), "sim.json", TestAssets.Dir, null).SessionSettings();
        Assert.Equal((1, false, GraphOptimizationLevel.ORT_ENABLE_ALL, true, true), (s.IntraOpThreads, s.AllowSpinning, s.GraphOptimization, s.MemoryPattern, s.CpuArena));
        Assert.Null(s.IntraOpThreadAffinities);
        Assert.Null(s.OptimizedModelCacheDir);
    }

    [Fact]
    public void EveryModelSessionFieldReachesTheSettings()
    {
        var p = Sim();
        p.Model.IntraOpThreads = 3;
        p.Model.AllowSpinning = true;
        p.Model.GraphOptimization = "extended";
        p.Model.MemoryPattern = false;
        p.Model.CpuArena = false;
        p.Model.SavedOptimized = "ort";
        p.Threads.InferenceCores.Add(0);
        var s = new DemoWiring(p, "sim.json", TestAssets.Dir, null).SessionSettings();
        Assert.Equal((3, true, GraphOptimizationLevel.ORT_ENABLE_EXTENDED, false, false), (s.IntraOpThreads, s.AllowSpinning, s.GraphOptimization, s.MemoryPattern, s.CpuArena));
        // Two threads beyond the caller, both on core 0, which ORT numbers 1.
        Assert.Equal("1;1", s.IntraOpThreadAffinities);
        Assert.Equal(OptimizedModelCache.DefaultDir, s.OptimizedModelCacheDir);
        Assert.Equal(SavedModelFormat.Ort, s.OptimizedModelFormat);
    }

    [Fact]
    public void TheCommandLinesSavedModelWinsOverTheProfiles()
    {
        var p = Sim();
        p.Model.SavedOptimized = "ort";
        var overrides = new RunOverrides { OptimizedModelCacheDir = "/tmp/elsewhere", OptimizedModelFormat = SavedModelFormat.Onnx };
        var s = new DemoWiring(p, "sim.json", TestAssets.Dir, overrides).SessionSettings();
        Assert.Equal(("/tmp/elsewhere", SavedModelFormat.Onnx), (s.OptimizedModelCacheDir, s.OptimizedModelFormat));
    }

    [Fact]
    public void AnUnknownLevelSetAfterValidationIsAProblemNamingTheField()
    {
        var p = Sim();
        p.Model.GraphOptimization = "turbo";
        var ex = Assert.Throws<ProfileException>(() => new DemoWiring(p, "sim.json", TestAssets.Dir, null).SessionSettings());
        Assert.StartsWith("sim.json: model.graph_optimization: unknown level 'turbo'", ex.Message);
    }

    [Fact]
    public void ACacheFolderThatCannotBeWrittenIsAProblemNamingTheSetting()
    {
        // A regular file where the cache folder should be: the folder cannot be made, whoever runs the test.
        string blocker = Path.Combine(Path.GetTempPath(), "rtapp-blocker-" + System.Guid.NewGuid().ToString("N"));
        File.WriteAllText(blocker, "not a folder");
        try
        {
            var overrides = new RunOverrides { OptimizedModelCacheDir = Path.Combine(blocker, "cache"), OptimizedModelFormat = SavedModelFormat.Ort };
            var w = new DemoWiring(Sim(), "sim.json", TestAssets.Dir, overrides);
            string model = w.RequireModel();
            var ex = Assert.Throws<ProfileException>(() => w.LoadModel(s => OnnxInferenceEngine.Load(model, "input:0", null, s), "model.input"));
            Assert.StartsWith("sim.json: model.saved_optimized: the saved optimized model cannot be written to ", ex.Message);
            Assert.Contains(Path.Combine(blocker, "cache"), ex.Message);
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
