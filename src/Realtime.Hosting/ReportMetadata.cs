using System.Collections.Generic;
using Realtime.Core.Reporting;
using Realtime.Onnx;

namespace Realtime.Hosting;

/// <summary>
/// What makes two reports comparable beyond the machine (<see cref="Realtime.Linux.MachineFacts"/>
/// fills host, CPU model and kernel): the commit, ONNX Runtime's version and each model's SHA-256.
/// </summary>
public static class ReportMetadata
{
    /// <summary>Stamps <paramref name="report"/> with the build's commit and, when models ran, the runtime's version and each model file's hash.</summary>
    public static void Stamp(RunReport report, string? commit, IEnumerable<string> modelPaths)
    {
        report.Commit = commit;
        Dictionary<string, string>? hashes = null;
        bool anyModel = false;
        foreach (string path in modelPaths)
        {
            anyModel = true;
            if (ModelFile.Sha256ForReport(path) is not string sha) continue;
            hashes ??= new Dictionary<string, string>(System.StringComparer.Ordinal);
            hashes[System.IO.Path.GetFileName(path)] = sha;
        }
        report.ModelSha256 = hashes;
        // A model was loaded, so the runtime is: asking for its version loads nothing new.
        if (anyModel) report.OnnxruntimeVersion = ModelFile.RuntimeVersion();
    }

    /// <summary>The files of an application's models.</summary>
    public static IEnumerable<string> Paths(IReadOnlyList<ApplicationModel> models)
    {
        foreach (var m in models) yield return m.Path;
    }
}
