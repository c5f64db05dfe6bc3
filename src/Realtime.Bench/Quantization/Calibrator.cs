using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Realtime.Bench.Quantization;

/// <summary>The model's inputs besides the calibrated one, as the application binds them: a recurrent state fed back from an output (zeros at first), constant scalars.</summary>
/// <param name="Carried">Output → input pairs carried from one run to the next.</param>
/// <param name="Scalars">Inputs held at one value (an int64 or float scalar, e.g. Silero's sample rate).</param>
public sealed record CalibrationFeeds(IReadOnlyList<(string Output, string Input)> Carried, IReadOnlyDictionary<string, double> Scalars);

/// <summary>
/// Runs the float model on calibration frames with every activation to quantize as an extra output
/// (<see cref="ModelQuantizer.CalibrationModel"/>) and gathers their ranges: one pass for the
/// extremes, a second for the |x| histograms the percentile and entropy methods need.
/// </summary>
public static class Calibrator
{
    /// <summary>
    /// The ranges of <paramref name="quantizer"/>'s activations over <paramref name="frames"/>, each a
    /// tensor of <paramref name="shape"/> for the model's one input <paramref name="inputName"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The model does not run on these frames, or an activation is not float32.</exception>
    public static Dictionary<string, ActivationRange> Run(ModelQuantizer quantizer, string inputName, long[] shape, IReadOnlyList<float[]> frames,
        CalibrationMethod method, Action<string>? progress = null, CalibrationFeeds? feeds = null)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("no calibration frame", nameof(frames));
        var ranges = new Dictionary<string, ActivationRange>(StringComparer.Ordinal);
        var fetched = new List<string>();
        foreach (string t in quantizer.Activations)
        {
            ranges[t] = new ActivationRange(t);
            if (!quantizer.IsGraphInput(t)) fetched.Add(t);
        }
        byte[] calibrationModel = quantizer.CalibrationModel();
        // Activations inside If branches come out under the names the calibration model gave them.
        var fetchedNames = new List<string>(fetched.Count);
        foreach (string t in fetched) fetchedNames.Add(quantizer.CalibrationOutput(t));
        int carriedAt = fetchedNames.Count;
        if (feeds is not null)
            foreach (var (output, _) in feeds.Carried) fetchedNames.Add(output);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        InferenceSession session;
        try { session = new InferenceSession(calibrationModel, options); }
        catch (OnnxRuntimeException ex) { throw new InvalidDataException($"ONNX Runtime does not load the model for calibration: {FirstLine(ex.Message)}"); }
        using (session)
        using (var run = new RunOptions())
        {
            int passes = method == CalibrationMethod.MinMax ? 1 : 2;
            var inputNames = new List<string> { inputName };
            var states = new List<(float[] Values, long[] Shape)>();
            var scalarValues = new List<OrtValue>();
            if (feeds is not null)
            {
                foreach (var (_, stateInput) in feeds.Carried)
                {
                    if (!session.InputMetadata.TryGetValue(stateInput, out var meta)) throw new InvalidDataException($"the carried state names input '{stateInput}', which the model lacks");
                    long[] dims = Array.ConvertAll(meta.Dimensions, d => d < 0 ? 1L : d);
                    long n = 1;
                    foreach (long d in dims) n *= d;
                    states.Add((new float[n], dims));
                    inputNames.Add(stateInput);
                }
                foreach (var (name, value) in feeds.Scalars)
                {
                    if (!session.InputMetadata.TryGetValue(name, out var meta)) throw new InvalidDataException($"the scalar names input '{name}', which the model lacks");
                    long[] dims = Array.ConvertAll(meta.Dimensions, d => d < 0 ? 1L : d);
                    scalarValues.Add(meta.ElementDataType == TensorElementType.Int64
                        ? OrtValue.CreateTensorValueFromMemory(new[] { (long)value }, dims)
                        : OrtValue.CreateTensorValueFromMemory(new[] { (float)value }, dims));
                    inputNames.Add(name);
                }
            }
            try
            {
            for (int pass = 0; pass < passes; pass++)
            {
                // Each pass runs the frames in order from a zero state, as the application does from its start.
                foreach (var (values, _) in states) Array.Clear(values);
                for (int f = 0; f < frames.Count; f++)
                {
                    var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(frames[f], shape) };
                    foreach (var (values, dims) in states) inputs.Add(OrtValue.CreateTensorValueFromMemory(values, dims));
                    inputs.AddRange(scalarValues);
                    IDisposableReadOnlyCollection<OrtValue> outputs;
                    try { outputs = session.Run(run, inputNames, inputs, fetchedNames); }
                    catch (OnnxRuntimeException ex) { throw new InvalidDataException($"the model does not run on calibration frame {f + 1}: {FirstLine(ex.Message)}"); }
                    // The scalars stay for the next frame; the frame and the state values are this run's.
                    finally { for (int k = 0; k < 1 + states.Count; k++) inputs[k].Dispose(); }
                    using (outputs)
                    {
                        foreach (string t in quantizer.Activations)
                            if (quantizer.IsGraphInput(t)) Add(ranges[t], frames[f], pass);
                        int k = 0;
                        foreach (var value in outputs)
                        {
                            int at = k++;
                            var info = value.GetTensorTypeAndShape();
                            if (at >= carriedAt)
                            {
                                var next = value.GetTensorDataAsSpan<float>();
                                var state = states[at - carriedAt].Values;
                                if (next.Length != state.Length) throw new InvalidDataException($"output '{fetchedNames[at]}' has {next.Length} values; its state input takes {state.Length}");
                                next.CopyTo(state);
                                continue;
                            }
                            string name = fetched[at];
                            if (info.ElementDataType != TensorElementType.Float)
                                throw new InvalidDataException($"activation {name} is {info.ElementDataType}, not float32: only float models are quantized");
                            // Empty: computed in an If branch this frame did not take.
                            if (info.ElementCount == 0) continue;
                            Add(ranges[name], value.GetTensorDataAsSpan<float>(), pass);
                        }
                    }
                }
                progress?.Invoke(pass == 0 ? $"calibration: {frames.Count} frames, {ranges.Count} activations, extremes" : $"calibration: {frames.Count} frames, histograms");
            }
            }
            finally { foreach (var v in scalarValues) v.Dispose(); }
        }
        return ranges;
    }

    private static void Add(ActivationRange range, ReadOnlySpan<float> values, int pass)
    {
        if (pass == 0) range.Observe(values);
        else range.Histogram(values);
    }

    private static string FirstLine(string message)
    {
        int nl = message.IndexOf('\n');
        return nl < 0 ? message : message[..nl];
    }
}
