using System;
using System.IO;
using System.Security.Cryptography;

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

    /// <summary>Null when the file matches, else a sentence saying how it differs.</summary>
    public static string? Mismatch(string path, string expectedSha256)
    {
        string actual = Sha256(path);
        return string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"SHA-256 of {path} is {actual}, the profile pins {expectedSha256.ToLowerInvariant()} (size {new FileInfo(path).Length} bytes): wrong, truncated or corrupted model";
    }
}
