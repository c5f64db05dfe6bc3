using System;
using System.IO;
using System.Linq;

namespace Realtime.EndToEnd.Tests;

/// <summary>Writes a bundle with the published rtapp and unpacks it, as a board would receive it.</summary>
public static class Bundles
{
    /// <summary>Bundles into <paramref name="outDir"/> and unpacks there; returns the unpacked bundle folder.</summary>
    public static string Make(string outDir, out RtappResult result, params string[] args)
    {
        result = Rtapp.Run(TimeSpan.FromMinutes(3), new[] { "bundle", "--out", outDir }.Concat(args).ToArray());
        Assert.True(result.ExitCode == 0, result.ToString());
        string tarball = result.Stdout.Split('\n').Single(l => l.StartsWith("bundle: ", StringComparison.Ordinal))["bundle: ".Length..].Split(" (")[0];
        Assert.True(File.Exists(tarball), tarball);
        string unpacked = Path.Combine(outDir, "unpacked");
        Directory.CreateDirectory(unpacked);
        var tar = Rtapp.Exec("tar", TimeSpan.FromMinutes(2), null, "-xzf", tarball, "-C", unpacked);
        Assert.True(tar.ExitCode == 0, tar.ToString());
        // The staging folder beside the tarball is what was packed; the unpacked copy is what is tested.
        Directory.Delete(Path.Combine(outDir, Path.GetFileName(tarball)[..^".tar.gz".Length]), recursive: true);
        return Assert.Single(Directory.GetDirectories(unpacked));
    }

    /// <summary>The unit's directive lines (no comments, no blank lines).</summary>
    public static string[] UnitLines(string bundle, string unit) =>
        File.ReadAllLines(Path.Combine(bundle, "systemd", unit)).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    /// <summary>`systemd-analyze security --offline=true`'s overall exposure of a unit file (0 safest, 10 worst).</summary>
    public static double Exposure(string unitFile)
    {
        var r = Rtapp.Exec("systemd-analyze", TimeSpan.FromMinutes(1), null, "security", "--offline=true", "--no-pager", unitFile);
        string line = r.Stdout.Split('\n').Single(l => l.Contains("Overall exposure level for", StringComparison.Ordinal));
        string figure = line[(line.LastIndexOf(':') + 1)..].Trim().Split(' ')[0];
        return double.Parse(figure, System.Globalization.CultureInfo.InvariantCulture);
    }
}
