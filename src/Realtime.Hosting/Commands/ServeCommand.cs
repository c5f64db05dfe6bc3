using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Hosting.Serving;
using Realtime.Hosting.Telemetry;
using Realtime.Onnx;
using Realtime.Onnx.Offload;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp serve</c>: serves ONNX models over the KServe v2 inference protocol
/// (<see cref="InferenceServer"/>) until SIGINT or SIGTERM: the server an <c>offload-model</c> node
/// talks to, and any KServe or Triton client's.
/// </summary>
internal sealed class ServeCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "serve";

    /// <inheritdoc/>
    public override string Description => "Serves ONNX models over the KServe v2 inference protocol (REST, with Triton's binary tensor data), " +
        "as Triton or KServe would: the server an offload-model node sends its frames to. Runs until SIGINT or SIGTERM.";

    /// <inheritdoc/>
    public override string? Notes => """
        Endpoints: GET /v2/health/ready, GET /v2/models/NAME (inputs and outputs), POST /v2/models/NAME/infer
        (JSON tensors, or bytes after the JSON header with Inference-Header-Content-Length). An unknown model is
        404, a tensor of another name, type or shape 400. A model whose dimensions (other than the batch) are
        dynamic cannot be served: every tensor is bound once.
        Example: {tool} serve --model blazeface=.assets/models/face_detection_front_128x128_barracuda.onnx --listen 127.0.0.1:8000
        """;

    private readonly Option<string[]> _model = HostOptions.Repeated("--model", "[NAME=]FILE.onnx", "A model to serve (repeatable); NAME is its URL name, the file's name without .onnx by default.");
    private readonly Option<string> _listen = HostOptions.Text("--listen", "HOST:PORT", "Where to listen (default 127.0.0.1:8000; port 0: any free port, printed).");
    private readonly Option<int?> _delay = HostOptions.Number("--delay-ms", 0, 60_000, "MS", "Wait this long before each inference: a slow server, to see what a client does with one.");
    private readonly Option<int?> _threads = HostOptions.Number("--intra-op-threads", 1, 64, "N", "ONNX Runtime threads per model (default 1).");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _model, _listen, _delay, _threads };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        string[] specs = cl.GetValue(_model) ?? [];
        if (specs.Length == 0) throw new UsageException("serve: name at least one model (--model [NAME=]FILE.onnx)");
        string listen = cl.GetValue(_listen) ?? "127.0.0.1:8000";
        var endpoint = MetricsServer.ParseListen(listen, out string? problem) ?? throw new UsageException($"--listen: {problem}");
        var settings = new OnnxSessionSettings { IntraOpThreads = cl.GetValue(_threads) ?? 1 };
        var models = new List<ServedModel>();
        try
        {
            foreach (string spec in specs)
            {
                int eq = spec.IndexOf('=', StringComparison.Ordinal);
                string path = eq < 0 ? spec : spec[(eq + 1)..];
                string name = eq < 0 ? Path.GetFileNameWithoutExtension(path) : spec[..eq];
                if (OffloadTarget.Parse($"http://127.0.0.1:1/v2/models/{name}", out _) is null)
                    throw new UsageException($"--model {spec}: '{name}' is not a model name (letters, digits, '-', '_', '.')");
                if (models.Exists(m => m.Name == name)) throw new UsageException($"--model {spec}: a model named '{name}' is already served");
                if (!File.Exists(path)) throw new UsageException($"--model {spec}: no such file '{path}'");
                OnnxInferenceEngine engine;
                try
                {
                    engine = OnnxInferenceEngine.Load(path, new OnnxBinding(), settings);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or OnnxRuntimeUnavailableException or OverflowException)
                {
                    throw new UsageException($"--model {spec}: {ex.Message}");
                }
                models.Add(new ServedModel(name, engine));
            }
            InferenceServer server;
            try
            {
                server = InferenceServer.Start(endpoint, models, TimeSpan.FromMilliseconds(cl.GetValue(_delay) ?? 0));
            }
            catch (InvalidOperationException ex)
            {
                throw new UsageException($"--listen: {ex.Message}");
            }
            using (server)
            {
                using var stop = new ManualResetEventSlim();
                using var signals = new StopSignals(_ => stop.Set());
                foreach (var m in models)
                    Console.WriteLine($"rtapp serve: {m.Name} ({m.Engine.ModelPath}): {Describe(m.Engine)}");
                Console.WriteLine($"rtapp serve: listening on http://{server.Endpoint}/v2 (KServe v2, binary tensor data); SIGINT or SIGTERM stops");
                Console.Out.Flush();
                stop.Wait();
                Console.WriteLine($"rtapp serve: stopped: {server.Inferences} inferences, {server.Errors} errors");
            }
            return ExitCodes.Ok;
        }
        finally
        {
            foreach (var m in models) m.Engine.Dispose();
        }
    }

    private static string Describe(OnnxInferenceEngine e)
    {
        var parts = new List<string>();
        for (int i = 0; i < e.InputNames.Count; i++) parts.Add($"{e.InputNames[i]} {KServeDataType.Name(e.InputTypes[i])} [{string.Join(",", e.InputShapes[i])}]");
        parts.Add("→");
        for (int i = 0; i < e.OutputNames.Count; i++) parts.Add($"{e.OutputNames[i]} {KServeDataType.Name(e.OutputTypes[i])} [{string.Join(",", e.OutputShapes[i])}]");
        return string.Join(" ", parts);
    }
}
