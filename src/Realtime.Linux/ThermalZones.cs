using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.IO;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// The board's thermal zones (<c>/sys/class/thermal/thermal_zone*</c>), found once and each zone's
/// <c>temp</c> kept open: a reading is one pread at offset 0 (sysfs shows the value afresh) into a
/// stack buffer, so a sampler or a scrape that reads them for months allocates nothing.
/// </summary>
public sealed unsafe class ThermalZones : IDisposable
{
    private readonly int[] _fds;

    private ThermalZones(string[] zones, string[] types, int[] fds)
    {
        Zones = zones;
        Types = types;
        _fds = fds;
    }

    /// <summary>Zones found (0 on a machine without any, such as most virtual machines).</summary>
    public int Count => _fds.Length;
    /// <summary>Each zone's name (<c>thermal_zone0</c>).</summary>
    public IReadOnlyList<string> Zones { get; }
    /// <summary>Each zone's type as the driver names it (<c>cpu-thermal</c>, <c>x86_pkg_temp</c>).</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Finds the zones under <paramref name="root"/> whose temperature can be read.</summary>
    public static ThermalZones Open(string root = "/sys/class/thermal")
    {
        var zones = new List<string>();
        var types = new List<string>();
        var fds = new List<int>();
        if (Directory.Exists(root))
        {
            string[] dirs = Directory.GetDirectories(root, "thermal_zone*");
            Array.Sort(dirs, StringComparer.Ordinal);
            foreach (string dir in dirs)
            {
                int fd = Libc.open(Path.Combine(dir, "temp"), Libc.O_RDONLY | Libc.O_CLOEXEC);
                if (fd < 0) continue;
                string type;
                try { type = File.ReadAllText(Path.Combine(dir, "type")).Trim(); }
                catch (IOException) { type = ""; }
                catch (UnauthorizedAccessException) { type = ""; }
                zones.Add(Path.GetFileName(dir));
                types.Add(type);
                fds.Add(fd);
            }
        }
        return new ThermalZones(zones.ToArray(), types.ToArray(), fds.ToArray());
    }

    /// <summary>Zone <paramref name="index"/>'s temperature in °C now; NaN when it cannot be read (a sensor that fails).</summary>
    public double ReadCelsius(int index)
    {
        int fd = _fds[index];
        if (fd < 0) return double.NaN;
        byte* buffer = stackalloc byte[32];
        nint n = Libc.pread(fd, buffer, 32, 0);
        if (n <= 0) return double.NaN;
        var text = new ReadOnlySpan<byte>(buffer, (int)n);
        return Utf8Parser.TryParse(text, out long milli, out _) ? milli / 1000.0 : double.NaN;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int i = 0; i < _fds.Length; i++)
        {
            if (_fds[i] >= 0) Libc.close(_fds[i]);
            _fds[i] = -1;
        }
    }
}
