using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using Onnx;
using Realtime.Bench.Quantization;
using Realtime.Bench.Sessions;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Recording;
using Realtime.Hosting;
using Realtime.Onnx;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp quantize MODEL.onnx --out MODEL.int8.onnx</c>: static int8 quantization (QDQ) with
/// activation ranges calibrated on frames of the application's own source (a recording, or the
/// application run live), then a check that ONNX Runtime loads and runs the result. The variant
/// table (<c>rtapp bench --variants NAME,FILE.int8.onnx</c>) sets it beside the float model.
/// </summary>
internal sealed class QuantizeCommand : HostCommand
{
    /// <summary>Calibration frames when --frames is not given.</summary>
    public const int DefaultFrames = 100;

    /// <summary>The calibration method when --method is not given: percentile kept BlazeFace-128's boxes closest to fp32's (IoU p50 0.96 against 0.86 for min/max) and M-LSD tiny's line as close.</summary>
    public const CalibrationMethod DefaultMethod = CalibrationMethod.Percentile;

    /// <inheritdoc/>
    public override string Name => "quantize";

    /// <inheritdoc/>
    public override string Description => "Static int8 quantization of an ONNX model (QDQ, integer kernels in ONNX Runtime), calibrated on the application's own frames.";

    /// <inheritdoc/>
    public override string? Notes => """
        Calibration: --calibration FILE.mcap (rtapp record; camera frames letterboxed into an NHWC float input, as the
        face tracker's preprocessing does) or --from-app (the application of --board/--demo runs and its own
        preprocessing writes the model's input; a model of several inputs, e.g. Silero's carried state and sample rate, gets
        the others as the application's model node binds them). Conv, MatMul and Gemm get int8 weights and quantized
        activations, in the main graph and in If branches (a branch no calibration frame took stays float);
        --carry chooses which operators between them stay int8 too, --exclude keeps nodes float; every other
        operator stays float (counted). rtapp bench --variants blazeface-128,OUT.onnx (or mlsd-tiny,OUT.onnx)
        then sets the int8 model beside the float one: latency p50/p99 and accuracy on the same frames.
        """;

