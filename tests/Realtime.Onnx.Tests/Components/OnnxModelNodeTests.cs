using System;
using System.IO;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Onnx.Tests.Components;

/// <summary>The model node declares the model's own inputs and outputs as ports, named and typed from the model.</summary>
public sealed class OnnxModelNodeTests
{
    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement, "app.nodes[2].config");

    [Theory]
    [InlineData("Identity_1:0", "Identity_1_0")]
    [InlineData("input_image_with_alpha:0", "input_image_with_alpha_0")]
    [InlineData("a.b/c d", "a_b_c_d")]
    [InlineData("plain-name_1", "plain-name_1")]
    public void APortIsTheModelsNameWithEveryOtherCharacterAnUnderscore(string model, string port) =>
        Assert.Equal(port, OnnxModelNode.PortName(model));

    [Fact]
    public void BlazeFacesPortsAreItsInputAndFourOutputsWithTheirTypesAndShapes()
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config($$"""{ "path": {{JsonSerializer.Serialize(TestAssets.BlazeFace128)}} }""");
        var node = OnnxModelNode.Create("blazeface", config, context);
        Assert.Empty(config.Problems);
        var input = Assert.Single(node.Inputs);
        Assert.Equal("input_0", input.Name);
        Assert.Equal("tensor float32 [1,128,128,3]", input.Type.ToString());
        Assert.Equal(new[] { "Identity_0", "Identity_1_0", "Identity_2_0", "Identity_3_0" }, Array.ConvertAll(System.Linq.Enumerable.ToArray(node.Outputs), o => o.Name));
        Assert.Equal("tensor float32 [1,512,1]", node.FindOutput("Identity_0")!.Type.ToString());
        Assert.Equal("tensor float32 [1,384,16]", node.FindOutput("Identity_3_0")!.Type.ToString());
    }

    [Fact]
    public void AFileThatIsNotAModelIsAProblemNamingThePath()
    {
        string fake = Path.Combine(Path.GetTempPath(), $"not-a-model-{Environment.ProcessId}.onnx");
        File.WriteAllText(fake, "not a model");
        try
        {
            using var context = new ComponentContext(new BoardProfile(), "test.json");
            var config = Config($$"""{ "path": {{JsonSerializer.Serialize(fake)}} }""");
            Assert.Throws<ArgumentException>(() => OnnxModelNode.Create("m", config, context));
            string problem = Assert.Single(config.Problems);
            Assert.StartsWith("app.nodes[2].config.path: ", problem);
            Assert.Contains("cannot load the model", problem);
        }
        finally
        {
            File.Delete(fake);
        }
    }

    [Fact]
    public void AHashThatDoesNotMatchIsAProblemNamingSha256()
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config($$"""{ "path": {{JsonSerializer.Serialize(TestAssets.BlazeFace128)}}, "sha256": "{{new string('0', 64)}}" }""");
        Assert.Throws<ArgumentException>(() => OnnxModelNode.Create("m", config, context));
        Assert.StartsWith("app.nodes[2].config.sha256: ", Assert.Single(config.Problems));
    }
}
