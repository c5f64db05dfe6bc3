using System;
using System.IO;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>Where a component's file setting points, checked before anything reads it.</summary>
public static class ComponentFiles
{
    /// <summary>
    /// The full path of <paramref name="path"/>: absolute as given; relative, in the context's assets
    /// folder when it is there, else beside the profile. It must be a regular file of at most
    /// <paramref name="maxBytes"/>; otherwise a problem names <paramref name="field"/> and "" is returned.
    /// </summary>
    public static string Resolve(string path, ComponentContext context, NodeConfig config, string field, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(config);
        if (path.IndexOf('\0') >= 0) { config.Problem(field, "contains a NUL character"); return ""; }
        string full;
        if (Path.IsPathRooted(path)) full = path;
        else
        {
            string? inAssets = context.AssetsDirectory is { Length: > 0 } a ? Path.Combine(a, path) : null;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(context.Source));
            full = inAssets is not null && Path.Exists(inAssets) ? inAssets : Path.Combine(dir ?? ".", path);
        }
        try { full = Path.GetFullPath(full); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            config.Problem(field, $"'{path}' is not a usable path");
            return "";
        }
        if (Directory.Exists(full)) { config.Problem(field, $"{full} is a folder, not a file"); return ""; }
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            config.Problem(field, $"{full}: no such file" + (context.AssetsDirectory is null && !Path.IsPathRooted(path) ? " (no assets folder was found)" : ""));
            return "";
        }
        try
        {
            // A link is followed to what it names: only that is checked and read.
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
        }
        catch (IOException ex)
        {
            config.Problem(field, $"{full} cannot be followed: {ex.Message}");
            return "";
        }
        // Devices, FIFOs, sockets and /proc files report size 0 (a FIFO would block in open()).
        if (info.Length == 0) { config.Problem(field, $"{full} is empty or not a regular file (a device, FIFO or /proc file)"); return ""; }
        if (info.Length > maxBytes) { config.Problem(field, $"{full} is {info.Length} bytes; at most {maxBytes} are read"); return ""; }
        return full;
    }
}