    private readonly Argument<string> _modelArg = new("model") { Description = "The float32 ONNX model.", HelpName = "MODEL.onnx" };
    private readonly Option<string> _out = HostOptions.Text("--out", "FILE.onnx", "Where the int8 model goes (required).");
    private readonly Option<string> _calibration = HostOptions.Text("--calibration", "FILE.mcap", "A recording (rtapp record) whose camera frames calibrate the activations.");
    private readonly Option<bool> _fromApp = HostOptions.Flag("--from-app", "Calibrate on frames of the application (--board/--demo) as its preprocessing writes them.");
    private readonly Option<string> _board = HostOptions.Board("--board", "With --from-app: the board profile (default: sim).");
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "With --from-app: the application (default: the profile's).");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "With --from-app: override one profile field (repeatable).");
    private readonly Option<int?> _frames = HostOptions.Number("--frames", 1, 100_000, "N", $"Calibration frames (default: {DefaultFrames}).");
    private readonly Option<CalibrationMethod?> _method = HostOptions.Choice("--method", "How activation ranges are chosen (default: percentile, the most accurate measured: README \"Quantizing your model\").",
        ("minmax", CalibrationMethod.MinMax), ("percentile", CalibrationMethod.Percentile), ("entropy", CalibrationMethod.Entropy));
    private readonly Option<bool> _perChannel = HostOptions.Flag("--per-channel", "Conv weights get one scale per output channel.");
    private readonly Option<string> _activations = HostOptions.Word("--activations", "Activation type (default: uint8).", "uint8", "int8");
    private readonly Option<string> _carry = HostOptions.Word("--carry", "Operators kept in int8 between quantized ones (default: conv-only): conv-only (none), unary (Relu, Clip, MaxPool), all (and Add, Concat).", "conv-only", "unary", "all");
    private readonly Option<string> _exclude = HostOptions.Text("--exclude", "NODE,...", "Nodes left float (default: heads): node names, first (the first Conv/MatMul/Gemm), heads (those no other follows: the output layers), depthwise (depthwise Convs), or none.");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print only the results.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[]
    {
        _out, _calibration, _fromApp, _board, _demo, _set, _frames, _method, _perChannel, _activations, _carry, _exclude, _assets, _quiet,
    };

    /// <inheritdoc/>
    public override IReadOnlyList<Argument> Arguments => new Argument[] { _modelArg };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        string modelPath = cl.GetValue(_modelArg)!;
        string outPath = cl.GetValue(_out) ?? throw new UsageException("--out FILE.onnx: where the int8 model goes");
        BenchCommand.CheckReportPath("out", outPath);
        if (Path.GetFullPath(outPath) == Path.GetFullPath(modelPath)) throw new UsageException("--out: the int8 model would overwrite the float one");
        string? recording = cl.GetValue(_calibration);
        bool fromApp = cl.GetValue(_fromApp);
        if ((recording is null) == !fromApp) throw new UsageException("give one calibration source: --calibration FILE.mcap or --from-app");
        if (!fromApp && (cl.GetValue(_board) is not null || cl.GetValue(_demo) is not null || cl.GetValue(_set) is { Length: > 0 }))
            throw new UsageException("--board, --demo and --set choose the application of --from-app");
        int frames = cl.GetValue(_frames) ?? DefaultFrames;
        var method = cl.GetValue(_method) ?? DefaultMethod;
        var options = new QuantizeOptions(cl.GetValue(_perChannel), cl.GetValue(_activations) == "int8");
        string[] exclude = cl.GetValue(_exclude) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [.. QuantizePlan.Default.Exclude];
        if (exclude is ["none"]) exclude = [];
        var plan = new QuantizePlan(cl.GetValue(_carry) switch { "unary" => CarryMode.Unary, "all" => CarryMode.All, _ => QuantizePlan.Default.Carry }, exclude);
        bool quiet = cl.GetValue(_quiet);
        string? assets = AssetLocator.Find(cl.GetValue(_assets));

        // Everything about the model is checked before any frame is read: a bad model is one line, exit 2.
        ModelProto model;
        ModelQuantizer quantizer;
        try
        {
            model = OnnxModelFile.Read(modelPath);
            quantizer = new ModelQuantizer(model, modelPath, plan);
        }
        catch (InvalidDataException ex) { throw new ProfileException(modelPath, new[] { ProfileException.WithoutSource(ex.Message, modelPath) }); }
        catch (ArgumentException ex) { throw new UsageException($"--exclude: {ProfileException.WithoutSource(ex.Message, modelPath)}"); }
        var inputs = quantizer.Inputs;
        // A model of several inputs is calibrated as its application binds the others (a carried state, constant scalars): --from-app.
        if (inputs.Count != 1 && !fromApp)
            throw new ProfileException(modelPath, new[] { $"the quantizer calibrates a model of several inputs as its application binds them (--from-app); from a recording it takes one float32 input, and this one has {inputs.Count}: {InputList(inputs)}" });
        if (inputs.Count == 1 && inputs[0].Type?.TensorType?.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new ProfileException(modelPath, new[] { $"the quantizer calibrates models of one float32 input; this one has {inputs.Count}: {InputList(inputs)}" });
        string inputName = inputs[0].Name;
        long[] declared = Dims(inputs[0]);
        CalibrationFeeds? feeds = null;
        IReadOnlyDictionary<string, long[]>? shapes = null;

        long[] shape;
        List<float[]> tensors;
        string data;
        if (recording is not null)
        {
            var images = ReadRecording(recording);
            // Camera frames go through the face tracker's preprocessing: letterboxed into an NHWC float image.
            if (declared.Length != 4 || declared[3] != 3 || declared[1] <= 0 || declared[2] <= 0)
                throw new ProfileException(modelPath, new[] { $"input '{inputName}' is [{string.Join(",", declared)}]: camera frames from a recording calibrate an NHWC image input [1,H,W,3]; calibrate this model with --from-app" });
            shape = new long[] { 1, declared[1], declared[2], 3 };
            tensors = Letterboxed(images, (int)declared[2], (int)declared[1], frames);
            data = $"{Path.GetFileName(recording)}: {tensors.Count} of {images.Count} frames of '{images.Application}''s {images.Source} ({images.Width}×{images.Height}), letterboxed into {declared[2]}×{declared[1]}";
        }
        else
        {
            var (p, source) = ProfileCatalog.Load(cl.GetValue(_board) ?? "sim", cl.GetValue(_set) ?? [], cl.GetValue(_demo), host);
            var application = host.ApplicationFor(p, source, cl.GetValue(_demo));
            var setup = new BenchCommand.Setup
            {
                Profile = p, ProfileSource = source, Assets = assets, Application = application, Board = cl.GetValue(_board) ?? "sim",
                Sets = cl.GetValue(_set) ?? [], DemoArg = cl.GetValue(_demo), Host = host, Quiet = quiet,
            };
            using var app = (ApplicationTarget)BenchCommand.Build(setup, BenchScenario.SingleStream, frames, 0, measureFloor: false);
            string appInput;
            try { tensors = SessionBench.Tensors(app, frames, out appInput, boundInputs: inputs.Count > 1); }
            catch (UsageException ex) { throw new UsageException($"--from-app {ex.Message}"); }
            if (inputs.Count > 1 && Has(inputs, appInput))
            {
                feeds = Feeds(app.Model.Engine.InputBinding, inputs, appInput, modelPath, app.Demo);
                shapes = app.Model.Engine.InputBinding.Shapes;
                foreach (var i in inputs)
                    if (i.Name == appInput) { inputName = appInput; declared = Dims(i); }
            }
            if (appInput != inputName)
                throw new ProfileException(modelPath, new[] { $"input '{inputName}' is not what application '{app.Demo}' feeds (its model '{Path.GetFileName(app.ModelPath)}' takes '{appInput}'): calibrate with the application that runs this model" });
            var engine = app.Model.Engine;
            shape = engine.InputShapes[Math.Max(0, engine.InputIndex(appInput))];
            data = $"application '{app.Demo}': its first {tensors.Count} frames as its preprocessing wrote them into '{appInput}'";
        }
        long elements = 1;
        foreach (long d in shape) elements *= d;
        if (elements != tensors[0].Length)
            throw new ProfileException(modelPath, new[] { $"input '{inputName}' [{string.Join(",", declared)}] does not take the calibration frames ({tensors[0].Length} floats as [{string.Join(",", shape)}])" });
        for (int i = 0; i < declared.Length && i < shape.Length; i++)
            if (declared[i] > 0 && declared[i] != shape[i])
                throw new ProfileException(modelPath, new[] { $"input '{inputName}' is [{string.Join(",", declared)}]; the calibration frames are [{string.Join(",", shape)}]" });

        if (!quiet) Console.WriteLine($"rtapp {host.Version} quantize: {Path.GetFileName(modelPath)}: {quantizer.TargetCount} node(s) to quantize, {quantizer.Activations.Count} activations; calibrating ({MethodName(method)}) on {data}");
        Dictionary<string, ActivationRange> ranges;
        QuantizationResult result;
        try
        {
            ranges = Calibrator.Run(quantizer, inputName, shape, tensors, method, quiet ? null : m => Console.WriteLine("  " + m), feeds);
            var chosen = new Dictionary<string, (float Lo, float Hi)>(StringComparer.Ordinal);
            // An activation of an If branch no frame took has no range: Quantize leaves its nodes float.
            foreach (var kv in ranges)
                if (kv.Value.Count > 0 || !quantizer.InsideBranch(kv.Key)) chosen[kv.Key] = kv.Value.Chosen(method);
            result = quantizer.Quantize(chosen, options);
        }
        catch (InvalidDataException ex) { throw new ProfileException(modelPath, new[] { ProfileException.WithoutSource(ex.Message, modelPath) }); }
        OnnxModelFile.Write(result.Model, outPath);

        // The proof that matters: ONNX Runtime loads it and runs a calibration frame.
        try
        {
            using var engine = OnnxInferenceEngine.Load(outPath, new OnnxBinding
            {
                PrimaryInput = inputName, ExpectedPrimaryShape = shape, Shapes = shapes,
                Carried = feeds is null ? null : ToCarried(feeds), Scalars = feeds?.Scalars,
            }, new OnnxSessionSettings());
            tensors[0].CopyTo(engine.Input);
            engine.Run();
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException or ArgumentException or InvalidDataException)
        {
            Log.Error("quantize", $"ONNX Runtime does not run the quantized model {outPath}: {ex.Message}");
            return ExitCodes.Fault;
        }
        long inBytes = new FileInfo(modelPath).Length, outBytes = new FileInfo(outPath).Length;
        Console.WriteLine($"Quantized: {ModelQuantizer.Describe(result.Quantized)} (int8 weights{(options.PerChannel ? ", Conv per channel" : "")}); {result.Activations} activations {(options.SignedActivations ? "int8" : "uint8")} ({MethodName(method)}, {tensors.Count} frames); excluded: {(plan.Exclude.Count == 0 ? "none" : string.Join(",", plan.Exclude))}");
        Console.WriteLine(result.Carried.Count > 0 ? $"Kept in int8 between them: {ModelQuantizer.Describe(result.Carried)}" : "Kept in int8 between them: none (--carry conv-only)");
        Console.WriteLine($"Left float: {ModelQuantizer.Describe(result.LeftFloat)}");
        foreach (string note in result.Notes) Console.WriteLine("  " + note);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {outPath}: {outBytes} bytes ({(double)outBytes / inBytes:0.00}× the float model's {inBytes}); ONNX Runtime loads and runs it"));

        // The variant table takes the int8 model as a variant of its family (the same graph, its model node's path overridden).
        if (!quiet) Console.WriteLine($"Compare with the float model: rtapp bench --variants NAME,{outPath} (NAME: the float model's variant, e.g. blazeface-128 or mlsd-tiny)");
        return ExitCodes.Ok;
    }

    /// <summary>A recording's camera frames, read whole through <see cref="InputFile"/> (1 GiB is about 3,000 frames of the sim camera); they must be BGR24.</summary>
    private static RecordedImages ReadRecording(string file)
    {
        byte[] bytes = InputFile.ReadBytes(file, 1 << 30, out string? problem) ?? throw new ProfileException(file, new[] { problem! });
        RecordedImages images;
        try { images = RecordedImages.Read(bytes); }
        catch (McapFormatException ex) { throw new ProfileException(file, new[] { ex.Message }); }
        if (images.Format != PixelFormat.Bgr24)
            throw new ProfileException(file, new[] { $"source '{images.Source}' of '{images.Application}' recorded {images.Width}×{images.Height} {images.Format} frames; calibration from a recording takes Bgr24 (a colour camera): use --from-app" });
        return images;
    }

    /// <summary>The first <paramref name="count"/> frames of <paramref name="images"/> (looping) letterboxed into a <paramref name="width"/>×<paramref name="height"/> NHWC float tensor.</summary>
    private static List<float[]> Letterboxed(RecordedImages images, int width, int height, int count)
    {
        var pre = new LetterboxPreprocessor(images.Width, images.Height, width, height);
        var slot = new FrameBuffer(images.Width, images.Height, PixelFormat.Bgr24);
        var tensors = new List<float[]>(count);
        for (int f = 0; f < count; f++)
        {
            images.CopyTo(f % images.Count, slot);
            var tensor = new float[width * height * 3];
            pre.Process(slot, tensor);
            tensors.Add(tensor);
        }
        return tensors;
    }

    /// <summary>The application's binding of the model's other inputs; every input but the fed one must be carried or a scalar.</summary>
    private static CalibrationFeeds Feeds(OnnxBinding binding, IReadOnlyList<ValueInfoProto> inputs, string fed, string modelPath, string demo)
    {
        var carried = new List<(string Output, string Input)>();
        var covered = new HashSet<string>(StringComparer.Ordinal) { fed };
        if (binding.Carried is { } pairs)
            foreach (var p in pairs) { carried.Add((p.Output, p.Input)); covered.Add(p.Input); }
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal);
        if (binding.Scalars is { } values)
            foreach (var kv in values) { scalars[kv.Key] = kv.Value; covered.Add(kv.Key); }
        foreach (var i in inputs)
            if (!covered.Contains(i.Name))
                throw new ProfileException(modelPath, new[] { $"input '{i.Name}' is neither what application '{demo}' feeds ('{fed}') nor a state or scalar its model node binds" });
        return new CalibrationFeeds(carried, scalars);
    }

    private static bool Has(IReadOnlyList<ValueInfoProto> inputs, string name)
    {
        foreach (var i in inputs)
            if (i.Name == name) return true;
        return false;
    }

    private static CarriedTensor[] ToCarried(CalibrationFeeds feeds)
    {
        var list = new CarriedTensor[feeds.Carried.Count];
        for (int i = 0; i < list.Length; i++) list[i] = new CarriedTensor(feeds.Carried[i].Output, feeds.Carried[i].Input);
        return list;
    }

    private static long[] Dims(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is null) return Array.Empty<long>();
        var result = new long[dims.Count];
        for (int i = 0; i < result.Length; i++) result[i] = dims[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[i].DimValue : -1;
        return result;
    }

    private static string InputList(IReadOnlyList<ValueInfoProto> inputs)
    {
        var parts = new List<string>();
        foreach (var i in inputs) parts.Add($"{i.Name} ({(TensorProto.Types.DataType)(i.Type?.TensorType?.ElemType ?? 0)})");
        return string.Join(", ", parts);
    }

    private static string MethodName(CalibrationMethod m) => m switch
    {
        CalibrationMethod.MinMax => "min/max",
        CalibrationMethod.Percentile => $"percentile {ActivationRange.PercentileKept} %",
        _ => "entropy",
    };

}
