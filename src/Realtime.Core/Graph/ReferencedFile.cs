using System.Collections.Generic;

namespace Realtime.Core.Graph;

/// <summary>
/// A file a node's configuration references: <paramref name="Field"/> is the config field that
/// names it (for messages), <paramref name="Path"/> the path as the profile gives it (relative to
/// the assets folder, or absolute). What <c>rtapp bundle</c> packs for a graph application; a
/// <paramref name="Device"/> (a camera's node under /dev) is not packed but opened on the board:
/// what the bundle's unit allows (<c>DeviceAllow=</c>) and its install checks.
/// </summary>
public readonly record struct ReferencedFile(string Field, string Path, bool Device = false)
{
    /// <summary>The declaration of a type whose files are the text of config fields <paramref name="names"/> (those given).</summary>
    public static FileReferences Fields(params string[] names) => config =>
    {
        var files = new List<ReferencedFile>();
        foreach (string name in names)
            if (config.Text(name, "") is { Length: > 0 } path) files.Add(new ReferencedFile($"{config.Field}.{name}", path));
        return files;
    };
}

/// <summary>
/// The files a component's configuration references (its model, its recording, the labels beside
/// it), read from the configuration alone: nothing is loaded or opened. A type registers it beside
/// its factory (<see cref="ComponentRegistry.Register"/>); a type without one references no file.
/// </summary>
public delegate IReadOnlyList<ReferencedFile> FileReferences(NodeConfig config);
