using System;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// <c>rtapp quantize</c> through the published binary: calibrated on a recording of the sim camera
/// (rtapp record) and on the application run live, the int8 model profiled by <c>rtapp profile</c>
/// (integer kernels), set beside fp32 by <c>rtapp bench --variants blazeface-128,FILE</c>; bad models are one line and exit 2.
/// </summary>
public sealed class QuantizeCliTests : IDisposable
{
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static void AssertOneError(RtappResult r, params string[] parts)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        string[] lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one message:\n" + r);
        Assert.StartsWith("rtapp: error: ", lines[0]);
        foreach (string p in parts) Assert.Contains(p, lines[0]);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    [Fact]
    public void BlazeFaceCalibratedOnARecordingRunsOnIntegerKernelsAndTakesFp32sPlaceInTheVariantTable()
    {
        string frames = Path.Combine(_dir, "frames.mcap");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "record", frames, "--board", "sim", "--demo", "face-tracker", "--frames", "40", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());

        string int8 = Path.Combine(_dir, "blazeface.int8.onnx");
        r = Rtapp.Run(TimeSpan.FromMinutes(4), "quantize", TestAssets.BlazeFace128, "--out", int8, "--calibration", frames, "--frames", "40",
            "--method", "percentile", "--per-channel");
        Assert.True(r.ExitCode == 0, r.ToString());
        // The defaults: int8 around each Conv only, the four output convolutions (box and score heads) float.
        Assert.Contains("Quantized: Conv 33 (int8 weights, Conv per channel)", r.Stdout);
        Assert.Contains("excluded: heads", r.Stdout);
        Assert.Contains("Kept in int8 between them: none", r.Stdout);
        Assert.Contains("Left float: Add 16, Concat 11, ConstantOfShape 11, Conv 4,", r.Stdout);
        Assert.Contains("ONNX Runtime loads and runs it", r.Stdout);
        Assert.True(File.Exists(int8));

