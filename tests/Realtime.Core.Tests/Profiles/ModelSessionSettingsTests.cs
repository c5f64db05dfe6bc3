using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// The model section's session settings (spinning, graph optimization, memory pattern, arena, saved
/// optimized model): the defaults are the project's choice, good values load, and each mistake is one
/// problem naming its field.
/// </summary>
public sealed class ModelSessionSettingsTests
{
    private const string Source = "test.json";

    private static JsonObject Sim() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(TestAssets.SimProfile), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;

    private static BoardProfile Load(Action<JsonObject> edit)
    {
        var root = Sim();
        edit((JsonObject)root["model"]!);
        return ProfileLoader.Parse(root.ToJsonString(), Source);
    }

    private static string SingleProblem(Action<JsonObject> edit)
    {
        var ex = Assert.Throws<ProfileException>(() => Load(edit));
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        return ex.Problems[0];
    }

    [Fact]
    public void TheDefaultsAreNoSpinningEveryOptimizationPatternArenaAndNoSavedModel()
    {
        var m = Load(_ => { }).Model;
        Assert.False(m.AllowSpinning);
        Assert.Equal("all", m.GraphOptimization);
        Assert.True(m.MemoryPattern);
        Assert.True(m.CpuArena);
        Assert.Null(m.SavedOptimized);
    }

    [Fact]
    public void EveryGoodValueLoads()
    {
        foreach (string level in ProfileLoader.GraphOptimizationNames)
            Assert.Equal(level, Load(m => m["graph_optimization"] = level).Model.GraphOptimization);
        foreach (string format in ProfileLoader.SavedOptimizedNames)
            Assert.Equal(format, Load(m => m["saved_optimized"] = format).Model.SavedOptimized);
        var p = Load(m => { m["intra_op_threads"] = 2; m["allow_spinning"] = true; m["memory_pattern"] = false; m["cpu_arena"] = false; });
        Assert.True(p.Model.AllowSpinning);
        Assert.False(p.Model.MemoryPattern);
        Assert.False(p.Model.CpuArena);
    }

    [Theory]
    [InlineData("graph_optimization", "\"fast\"", "model.graph_optimization: unknown level 'fast'")]
    [InlineData("graph_optimization", "\"ALL\"", "model.graph_optimization: unknown level 'ALL'")]
    [InlineData("saved_optimized", "\"tflite\"", "model.saved_optimized: unknown format 'tflite' (expected onnx or ort)")]
    [InlineData("allow_spinning", "true", "model.allow_spinning: needs intra_op_threads above 1")]
    public void EachMistakeIsOneProblemNamingItsField(string field, string json, string problem)
    {
        string message = SingleProblem(m => m[field] = JsonNode.Parse(json));
        Assert.StartsWith(problem, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allow_spinning", "\"yes\"")]
    [InlineData("memory_pattern", "1")]
    [InlineData("cpu_arena", "\"off\"")]
    [InlineData("graph_optimization", "3")]
    public void AValueOfTheWrongTypeNamesTheField(string field, string json)
    {
        var ex = Assert.Throws<ProfileException>(() => Load(m => m[field] = JsonNode.Parse(json)));
        Assert.Contains("model." + field, ex.Message, StringComparison.Ordinal);
    }
}
