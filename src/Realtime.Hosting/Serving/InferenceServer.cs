using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Hosting.Telemetry;
using Realtime.Linux;
using Realtime.Onnx;
using Realtime.Onnx.Offload;

namespace Realtime.Hosting.Serving;

/// <summary>
/// The KServe v2 inference protocol over REST (what Triton and KServe speak), for ONNX models, with
/// Triton's binary tensor data extension: <c>GET /v2/health/live|ready</c>, <c>GET /v2</c>,
/// <c>GET /v2/models/NAME[/versions/V][/ready]</c>, <c>POST /v2/models/NAME[/versions/V]/infer</c>.
/// A request's tensors are JSON numbers (<c>data</c>) or bytes after the JSON header
/// (<c>Inference-Header-Content-Length</c>, each input's <c>binary_data_size</c>); an output is sent
/// as bytes when asked (<c>binary_data</c>, or <c>binary_data_output</c> for all). Plain sockets,
/// as the metrics endpoint (<see cref="MetricsServer"/>): HTTP/1.1 keep-alive, one thread per
/// connection, one model run at a time per model. Errors are <c>{"error": "..."}</c>: 404 for an
/// unknown model or path, 400 for a request that does not fit the model (name, type, shape, size).
/// </summary>
public sealed class InferenceServer : IDisposable
{
    /// <summary>The longest request head read (bytes).</summary>
    public const int MaxHeadBytes = 16 * 1024;
    /// <summary>The largest request body accepted (bytes).</summary>
    public const int MaxBodyBytes = 256 * 1024 * 1024;

    private readonly Socket _listener;
    private readonly Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly TimeSpan _delay;
    private readonly Thread _thread;
    private readonly HashSet<int> _open = new();
    private volatile bool _stopping;
    private long _inferences, _errors;

    private InferenceServer(Socket listener, IReadOnlyList<ServedModel> models, TimeSpan delay)
    {
        _listener = listener;
        foreach (var m in models) _models.Add(m.Name, m);
        _delay = delay;
        _thread = new Thread(Accept) { IsBackground = true, Name = "rtapp-serve" };
    }

    /// <summary>Where it listens (the port the kernel chose when asked for 0).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;
    /// <summary>Inference requests answered with outputs.</summary>
    public long Inferences => Interlocked.Read(ref _inferences);
    /// <summary>Requests answered with an error.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>
    /// Listens on <paramref name="endpoint"/> and serves <paramref name="models"/>; each inference
    /// waits <paramref name="delay"/> first (a slow server, for tests of what a client does with one).
    /// A port in use is an <see cref="InvalidOperationException"/> that says so.
    /// </summary>
    public static InferenceServer Start(IPEndPoint endpoint, IReadOnlyList<ServedModel> models, TimeSpan delay = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(models);
        // A session's first run is its cold start (tens of ms): done here, so no client's first round trip pays it.
        foreach (var m in models) m.Engine.Run();
        var server = new InferenceServer(MetricsServer.Listen(endpoint), models, delay);
        server._thread.Start();
        return server;
    }

    private void Accept()
    {
        nint listener = _listener.Handle;
        while (!_stopping)
        {
            int client = ConnectionCalls.Accept(listener);
            if (client < 0) { if (_stopping) return; Thread.Sleep(10); continue; }
            lock (_open)
            {
                if (_stopping) { ConnectionCalls.Close(client); return; }
                _open.Add(client);
            }
            new Thread(() => Connection(client)) { IsBackground = true, Name = "rtapp-serve-conn" }.Start();
        }
    }