        // The variant table takes the int8 model in the float one's place: the same graph, the same recorded frames.
        string variants = Path.Combine(_dir, "variants.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(4), "bench", "--variants", "blazeface-128," + int8, "--frames-from", frames, "--warmup", "2", "--no-rt", "--report", variants);
        Assert.True(r.ExitCode == 0, r.ToString());
        using (var table = JsonDocument.Parse(File.ReadAllText(variants)))
        {
            var rows = table.RootElement.GetProperty("variants");
            Assert.Equal(2, rows.GetArrayLength());
            Assert.Equal("blazeface.int8", rows[1].GetProperty("name").GetString());
            var agreement = rows[1].GetProperty("agreement");
            Assert.Equal(40, agreement.GetProperty("frames").GetInt32());
            Assert.True(agreement.GetProperty("both_found").GetInt32() >= 20, table.RootElement.ToString());
            // A generous floor (README: IoU p50 0.96 with these settings, 0.44 with min/max carrying every operator in int8); a broken model finds nothing or boxes elsewhere.
            Assert.True(agreement.GetProperty("iou_p50").GetDouble() > 0.65, table.RootElement.ToString());
        }

        string report = Path.Combine(_dir, "profile.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(3), "profile", "--model", int8, "--runs", "30", "--warmup", "5", "--no-rt", "--trace-dir", _dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        double integer = 0, all = 0, floatConv = 0;
        foreach (var t in doc.RootElement.GetProperty("all_operator_types").EnumerateArray())
        {
            string op = t.GetProperty("op_type").GetString()!;
            double us = t.GetProperty("total_us").GetDouble();
            all += us;
            if (op is "QLinearConv" or "ConvInteger") integer += us;
            if (op is "Conv" or "FusedConv") floatConv += us;
        }
        Assert.True(integer > 0 && integer / all > 0.2, $"integer kernels' share {integer / all:P0}");
        // Only the four heads stay float beside 33 integer convolutions.
        Assert.True(floatConv < integer, $"float Conv {floatConv} µs, integer {integer} µs");
    }

    [Fact]
    public void FromAppCalibratesOnTheApplicationsOwnPreprocessing()
    {
        string int8 = Path.Combine(_dir, "from-app.int8.onnx");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "quantize", TestAssets.BlazeFace128, "--out", int8, "--from-app", "--board", "sim", "--demo", "face-tracker",
            "--frames", "20", "--activations", "int8", "--carry", "all", "--exclude", "none", "--method", "minmax", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("application 'face-tracker': its first 20 frames", r.Stdout);
        Assert.Contains("activations int8", r.Stdout);
        // Every Conv quantized and the operators between them carried in int8.
        Assert.Contains("Quantized: Conv 37 ", r.Stdout);
        Assert.Contains("excluded: none", r.Stdout);
        Assert.Contains("Kept in int8 between them: Add 16, Concat 11, MaxPool 3, Relu 17", r.Stdout);
        Assert.True(File.Exists(int8));
    }

    [Fact]
    public void SileroIsQuantizedInItsIfBranchesFromTheVoiceRelayAndTakesFp32sPlaceInTheVariantTable()
    {
        // The voice relay binds Silero's state (carried) and sample rate (a scalar): calibration runs the chunks in order as it does.
        string silero = TestAssets.Get("models/silero_vad.onnx");
        string int8 = Path.Combine(_dir, "silero.int8.onnx");
        var r = Rtapp.Run(TimeSpan.FromMinutes(4), "quantize", silero, "--out", int8, "--from-app", "--board", "sim", "--demo", "voice-relay",
            "--frames", "300", "--per-channel", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        // The 16 kHz branch's STFT and encoder Convs; the 8 kHz branch (never taken) and the decoder heads stay float, the LSTMs too.
        Assert.Contains("Quantized: Conv 5 ", r.Stdout);
        Assert.Contains("5 Conv/MatMul/Gemm node(s) left float in If branches the calibration frames never took", r.Stdout);
        Assert.Contains("LSTM 4 left float", r.Stdout);
        Assert.Contains("ONNX Runtime loads and runs it", r.Stdout);

        string variants = Path.Combine(_dir, "silero-variants.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(4), "bench", "--variants", "silero-fp32," + int8, "--data-frames", "400", "--warmup", "3", "--no-rt", "--cache", _dir, "--report", variants, "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        using (var table = JsonDocument.Parse(File.ReadAllText(variants)))
        {
            var rows = table.RootElement.GetProperty("variants");
            Assert.Equal(2, rows.GetArrayLength());
            Assert.Equal("silero.int8", rows[1].GetProperty("name").GetString());
            var vad = rows[1].GetProperty("vad");
            int chunks = vad.GetProperty("chunks").GetInt32();
            // Whole passes through the recording: at least the chunks asked for.
            Assert.True(chunks >= 400, table.RootElement.ToString());
            Assert.True(vad.GetProperty("both_speech").GetInt32() >= 50, table.RootElement.ToString());
            // README: the same decision on 96.6 % of 1386 chunks; a broken model hears nothing or everything.
            Assert.True(vad.GetProperty("decision_agreement_pct").GetDouble() > 90, table.RootElement.ToString());
        }

        // ONNX Runtime runs the taken branch's convolutions as integer kernels.
        string report = Path.Combine(_dir, "silero-profile.json");
        r = Rtapp.Run(TimeSpan.FromMinutes(3), "profile", "--model", int8, "--shape", "input=1x576,state=2x1x128", "--runs", "30", "--warmup", "5", "--no-rt", "--trace-dir", _dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("QLinearConv", r.Stdout);
    }

    [Fact]
    public void ModelsThatCannotBeQuantizedAreOneLineAndExit2()
    {
        string frames = Path.Combine(_dir, "none.mcap");
        string notModel = Path.Combine(_dir, "notes.onnx");
        File.WriteAllText(notModel, "these are not the weights you are looking for");
        AssertOneError(Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", notModel, "--out", Path.Combine(_dir, "o.onnx"), "--from-app"), notModel, "is not an ONNX model");

        string cut = Path.Combine(_dir, "cut.onnx");
        byte[] bytes = File.ReadAllBytes(TestAssets.BlazeFace128);
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        AssertOneError(Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", cut, "--out", Path.Combine(_dir, "o.onnx"), "--from-app"), cut, "is not an ONNX model");

        string silero = TestAssets.Get("models/silero_vad.onnx");
        // Silero's inputs are bound as its application binds them: the sim board's default application runs another model.
        AssertOneError(Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", silero, "--out", Path.Combine(_dir, "o.onnx"), "--from-app"), silero, "input 'input' is not what application");

        AssertOneError(Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", "/dev/zero", "--out", Path.Combine(_dir, "o.onnx"), "--from-app"), "/dev/zero", "not a regular file");
        // A node that is not in the model, and a --carry that is no choice: usage errors naming the option.
        var noNode = Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", TestAssets.BlazeFace128, "--out", Path.Combine(_dir, "o.onnx"), "--from-app", "--exclude", "heads,no/such/conv");
        Assert.True(noNode.ExitCode == 2, noNode.ToString());
        Assert.Contains("--exclude: no node named 'no/such/conv' in the model", noNode.Stderr);
        Assert.DoesNotContain("Unhandled exception", noNode.Stderr);
        var carry = Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", TestAssets.BlazeFace128, "--out", Path.Combine(_dir, "o.onnx"), "--from-app", "--carry", "everything");
        Assert.True(carry.ExitCode == 2, carry.ToString());
        Assert.Contains("--carry", carry.Stderr);
        Assert.DoesNotContain("Unhandled exception", carry.Stderr);
        // A command-line mistake: the host's usage error (the problem, then where help is).
        var usage = Rtapp.Run(TimeSpan.FromSeconds(60), "quantize", TestAssets.BlazeFace128, "--out", Path.Combine(_dir, "o.onnx"));
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Contains("--calibration FILE.mcap or --from-app", usage.Stderr);
        Assert.DoesNotContain("Unhandled exception", usage.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "o.onnx")));
        Assert.False(File.Exists(frames));
    }
}
