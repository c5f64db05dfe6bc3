using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Onnx;

namespace Realtime.Bench.BareModel;

/// <summary>
/// Any ONNX model bound for a bench with no demo around it, through the one engine the demos use
/// (<see cref="OnnxInferenceEngine"/>: every input and output bound once, <c>Run</c> allocates
/// nothing). Dynamic dimensions come from <c>--shape</c> (a dynamic batch is 1); float inputs are
/// filled once with fixed pseudo-random values in [-1, 1); an integer scalar named <c>sr</c> gets
/// 16000 (Silero VAD's sample rate); other inputs are zeros.
/// </summary>
public static class BareModelBinding
{
    /// <summary>Loads and binds <paramref name="path"/>, its inputs filled as the class says.</summary>
    public static OnnxInferenceEngine Load(string path, IReadOnlyDictionary<string, long[]>? shapes, OnnxSessionSettings? settings = null)
    {
        var engine = OnnxInferenceEngine.Load(path, new OnnxBinding
        {
            Shapes = shapes,
            Scalars = new Dictionary<string, double>(StringComparer.Ordinal) { ["sr"] = 16000 },
        }, settings);
        for (int i = 0; i < engine.InputNames.Count; i++)
        {
            uint state = 2463534242u * (uint)(i + 1);
            Span<byte> bytes = engine.InputBytes(i);
            switch (engine.InputTypes[i])
            {
                case TensorElementType.Float:
                    foreach (ref float f in MemoryMarshal.Cast<byte, float>(bytes)) f = NextUnit(ref state);
                    break;
                case TensorElementType.Float16:
                    foreach (ref Half h in MemoryMarshal.Cast<byte, Half>(bytes)) h = (Half)NextUnit(ref state);
                    break;
            }
        }
        return engine;
    }

    /// <summary>Parses <c>name=1x512,other=2x1x128</c> into shapes; null with a message on a mistake.</summary>
    public static Dictionary<string, long[]>? ParseShapes(string text, out string? error)
    {
        error = null;
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = item.LastIndexOf('=');
            if (eq <= 0) { error = $"'{item}' is not NAME=DIMxDIM…"; return null; }
            string[] dims = item[(eq + 1)..].Split('x');
            var shape = new long[dims.Length];
            for (int i = 0; i < dims.Length; i++)
                if (!long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
                { error = $"'{item}': dimension '{dims[i]}' is not a positive whole number"; return null; }
            result[item[..eq]] = shape;
        }
        return result;
    }

    // xorshift32 → [-1, 1): the same values every run, no allocation.
    private static float NextUnit(ref uint s)
    {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return (s >> 8) * (2f / (1 << 24)) - 1f;
    }
}
