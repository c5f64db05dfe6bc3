using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.IO;

namespace Realtime.Linux;

/// <summary>
/// The board's thermal zones (<c>/sys/class/thermal/thermal_zone*</c>), found once and each zone's
/// <c>temp</c> kept open (<see cref="KeptFile"/>): a reading is one pread at offset 0 (sysfs shows the
/// value afresh) into a stack buffer, so a sampler or a scrape that reads them for months allocates nothing.
/// </summary>
public sealed class ThermalZones : IDisposable
{
    private readonly KeptFile[] _temps;

    private ThermalZones(string[] zones, string[] types, KeptFile[] temps)
    {
        Zones = zones;
        Types = types;
        _temps = temps;
    }

    /// <summary>Zones found (0 on a machine without any, such as most virtual machines).</summary>
    public int Count => _temps.Length;
    /// <summary>Each zone's name (<c>thermal_zone0</c>).</summary>
    public IReadOnlyList<string> Zones { get; }
    /// <summary>Each zone's type as the driver names it (<c>cpu-thermal</c>, <c>x86_pkg_temp</c>).</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Finds the zones under <paramref name="root"/> whose temperature can be read.</summary>
    public static ThermalZones Open(string root = "/sys/class/thermal")
    {
        var zones = new List<string>();
        var types = new List<string>();
        var temps = new List<KeptFile>();
        if (Directory.Exists(root))
        {
            string[] dirs = Directory.GetDirectories(root, "thermal_zone*");
            Array.Sort(dirs, StringComparer.Ordinal);
            foreach (string dir in dirs)
            {
                var temp = new KeptFile(Path.Combine(dir, "temp"));
                if (!temp.Exists) continue;
                string type;
                try { type = File.ReadAllText(Path.Combine(dir, "type")).Trim(); }
                catch (IOException) { type = ""; }
                catch (UnauthorizedAccessException) { type = ""; }
                zones.Add(Path.GetFileName(dir));
                types.Add(type);
                temps.Add(temp);
            }
        }
        return new ThermalZones(zones.ToArray(), types.ToArray(), temps.ToArray());
    }

    /// <summary>Zone <paramref name="index"/>'s temperature in °C now; NaN when it cannot be read (a sensor that fails).</summary>
    public double ReadCelsius(int index)
    {
        ReadOnlySpan<byte> text = _temps[index].Read(stackalloc byte[32]);
        return !text.IsEmpty && Utf8Parser.TryParse(text, out long milli, out _) ? milli / 1000.0 : double.NaN;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (KeptFile t in _temps) t.Dispose();
    }
}
