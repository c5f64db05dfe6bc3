using System;

namespace Realtime.Onnx;

/// <summary>
/// ONNX Runtime's native library could not be loaded or started (missing beside the binary, of
/// another architecture, or lacking a library it needs): a fault of the installation, not of the
/// profile or the model, so it is told apart from both.
/// </summary>
public sealed class OnnxRuntimeUnavailableException : Exception
{
    /// <summary>Wraps what the runtime's start threw.</summary>
    public OnnxRuntimeUnavailableException(Exception inner)
        : base($"ONNX Runtime cannot be started: {Describe(inner)} (libonnxruntime.so ships beside the binary: reinstall the bundle, or keep the library next to the executable)", inner)
    {
    }

    private static string Describe(Exception ex)
    {
        // The type initializer wraps the loader's own error: its first sentence says what failed,
        // and a later line says why for the library beside the binary (dlopen's own words).
        Exception root = ex;
        while (root is TypeInitializationException { InnerException: { } inner }) root = inner;
        string[] lines = root.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) return root.GetType().Name;
        string first = lines[0];
        int stop = first.IndexOf(". ", StringComparison.Ordinal);
        if (stop > 0) first = first[..stop];
        foreach (string line in lines)
            if (line.Contains("libonnxruntime.so:", StringComparison.Ordinal)) return $"{first}: {line}";
        return first;
    }
}
