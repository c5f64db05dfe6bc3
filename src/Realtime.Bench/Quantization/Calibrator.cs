using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Realtime.Bench.Quantization;

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
        CalibrationMethod method, Action<string>? progress = null)
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
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        InferenceSession session;
        try { session = new InferenceSession(quantizer.CalibrationModel(), options); }
        catch (OnnxRuntimeException ex) { throw new InvalidDataException($"ONNX Runtime does not load the model for calibration: {FirstLine(ex.Message)}"); }
        using (session)
        using (var run = new RunOptions())
        {
            int passes = method == CalibrationMethod.MinMax ? 1 : 2;
            var inputNames = new[] { inputName };
            for (int pass = 0; pass < passes; pass++)
            {
                for (int f = 0; f < frames.Count; f++)
                {
                    using var input = OrtValue.CreateTensorValueFromMemory(frames[f], shape);
                    IDisposableReadOnlyCollection<OrtValue> outputs;
                    try { outputs = session.Run(run, inputNames, new[] { input }, fetched); }
                    catch (OnnxRuntimeException ex) { throw new InvalidDataException($"the model does not run on calibration frame {f + 1}: {FirstLine(ex.Message)}"); }
                    using (outputs)
                    {
                        foreach (string t in quantizer.Activations)
                            if (quantizer.IsGraphInput(t)) Add(ranges[t], frames[f], pass);
                        int k = 0;
                        foreach (var value in outputs)
                        {
                            string name = fetched[k++];
                            var info = value.GetTensorTypeAndShape();
                            if (info.ElementDataType != TensorElementType.Float)
                                throw new InvalidDataException($"activation {name} is {info.ElementDataType}, not float32: only float models are quantized");
                            Add(ranges[name], value.GetTensorDataAsSpan<float>(), pass);
                        }
                    }
                }
                progress?.Invoke(pass == 0 ? $"calibration: {frames.Count} frames, {ranges.Count} activations, extremes" : $"calibration: {frames.Count} frames, histograms");
            }
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
