using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;

namespace Realtime.Onnx;

/// <summary>Model file integrity: the profile pins a SHA-256, checked before anything moves.</summary>
public static class ModelFile
{
    /// <summary>The file's SHA-256, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Hashes = new();

    /// <summary>
    /// The file's SHA-256 for a report: computed once per file (a continuous run writes many reports),
    /// again when its size or time changes; null when it cannot be computed (no libssl, file gone).
    /// </summary>
    public static string? Sha256ForReport(string path)
    {
        try
        {
            if (Sha256Unavailable() is not null) return null;
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), key => Sha256(key.Path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The loaded ONNX Runtime's version (call only once a model is loaded: it loads the library otherwise).</summary>
    public static string RuntimeVersion() => Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Null when this machine can compute SHA-256, else why not. On Linux .NET hashes through
    /// OpenSSL, loaded on first use; without libssl the process would abort there with no way to
    /// catch it, so the check runs first.
    /// </summary>
    public static string? Sha256Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return null;
        if (Volatile.Read(ref _sslFound)) return null;
        // The library found stays loaded (and the answer is kept): .NET's hashing loads it next, and
        // freeing it here would unmap it only for that load to map and relocate it again, on the
        // model's way to its session.
        foreach (string name in new[] { "libssl.so.3", "libssl.so.1.1", "libssl.so.10", "libssl.so" })
        {
            if (!NativeLibrary.TryLoad(name, out _)) continue;
            Volatile.Write(ref _sslFound, true);
            return null;
        }
        return "cannot check the pinned SHA-256 on this machine: .NET computes SHA-256 through OpenSSL, and no libssl " +
            "(libssl.so.3 or libssl.so.1.1) is installed (Debian/Ubuntu: apt-get install libssl3); the model is refused until it can be checked";
    }

    private static bool _sslFound;

    /// <summary>Null when the file matches, else a sentence saying how it differs (or why it cannot be checked).</summary>
    public static string? Mismatch(string path, string expectedSha256)
    {
        if (Sha256Unavailable() is string why) return why;
        string actual = Sha256(path);
        return string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"SHA-256 of {path} is {actual}, the profile pins {expectedSha256.ToLowerInvariant()} (size {new FileInfo(path).Length} bytes): wrong, truncated or corrupted model";
    }
}
