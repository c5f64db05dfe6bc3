using System;
using System.Globalization;
using System.Net;

namespace Realtime.Onnx.Offload;

/// <summary>
/// Where an offloaded model is served: a KServe v2 model's URL,
/// <c>http://HOST:PORT/v2/models/NAME</c> (optionally <c>/versions/V</c>). The host is an IP
/// address or <c>localhost</c>: a loop resolves no name at run time (a DNS lookup has no bound).
/// </summary>
public sealed record OffloadTarget(IPEndPoint Endpoint, string Authority, string Model, string? Version)
{
    /// <summary>The path a request for inference is posted to.</summary>
    public string InferPath => Version is null ? $"/v2/models/{Model}/infer" : $"/v2/models/{Model}/versions/{Version}/infer";

    /// <summary>Parses <paramref name="url"/>; null with the problem in words when it is not such a URL.</summary>
    public static OffloadTarget? Parse(string url, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(url);
        problem = null;
        const string scheme = "http://";
        if (!url.StartsWith(scheme, StringComparison.Ordinal))
            return Fail(out problem, $"'{url}' is not http://HOST:PORT/v2/models/NAME (only plain http is spoken)");
        string rest = url[scheme.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash < 0 ? rest : rest[..slash];
        string path = slash < 0 ? "" : rest[slash..];
        int colon = authority.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            return Fail(out problem, $"'{url}' names no port (http://HOST:PORT/v2/models/NAME)");
        string host = authority[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        IPAddress? address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var a) ? a : null;
        if (address is null)
            return Fail(out problem, $"'{host}' is not an IP address or localhost (a loop resolves no name: its lookup has no time bound)");
        string[] parts = path.Trim('/').Split('/');
        bool plain = parts.Length == 3, versioned = parts.Length == 5 && parts[3] == "versions";
        if (!(plain || versioned) || parts[0] != "v2" || parts[1] != "models" || !Token(parts[2]) || (versioned && !Token(parts[4])))
            return Fail(out problem, $"'{url}': the path is not /v2/models/NAME or /v2/models/NAME/versions/V");
        return new OffloadTarget(new IPEndPoint(address, port), authority, parts[2], versioned ? parts[4] : null);
    }

    // A model name or version travels in a request line: letters, digits, '-', '_', '.'.
    private static bool Token(string s)
    {
        if (s.Length == 0 || s.Length > 128) return false;
        foreach (char c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        return true;
    }

    private static OffloadTarget? Fail(out string? problem, string what)
    {
        problem = what;
        return null;
    }
}
