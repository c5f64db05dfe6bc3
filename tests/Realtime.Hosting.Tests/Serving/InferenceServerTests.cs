using System;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Realtime.Hosting.Serving;
using Realtime.Onnx;
using Realtime.Tests;

namespace Realtime.Hosting.Tests.Serving;

/// <summary>
/// <c>rtapp serve</c>'s server speaks the KServe v2 protocol as a client of Triton expects: health,
/// model metadata, inference with JSON tensors and with binary tensor data, 404 and 400 with a JSON
/// error naming the problem. Its outputs are the model's, run locally on the same input.
/// </summary>
public sealed class InferenceServerTests : IDisposable
{
    private readonly OnnxInferenceEngine _served = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, new OnnxBinding());
    private readonly OnnxInferenceEngine _local = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, new OnnxBinding());
    private readonly InferenceServer _server;
    private readonly HttpClient _http = new();

    public InferenceServerTests()
    {
        _server = InferenceServer.Start(new IPEndPoint(IPAddress.Loopback, 0), new[] { new ServedModel("blazeface", _served) });
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_server.Endpoint.Port}");
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
        _served.Dispose();
        _local.Dispose();
    }

    private float[] Input()
    {
        var x = new float[128 * 128 * 3];
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(i * 0.01f);
        return x;
    }

    private float[] LocalOutput0(float[] input)
    {
        input.CopyTo(_local.Input);
        _local.Run();
        return _local.Output(0).ToArray();
    }

    [Fact]
    public async Task HealthAndMetadataAnswer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/v2/health/live")).StatusCode);
        using var meta = JsonDocument.Parse(await _http.GetStringAsync("/v2/models/blazeface"));
        Assert.Equal("blazeface", meta.RootElement.GetProperty("name").GetString());
        JsonElement input = meta.RootElement.GetProperty("inputs")[0];
        Assert.Equal("input:0", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal("[1,128,128,3]", input.GetProperty("shape").GetRawText());
        Assert.Equal(4, meta.RootElement.GetProperty("outputs").GetArrayLength());
        using var server = JsonDocument.Parse(await _http.GetStringAsync("/v2"));
        Assert.Equal("binary_tensor_data", server.RootElement.GetProperty("extensions")[0].GetString());
    }

    [Theory]
    [InlineData("/v2/models/nope", "unknown model 'nope' (served: blazeface)")]
    [InlineData("/v2/models/blazeface/versions/7", "model 'blazeface' has no version '7' (it has: 1)")]
    [InlineData("/metrics", "no such path '/metrics' (this is a KServe v2 server: /v2/...)")]
    public async Task AnUnknownModelOrPathIs404WithTheReason(string path, string error)
    {
        var r = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(error, doc.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task JsonTensorsInAndOutAreTheModelsOwnResult()
    {
        float[] x = Input();
        string data = string.Join(",", Array.ConvertAll(x, v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        string body = $$"""{"inputs":[{"name":"input:0","shape":[1,128,128,3],"datatype":"FP32","data":[{{data}}]}],"outputs":[{"name":"Identity:0"}]}""";
        var r = await _http.PostAsync("/v2/models/blazeface/infer", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        JsonElement o = Assert.Single(doc.RootElement.GetProperty("outputs").EnumerateArray());
        Assert.Equal("Identity:0", o.GetProperty("name").GetString());
        Assert.Equal("[1,512,1]", o.GetProperty("shape").GetRawText());
        float[] expected = LocalOutput0(x);
        int i = 0;
        foreach (JsonElement v in o.GetProperty("data").EnumerateArray()) Assert.Equal(expected[i++], v.GetSingle(), 4);
        Assert.Equal(expected.Length, i);
    }

    [Fact]
    public async Task BinaryTensorsInAndOutAreTheModelsOwnResultByteForByte()
    {
        float[] x = Input();
        byte[] data = MemoryMarshal.AsBytes(x.AsSpan()).ToArray();
        byte[] json = Encoding.UTF8.GetBytes($$$"""{"inputs":[{"name":"input:0","shape":[1,128,128,3],"datatype":"FP32","parameters":{"binary_data_size":{{{data.Length}}}}}],"parameters":{"binary_data_output":true}}""");
        var content = new ByteArrayContent([.. json, .. data]);
        content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var r = await _http.PostAsync("/v2/models/blazeface/infer", content);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        int jsonLength = int.Parse(Assert.Single(r.Headers.TryGetValues("Inference-Header-Content-Length", out var v) ? v : r.Content.Headers.GetValues("Inference-Header-Content-Length")), System.Globalization.CultureInfo.InvariantCulture);
        byte[] reply = await r.Content.ReadAsByteArrayAsync();
        using var doc = JsonDocument.Parse(reply.AsMemory(0, jsonLength));
        Assert.Equal(4, doc.RootElement.GetProperty("outputs").GetArrayLength());
        Assert.Equal(512 * 4, doc.RootElement.GetProperty("outputs")[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        float[] expected = LocalOutput0(x);
        Assert.Equal(MemoryMarshal.AsBytes(expected.AsSpan()).ToArray(), reply.AsSpan(jsonLength, 512 * 4).ToArray());
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"input:0","shape":[1,64,64,3],"datatype":"FP32","data":[1]}]}""", "input 'input:0': shape [1,64,64,3], the model takes [1,128,128,3]")]
    [InlineData("""{"inputs":[{"name":"input:0","shape":[1,128,128,3],"datatype":"INT64","data":[1]}]}""", "input 'input:0': datatype 'INT64', the model takes FP32")]
    [InlineData("""{"inputs":[{"name":"image","shape":[1,128,128,3],"datatype":"FP32","data":[1]}]}""", "model 'blazeface' has no input 'image' (it has: input:0)")]
    [InlineData("""{"inputs":[{"name":"input:0","shape":[1,128,128,3],"datatype":"FP32","data":[1,2]}]}""", "input 'input:0': data holds 2 elements, the tensor 49152")]
    [InlineData("""{"inputs":[]}""", "input 'input:0' of model 'blazeface' is missing")]
    [InlineData("""{"inputs":""", "the request's JSON header is not valid JSON")]
    public async Task ARequestThatDoesNotFitTheModelIs400NamingTheProblem(string body, string error)
    {
        var r = await _http.PostAsync("/v2/models/blazeface/infer", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.StartsWith(error, doc.RootElement.GetProperty("error").GetString());
        // The connection stays usable after an error.
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/v2/health/ready")).StatusCode);
    }
}
