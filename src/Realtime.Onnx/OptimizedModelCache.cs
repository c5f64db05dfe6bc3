using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Realtime.Onnx;

/// <summary>
/// Saved optimized models: ONNX Runtime optimizes a graph (constant folding, fusions, layout
/// changes) every time a session is created from the original file; saved once
/// (<c>SessionOptions.OptimizedModelFilePath</c>), the optimized graph loads with optimizations
/// turned off, which shortens cold start. The file name carries the original's SHA-256, ORT's
/// version and the CPU architecture, because a graph optimized at the highest level may use
/// kernels of this machine's CPU and ORT version only.
/// </summary>
public static class OptimizedModelCache
{
    /// <summary>The cache folder when none is given: out/ort-cache under the working folder.</summary>
    public static readonly string DefaultDir = Path.Combine("out", "ort-cache");

    /// <summary>
    /// The cached file for <paramref name="modelPath"/> (it may not exist yet); a graph saved at a
    /// level below every optimization carries the level in its name, so levels never share a file.
    /// <paramref name="modelSha256"/> is the model's SHA-256 when the caller has it already (hashed
    /// while ONNX Runtime starts); null hashes the file now.
    /// </summary>
    public static string PathFor(string modelPath, string cacheDir, SavedModelFormat format, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL, string? modelSha256 = null)
    {
        string sha = (modelSha256 ?? ModelFile.Sha256(modelPath))[..16];
        string version = OrtEnv.Instance().GetVersionString();
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string ext = format == SavedModelFormat.Ort ? "ort" : "onnx";
        string tag = level == GraphOptimizationLevel.ORT_ENABLE_ALL ? "" : "-" + OnnxSessionSettings.GraphOptimizationName(level);
        return Path.Combine(Path.GetFullPath(cacheDir), $"{Path.GetFileNameWithoutExtension(modelPath)}.{sha}.ort{version}.{arch}.optimized{tag}.{ext}");
    }

    /// <summary>
    /// Returns the cached optimized model for <paramref name="modelPath"/>, writing it first when it
    /// is missing (a session at the settings' optimization level saves its graph; the file is written
    /// under a temporary name and renamed, so a reader never sees half of it).
    /// </summary>
    public static string Ensure(string modelPath, string cacheDir, SavedModelFormat format, OnnxSessionSettings settings, string? modelSha256 = null)
    {
        string target = PathFor(modelPath, cacheDir, format, settings.GraphOptimization, modelSha256);
        if (File.Exists(target)) return target;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string ext = format == SavedModelFormat.Ort ? ".ort" : ".onnx";
        // Per thread as well as per process: a graph's model nodes load concurrently, and two may name one model.
        string temp = target[..^ext.Length] + $".tmp{Environment.ProcessId}-{Environment.CurrentManagedThreadId}{ext}";
        using (var options = settings.CreateSessionOptions())
        {
            options.EnableProfiling = false;
            options.OptimizedModelFilePath = temp;
            if (format == SavedModelFormat.Ort) options.AddSessionConfigEntry("session.save_model_format", "ORT");
            try
            {
                using var session = new InferenceSession(modelPath, options);
            }
            catch (OnnxRuntimeException ex)
            {
                File.Delete(temp);
                throw new InvalidDataException($"{modelPath}: ONNX Runtime cannot load the model to save its optimized form: {ex.Message}", ex);
            }
        }
        File.Move(temp, target, overwrite: true);
        return target;
    }
}
