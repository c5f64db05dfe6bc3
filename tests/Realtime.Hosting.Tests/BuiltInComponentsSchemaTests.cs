using System.IO;
using System.Text.Json;
using Realtime.Demos;
using Realtime.Tests;

namespace Realtime.Hosting.Tests;

/// <summary>
/// The schema keeps up with the registry: every built-in component type of <c>rtapp</c>'s host has
/// its config described in boards/profile.schema.json (a <c>component-TYPE</c> definition the
/// node's <c>config</c> is checked against), and every described type is registered.
/// </summary>
public sealed class BuiltInComponentsSchemaTests
{
    [Fact]
    public void EveryBuiltInTypeHasItsConfigInTheSchemaAndNoOtherIsDescribed()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "boards", "profile.schema.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        JsonElement defs = doc.RootElement.GetProperty("$defs");
        string schema = doc.RootElement.GetRawText();
        var host = new RealtimeHost("rtapp").AddDemos();
        foreach (string type in host.Components.Types)
        {
            Assert.True(defs.TryGetProperty("component-" + type, out JsonElement def), $"the schema has no component-{type}");
            Assert.Equal("object", def.GetProperty("type").GetString());
            Assert.False(def.GetProperty("additionalProperties").GetBoolean());
            Assert.Contains($"\"#/$defs/component-{type}\"", schema);
        }
        foreach (JsonProperty d in defs.EnumerateObject())
            if (d.Name.StartsWith("component-", System.StringComparison.Ordinal))
                Assert.Contains(d.Name["component-".Length..], host.Components.Types);
    }
}