    // One connection: requests one after another until the client closes, asks to close, or idles a minute.
    private void Connection(int client)
    {
        ConnectionCalls.SetTimeouts(client, 60_000);
        var buffer = new byte[MaxHeadBytes];
        var reply = new ArrayBufferWriter<byte>();
        int length = 0;
        try
        {
            while (!_stopping)
            {
                int end;
                while ((end = buffer.AsSpan(0, Math.Min(length, MaxHeadBytes)).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (length >= MaxHeadBytes) { Error(client, 431, "the request's head is too large"); return; }
                    int n = ConnectionCalls.Receive(client, buffer.AsSpan(length, MaxHeadBytes - length));
                    if (n <= 0) return;
                    length += n;
                }
                var request = Head(buffer.AsSpan(0, end), out string? bad);
                if (bad is not null) { Error(client, 400, bad); return; }
                int bodyStart = end + 4;
                if (request.ContentLength > MaxBodyBytes) { Error(client, 413, $"the request's body is larger than {MaxBodyBytes} bytes"); return; }
                int total = bodyStart + (int)request.ContentLength;
                if (total > buffer.Length) Array.Resize(ref buffer, total);
                while (length < total)
                {
                    int n = ConnectionCalls.Receive(client, buffer.AsSpan(length, total - length));
                    if (n <= 0) return;
                    length += n;
                }
                bool keep = Route(client, request, buffer.AsSpan(bodyStart, (int)request.ContentLength), reply) && !request.Close;
                // What came after this request is the next one's start.
                buffer.AsSpan(total, length - total).CopyTo(buffer);
                length -= total;
                if (!keep) return;
            }
        }
        finally
        {
            lock (_open) if (_open.Remove(client)) ConnectionCalls.Close(client);
        }
    }

    private readonly record struct Request(string Method, string Path, long ContentLength, long JsonLength, bool Close);

    private static Request Head(ReadOnlySpan<byte> head, out string? bad)
    {
        bad = null;
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = lineEnd < 0 ? head : head[..lineEnd];
        int sp1 = line.IndexOf((byte)' '), sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0) { bad = "bad request line"; return default; }
        string method = Encoding.ASCII.GetString(line[..sp1]);
        ReadOnlySpan<byte> target = line.Slice(sp1 + 1, sp2);
        int query = target.IndexOf((byte)'?');
        string path = Encoding.ASCII.GetString(query < 0 ? target : target[..query]);
        long contentLength = 0, jsonLength = -1;
        bool close = false;
        foreach (Range r in head.Split("\r\n"u8))
        {
            ReadOnlySpan<byte> l = head[r];
            int colon = l.IndexOf((byte)':');
            if (colon < 0) continue;
            ReadOnlySpan<byte> name = l[..colon], value = l[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && (!Utf8Parser.TryParse(value, out contentLength, out int used) || used != value.Length || contentLength < 0))
                bad = "Content-Length is not a number";
            else if (Ascii.EqualsIgnoreCase(name, "Inference-Header-Content-Length"u8) && (!Utf8Parser.TryParse(value, out jsonLength, out int used2) || used2 != value.Length || jsonLength < 0))
                bad = "Inference-Header-Content-Length is not a number";
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) bad = "chunked bodies are not accepted: send a Content-Length";
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8)) close = true;
        }
        return new Request(method, path, contentLength, jsonLength, close);
    }

    // Answers one request; false when the connection should close.
    private bool Route(int client, Request request, ReadOnlySpan<byte> body, ArrayBufferWriter<byte> reply)
    {
        string[] parts = request.Path.Trim('/').Split('/');
        bool get = request.Method == "GET";
        if (parts.Length == 0 || parts[0] != "v2") return Error(client, 404, $"no such path '{request.Path}' (this is a KServe v2 server: /v2/...)");
        if (parts.Length == 1) return get ? Json(client, 200, reply, ServerMetadata) : Error(client, 405, "GET /v2");
        if (parts.Length == 3 && parts[1] == "health" && parts[2] is "live" or "ready")
            return get ? Send(client, 200, "OK", "text/plain", ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, -1) : Error(client, 405, "GET " + request.Path);
        if (parts[1] != "models" || parts.Length < 3) return Error(client, 404, $"no such path '{request.Path}'");
        string name = parts[2];
        int rest = 3;
        if (parts.Length >= 5 && parts[3] == "versions")
        {
            if (parts[4] != "1") return Error(client, 404, $"model '{name}' has no version '{parts[4]}' (it has: 1)");
            rest = 5;
        }
        if (!_models.TryGetValue(name, out ServedModel? model))
            return Error(client, 404, $"unknown model '{name}' (served: {string.Join(", ", _models.Keys)})");
        string action = parts.Length == rest ? "" : parts.Length == rest + 1 ? parts[rest] : "?";
        switch (action)
        {
            case "" when get: return Json(client, 200, reply, w => ModelMetadata(w, model));
            case "ready" when get: return Send(client, 200, "OK", "text/plain", ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, -1);
            case "infer" when request.Method == "POST": return Infer(client, model, request, body, reply);
            case "" or "ready" or "infer": return Error(client, 405, $"{(action == "infer" ? "POST" : "GET")} {request.Path}");
            default: return Error(client, 404, $"no such path '{request.Path}'");
        }
    }

    private static void ServerMetadata(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "rtapp");
        w.WriteString("version", typeof(InferenceServer).Assembly.GetName().Version?.ToString() ?? "0");
        w.WriteStartArray("extensions");
        w.WriteStringValue("binary_tensor_data");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void ModelMetadata(Utf8JsonWriter w, ServedModel model)
    {
        var e = model.Engine;
        w.WriteStartObject();
        w.WriteString("name", model.Name);
        w.WriteStartArray("versions");
        w.WriteStringValue("1");
        w.WriteEndArray();
        w.WriteString("platform", "onnxruntime_onnx");
        w.WriteStartArray("inputs");
        for (int i = 0; i < e.InputNames.Count; i++) Tensor(w, e.InputNames[i], e.InputTypes[i], e.InputShapes[i]);
        w.WriteEndArray();
        w.WriteStartArray("outputs");
        for (int i = 0; i < e.OutputNames.Count; i++) Tensor(w, e.OutputNames[i], e.OutputTypes[i], e.OutputShapes[i]);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Tensor(Utf8JsonWriter w, string name, TensorElementType type, long[] shape)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("datatype", KServeDataType.Name(type) ?? type.ToString());
        Shape(w, shape);
        w.WriteEndObject();
    }

    private static void Shape(Utf8JsonWriter w, long[] shape)
    {
        w.WriteStartArray("shape");
        foreach (long d in shape) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    private bool Infer(int client, ServedModel model, Request request, ReadOnlySpan<byte> body, ArrayBufferWriter<byte> reply)
    {
        var e = model.Engine;
        long jsonLength = request.JsonLength < 0 ? body.Length : request.JsonLength;
        if (jsonLength > body.Length) return Error(client, 400, "Inference-Header-Content-Length is larger than the body");
        ReadOnlySpan<byte> binary = body[(int)jsonLength..];
        var outputs = new List<(int Index, bool Binary)>();
        lock (model)
        {
            try
            {
                using var doc = JsonDocument.Parse(body[..(int)jsonLength].ToArray());
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out JsonElement inputs) || inputs.ValueKind != JsonValueKind.Array)
                    return Error(client, 400, "the request has no inputs list");
                var given = new bool[e.InputNames.Count];
                int at = 0;
                foreach (JsonElement input in inputs.EnumerateArray())
                {
                    string inName = input.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                    int i = e.InputIndex(inName);
                    if (i < 0) return Error(client, 400, $"model '{model.Name}' has no input '{inName}' (it has: {string.Join(", ", e.InputNames)})");
                    if (given[i]) return Error(client, 400, $"input '{inName}' is given twice");
                    given[i] = true;
                    string want = KServeDataType.Name(e.InputTypes[i]) ?? "?";
                    string type = input.TryGetProperty("datatype", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                    if (type != want) return Error(client, 400, $"input '{inName}': datatype '{type}', the model takes {want}");
                    long[]? shape = Dims(input);
                    if (shape is null || !shape.AsSpan().SequenceEqual(e.InputShapes[i]))
                        return Error(client, 400, $"input '{inName}': shape [{string.Join(",", shape ?? [])}], the model takes [{string.Join(",", e.InputShapes[i])}]");
                    Span<byte> into = e.InputBytes(i);
                    if (input.TryGetProperty("parameters", out JsonElement p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("binary_data_size", out JsonElement size))
                    {
                        if (!size.TryGetInt64(out long bytes) || bytes != into.Length) return Error(client, 400, $"input '{inName}': binary_data_size {size}, the model takes {into.Length} bytes");
                        if (at + bytes > binary.Length) return Error(client, 400, $"input '{inName}': the body holds {binary.Length - at} bytes of binary data, not {bytes}");
                        binary.Slice(at, into.Length).CopyTo(into);
                        at += into.Length;
                    }
                    else if (input.TryGetProperty("data", out JsonElement data))
                    {
                        if (ReadData(data, e.InputTypes[i], into) is string problem) return Error(client, 400, $"input '{inName}': {problem}");
                    }
                    else return Error(client, 400, $"input '{inName}' has neither data nor binary_data_size");
                }
                for (int i = 0; i < given.Length; i++)
                    if (!given[i]) return Error(client, 400, $"input '{e.InputNames[i]}' of model '{model.Name}' is missing");
                if (at != binary.Length) return Error(client, 400, $"the body holds {binary.Length} bytes of binary data, the inputs take {at}");
                bool allBinary = root.TryGetProperty("parameters", out JsonElement rp) && rp.ValueKind == JsonValueKind.Object &&
                    rp.TryGetProperty("binary_data_output", out JsonElement bo) && bo.ValueKind == JsonValueKind.True;
                if (root.TryGetProperty("outputs", out JsonElement wanted) && wanted.ValueKind == JsonValueKind.Array)
                    foreach (JsonElement o in wanted.EnumerateArray())
                    {
                        string outName = o.TryGetProperty("name", out JsonElement on) && on.ValueKind == JsonValueKind.String ? on.GetString()! : "";
                        int k = e.OutputIndex(outName);
                        if (k < 0) return Error(client, 400, $"model '{model.Name}' has no output '{outName}' (it has: {string.Join(", ", e.OutputNames)})");
                        bool asBinary = allBinary || (o.TryGetProperty("parameters", out JsonElement op) && op.ValueKind == JsonValueKind.Object &&
                            op.TryGetProperty("binary_data", out JsonElement b) && b.ValueKind == JsonValueKind.True);
                        outputs.Add((k, asBinary));
                    }
                else
                    for (int k = 0; k < e.OutputNames.Count; k++) outputs.Add((k, allBinary));
            }
            catch (JsonException ex)
            {
                return Error(client, 400, $"the request's JSON header is not valid JSON: {ex.Message}");
            }
            if (_delay > TimeSpan.Zero) Thread.Sleep(_delay);
            e.Run();
            Interlocked.Increment(ref _inferences);
            return Answer(client, model, outputs, reply);
        }
    }

    private static long[]? Dims(JsonElement input)
    {
        if (!input.TryGetProperty("shape", out JsonElement s) || s.ValueKind != JsonValueKind.Array) return null;
        var dims = new long[s.GetArrayLength()];
        int i = 0;
        foreach (JsonElement d in s.EnumerateArray())
        {
            if (!d.TryGetInt64(out dims[i++])) return null;
        }
        return dims;
    }

    // A tensor's JSON numbers, flat or nested in row-major order, into its bytes; the problem in words, or null.
    private static string? ReadData(JsonElement data, TensorElementType type, Span<byte> into)
    {
        int size = KServeDataType.Size(type);
        if (type == TensorElementType.Float16) return "FP16 travels as binary data only";
        int count = 0, capacity = into.Length / size;
        var stack = new Stack<JsonElement.ArrayEnumerator>();
        if (data.ValueKind != JsonValueKind.Array) return "data is not a list of numbers";
        stack.Push(data.EnumerateArray());
        while (stack.Count > 0)
        {
            var it = stack.Pop();
            while (it.MoveNext())
            {
                JsonElement v = it.Current;
                if (v.ValueKind == JsonValueKind.Array) { stack.Push(it); it = v.EnumerateArray(); continue; }
                if (v.ValueKind != JsonValueKind.Number) return "data holds something that is not a number";
                if (count == capacity) return $"data holds more than the tensor's {capacity} elements";
                Span<byte> at = into.Slice(count * size, size);
                bool ok = type switch
                {
                    TensorElementType.Float => v.TryGetSingle(out float f) && Write(at, f),
                    TensorElementType.Int32 => v.TryGetInt32(out int i32) && Write(at, i32),
                    TensorElementType.Int64 => v.TryGetInt64(out long i64) && Write(at, i64),
                    TensorElementType.UInt8 => v.TryGetByte(out byte u8) && Write(at, u8),
                    TensorElementType.Int8 => v.TryGetSByte(out sbyte s8) && Write(at, s8),
                    _ => false,
                };
                if (!ok) return $"element {count} ({v}) is not a {KServeDataType.Name(type)} value";
                count++;
            }
        }
        return count == capacity ? null : $"data holds {count} elements, the tensor {capacity}";
    }

    private static bool Write<T>(Span<byte> at, T value) where T : unmanaged
    {
        MemoryMarshal.Write(at, in value);
        return true;
    }

    private bool Answer(int client, ServedModel model, List<(int Index, bool Binary)> outputs, ArrayBufferWriter<byte> reply)
    {
        var e = model.Engine;
        reply.ResetWrittenCount();
        bool anyBinary = false;
        using (var w = new Utf8JsonWriter(reply))
        {
            w.WriteStartObject();
            w.WriteString("model_name", model.Name);
            w.WriteString("model_version", "1");
            w.WriteStartArray("outputs");
            foreach (var (k, asBinary) in outputs)
            {
                w.WriteStartObject();
                w.WriteString("name", e.OutputNames[k]);
                w.WriteString("datatype", KServeDataType.Name(e.OutputTypes[k]) ?? e.OutputTypes[k].ToString());
                Shape(w, e.OutputShapes[k]);
                if (asBinary)
                {
                    anyBinary = true;
                    w.WriteStartObject("parameters");
                    w.WriteNumber("binary_data_size", e.OutputBytes(k).Length);
                    w.WriteEndObject();
                }
                else WriteData(w, e.OutputTypes[k], e.OutputBytes(k));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        int jsonLength = reply.WrittenCount;
        foreach (var (k, asBinary) in outputs)
            if (asBinary) reply.Write(e.OutputBytes(k));
        ReadOnlySpan<byte> all = reply.WrittenSpan;
        return Send(client, 200, "OK", anyBinary ? "application/octet-stream" : "application/json", all, ReadOnlySpan<byte>.Empty, anyBinary ? jsonLength : -1);
    }

    private static void WriteData(Utf8JsonWriter w, TensorElementType type, ReadOnlySpan<byte> bytes)
    {
        w.WriteStartArray("data");
        switch (type)
        {
            case TensorElementType.Float: foreach (float v in MemoryMarshal.Cast<byte, float>(bytes)) { if (float.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue(); } break;
            case TensorElementType.Float16: foreach (Half v in MemoryMarshal.Cast<byte, Half>(bytes)) { if (Half.IsFinite(v)) w.WriteNumberValue((float)v); else w.WriteNullValue(); } break;
            case TensorElementType.Int32: foreach (int v in MemoryMarshal.Cast<byte, int>(bytes)) w.WriteNumberValue(v); break;
            case TensorElementType.Int64: foreach (long v in MemoryMarshal.Cast<byte, long>(bytes)) w.WriteNumberValue(v); break;
            case TensorElementType.UInt8: foreach (byte v in bytes) w.WriteNumberValue(v); break;
            case TensorElementType.Int8: foreach (sbyte v in MemoryMarshal.Cast<byte, sbyte>(bytes)) w.WriteNumberValue(v); break;
        }
        w.WriteEndArray();
    }

    private bool Json(int client, int status, ArrayBufferWriter<byte> reply, Action<Utf8JsonWriter> write)
    {
        reply.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(reply)) write(w);
        return Send(client, status, "OK", "application/json", reply.WrittenSpan, ReadOnlySpan<byte>.Empty, -1);
    }

    // An error answer closes nothing: the request was read whole, so the connection stays in step.
    private bool Error(int client, int status, string message)
    {
        Interlocked.Increment(ref _errors);
        var body = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }
        string reason = status switch { 400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", 413 => "Payload Too Large", 431 => "Request Header Fields Too Large", _ => "Error" };
        return Send(client, status, reason, "application/json", body.WrittenSpan, ReadOnlySpan<byte>.Empty, -1);
    }

    private static bool Send(int client, int status, string reason, string type, ReadOnlySpan<byte> body, ReadOnlySpan<byte> more, long jsonLength)
    {
        var c = CultureInfo.InvariantCulture;
        string head = string.Create(c, $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {body.Length + more.Length}\r\n") +
            (jsonLength >= 0 ? string.Create(c, $"Inference-Header-Content-Length: {jsonLength}\r\n") : "") + "\r\n";
        return ConnectionCalls.SendAll(client, Encoding.ASCII.GetBytes(head)) == 0 && ConnectionCalls.SendAll(client, body) == 0 && ConnectionCalls.SendAll(client, more) == 0;
    }

    /// <summary>Stops listening, closes every connection and waits for the accepting thread.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        try { _listener.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _listener.Dispose();
        lock (_open)
        {
            // Shutting a connection down wakes its thread's receive; the thread closes it.
            foreach (int fd in _open) ConnectionCalls.Shutdown(fd);
        }
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
