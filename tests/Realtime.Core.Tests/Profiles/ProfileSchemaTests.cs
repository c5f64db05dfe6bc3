using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// boards/profile.schema.json documents exactly the fields the loader reads: its tree of
/// properties equals the one System.Text.Json derives from <see cref="BoardProfile"/>, plus
/// <c>extends</c> and <c>demos</c>, which composition consumes before deserialization. Every field has a type.
/// </summary>
public sealed class ProfileSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(BoardFiles.Dir, "profile.schema.json");

    private static JsonObject Resolve(JsonObject root, JsonObject node)
    {
        while (node["$ref"] is JsonValue r)
        {
            string pointer = r.GetValue<string>();
            Assert.StartsWith("#/", pointer, StringComparison.Ordinal);
            JsonNode? at = root;
            foreach (string part in pointer[2..].Split('/')) at = at![part];
            node = (JsonObject)at!;
        }
        return node;
    }

    /// <summary>Dotted paths of every property, lists written as name[] (e.g. pwm[].pin).</summary>
    private static SortedSet<string> Paths(JsonObject root, JsonObject node, string prefix, SortedSet<string> into, int depth = 0)
    {
        Assert.True(depth < 10, "schema nests too deep (a $ref loop?) at " + prefix);
        node = Resolve(root, node);
        if (node["items"] is JsonObject items) { Paths(root, items, prefix + "[]", into, depth + 1); return into; }
        if (node["properties"] is JsonObject props)
        {
            foreach (var (name, child) in props)
            {
                string path = prefix.Length == 0 ? name : prefix + "." + name;
                into.Add(path);
                // A JsonElement field (a node's own config) derives as the schema `true`: any JSON, no fields of its own.
                if (child is JsonObject childObject) Paths(root, childObject, path, into, depth + 1);
            }
        }
        return into;
    }

    private static JsonObject Documented() => (JsonObject)JsonNode.Parse(File.ReadAllText(SchemaPath))!;

    [Fact]
    public void TheSchemaDocumentsExactlyTheFieldsTheLoaderReads()
    {
        var derived = (JsonObject)JsonSchemaExporter.GetJsonSchemaAsNode(ProfileJsonContext.Default.Options, typeof(BoardProfile));
        var expected = Paths(derived, derived, "", new SortedSet<string>(StringComparer.Ordinal));
        // budgets_us is a dictionary in C#; the schema names its keys: the stage names.
        foreach (string stage in ProfileLoader.StageNames) expected.Add("timing.budgets_us." + stage);
        expected.Add("extends");
        expected.Add("demos");

        var schema = Documented();
        var documented = Paths(schema, schema, "", new SortedSet<string>(StringComparer.Ordinal));
        Assert.Equal(expected.Except(documented), Array.Empty<string>());   // fields the schema forgot
        Assert.Equal(documented.Except(expected), Array.Empty<string>());   // fields the loader does not read
        Assert.True(documented.Count > 60, $"only {documented.Count} fields");
    }

    [Fact]
    public void EveryDocumentedObjectForbidsUnknownFieldsAndEveryLeafHasAType()
    {
        var schema = Documented();
        int leaves = 0;
        void Walk(JsonObject node, string at)
        {
            node = Resolve(schema, node);
            if (node["items"] is JsonObject items) { Walk(items, at + "[]"); return; }
            if (node["properties"] is JsonObject props)
            {
                Assert.True(node["additionalProperties"] is JsonValue v && !v.GetValue<bool>(), $"{at}: additionalProperties must be false (the loader rejects unknown fields)");
                foreach (var (name, child) in props) Walk((JsonObject)child!, at.Length == 0 ? name : at + "." + name);
                return;
            }
            leaves++;
            Assert.True(node.ContainsKey("type") || node.ContainsKey("enum"), $"{at}: no type");
        }
        Walk(schema, "");
        Assert.True(leaves > 50);
    }

    [Fact]
    public void TheSchemaRequiresWhatTheLoaderRequiresAndStatesItsLimits()
    {
        var schema = Documented();
        var pwmItem = (JsonObject)schema["properties"]!["pwm"]!["items"]!;
        var required = ((JsonArray)pwmItem["required"]!).Select(n => n!.GetValue<string>()).ToArray();
        Assert.Equal(ProfileTree.RequiredPwmFields, required);
        // chip, unless the output is on a PCA9685 board.
        var where = ((JsonArray)pwmItem["anyOf"]!).Select(n => ((JsonArray)n!["required"]!).Single()!.GetValue<string>()).ToArray();
        Assert.Equal(new[] { ProfileTree.ChipField, ProfileTree.Pca9685Field }, where);
        // A servo's three angles together, or none (a motor's entry).
        var angles = (JsonObject)pwmItem["dependentRequired"]!;
        foreach (string field in ProfileTree.AngleFields)
            Assert.Equal(ProfileTree.AngleFields.Where(f => f != field), ((JsonArray)angles[field]!).Select(n => n!.GetValue<string>()));
        var timing = schema["properties"]!["timing"]!["properties"]!;
        Assert.Equal(ProfileLoader.MaxFrames, timing["frames"]!["maximum"]!.GetValue<int>());
        Assert.Equal(ProfileLoader.MaxWarmupFrames, timing["warmup_frames"]!["maximum"]!.GetValue<int>());
        Assert.Equal(ProfileLoader.MinRateHz, timing["rate_hz"]!["minimum"]!.GetValue<double>());
        Assert.Equal(ProfileLoader.MaxTimeUs, timing["deadline_us"]!["maximum"]!.GetValue<long>());
        Assert.Equal(ProfileLoader.MaxTimeUs, schema["properties"]!["watchdog"]!["properties"]!["stall_timeout_us"]!["maximum"]!.GetValue<long>());
        Assert.Equal(ProfileLoader.MaxAngleDeg, pwmItem["properties"]!["max_angle_deg"]!["maximum"]!.GetValue<double>());
        Assert.Equal(-ProfileLoader.MaxAngleDeg, pwmItem["properties"]!["min_angle_deg"]!["minimum"]!.GetValue<double>());
    }

    [Fact]
    public void TheSchemaIsNotMistakenForABoard()
    {
        Assert.DoesNotContain("profile.schema", BoardFiles.Names());
        // The host embeds the boards (Realtime.Hosting), so every hosted application has them.
        string csproj = File.ReadAllText(Path.Combine(Realtime.Tests.TestAssets.RepoRoot, "src", "Realtime.Hosting", "Realtime.Hosting.csproj"));
        Assert.Contains("Exclude=\"..\\..\\boards\\*.schema.json\"", csproj, StringComparison.Ordinal);
    }
}
