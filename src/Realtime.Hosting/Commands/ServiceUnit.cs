using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;

namespace Realtime.Hosting.Commands;

/// <summary>
/// The systemd unit a bundle installs: the loop as a dedicated, unprivileged user that holds only
/// the two capabilities a real-time loop needs (CAP_SYS_NICE for SCHED_FIFO and affinity,
/// CAP_IPC_LOCK for mlockall), with its limits, cores and watchdog taken from the profile.
/// </summary>
internal static class ServiceUnit
{
    public static string UnitName(BoardProfile p) => $"rtapp-{p.Name}.service";

    public static string StateDirectory(BoardProfile p) => $"rtapp-{p.Name}";

    /// <summary>The highest SCHED_FIFO priority any of the profile's threads asks for.</summary>
    public static int MaxPriority(BoardProfile p)
    {
        int max = p.Threads.Pipeline.Priority;
        foreach (var t in new[] { p.Threads.Capture, p.Threads.Watchdog, p.Threads.Telemetry })
            if (t is not null) max = Math.Max(max, t.Priority);
        return max;
    }

    /// <summary>
    /// The cores the process starts on: those of the capture, watchdog and telemetry threads when
    /// the profile plans them, else the board's cores minus the isolated ones. The pipeline thread
    /// moves itself to its isolated core; nothing else should land there. Empty: no restriction.
    /// </summary>
    public static SortedSet<int> ProcessCores(BoardProfile p)
    {
        var cores = new SortedSet<int>();
        foreach (var t in new[] { p.Threads.Capture, p.Threads.Watchdog, p.Threads.Telemetry })
            if (t is not null) cores.UnionWith(t.Cores);
        if (cores.Count > 0 || p.CpuCores <= 0) return cores;
        var isolated = p.Kernel is { } k ? KernelCmdline.Cpus(k.Cmdline, "isolcpus") : null;
        if (isolated is null) return cores;
        for (int c = 0; c < p.CpuCores; c++) if (!isolated.Contains(c)) cores.Add(c);
        return cores;
    }

    /// <summary>
    /// The device nodes the loop opens, each as the unit's <c>DeviceAllow=</c> names it (a path, or a
    /// device group from /proc/devices), with its access: exactly what the profile names, and
    /// /dev/cpu_dma_latency for the latency hold. A graph's own device nodes (a camera's) come from
    /// its node types' file declarations (<see cref="ComponentRegistry.Files"/>). Everything else in /dev stays closed. The device
    /// groups an application's nodes open are read from its graph's node types (<c>gpio-relay</c>: the
    /// GPIO chips, <c>alsa-capture</c>: the sound cards), on a real board only.
    /// </summary>
    public static List<(string Device, string Access)> Devices(BoardProfile p, ComponentRegistry components)
    {
        var list = new List<(string, string)> { ("/dev/cpu_dma_latency", "rw") };
        void Add(string device, string access)
        {
            foreach (var (d, _) in list) if (d == device) return;
            list.Add((device, access));
        }
        // The device nodes the graph's nodes declare (a v4l2-camera's), as their types declare their files.
        foreach (var device in GraphDevices(p, components)) Add(device.Path, "rw");
        foreach (var s in p.Sensors) Add(s.Device, "rw");
        if (p.Watchdog.HardwareDevice is string wd) Add(wd, "w");
        if (!p.Simulated && p.App is { } app)
        {
            if (HasNode(app, "gpio-relay")) Add("char-gpiochip", "rw"); // a relay's line, through the GPIO character device
            if (HasNode(app, "alsa-capture")) Add("char-alsa", "rw");
        }
        return list;
    }

    /// <summary>The device nodes the graph's nodes open (a v4l2-camera's), as their types declare them.</summary>
    internal static List<ReferencedFile> GraphDevices(BoardProfile p, ComponentRegistry components)
    {
        var devices = new List<ReferencedFile>();
        if (p.App is { } app)
            foreach (var file in components.Files(app))
                if (file.Device) devices.Add(file);
        return devices;
    }

    private static bool HasNode(AppProfile app, string type)
    {
        foreach (var n in app.Nodes) if (n.Type == type) return true;
        return false;
    }

    /// <summary>
    /// A value that goes into a unit as is (paths, names, arguments): only characters that neither
    /// systemd's parser nor its specifier and quoting rules give a meaning to. Callers have validated
    /// every value and name the field; this is the last line that keeps a unit from being rewritten.
    /// </summary>
    internal static string Word(string value)
    {
        if (value.Length == 0) throw new ArgumentException("an empty value cannot go into the unit");
        foreach (char ch in value)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '_' or '-' or ':' or '+' or '@'))
                throw new ArgumentException($"'{value}' has a character a systemd unit cannot take as is");
        return value;
    }

    /// <summary>Free text for a comment or a description: printable ASCII only (no line breaks, no backslash), and '%' doubled so systemd expands no specifier.</summary>
    internal static string Text(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char ch in value)
        {
            if (ch == '%') sb.Append("%%");
            else if (ch >= 0x20 && ch < 0x7F && ch != '\\') sb.Append(ch);
            else sb.Append('?');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The unit of <paramref name="p"/>; with several applications (<paramref name="loops"/>: each loop's name and
    /// resolved profile), the devices every loop opens are allowed and the description names the loops.
    /// </summary>
    public static string Render(BoardProfile p, ComponentRegistry components, string profileSource, string prefix, string version,
        IReadOnlyList<(string Name, string Demo, BoardProfile Profile)>? loops = null)
    {
        var c = CultureInfo.InvariantCulture;
        string state = Word(StateDirectory(p));
        string bin = Word(prefix) + "/bin/rtapp";
        string boardFile = $"{Word(prefix)}/boards/{Word(p.Name)}.json";
        var cores = ProcessCores(p);
        var sb = new StringBuilder();
        sb.Append(c, $"# Generated by rtapp {Text(version)} bundle from {Text(profileSource)}; installed by the bundle's install.sh.\n");
        sb.Append("# Edit the profile and bundle again rather than this file.\n");
        sb.Append("[Unit]\n");
        string what = GraphApplication.Composes(p) ? GraphApplication.NameFor(p) : p.Demo;
        if (loops is not null)
        {
            var names = new List<string>();
            foreach (var l in loops) names.Add($"{l.Name} ({l.Demo})");
            what = $"{loops.Count} loops, {string.Join(", ", names)},";
        }
        sb.Append(c, $"Description={Text($"Realtime closed {(loops is null ? "loop" : "loops")}: {what} on {p.Name} (rtapp {version})")}\n");
        sb.Append("After=local-fs.target\n");
        sb.Append("StartLimitIntervalSec=120\n");
        sb.Append("StartLimitBurst=5\n");
        sb.Append('\n');
        sb.Append("[Service]\n");
        sb.Append("# rtapp says READY=1 once the model is loaded and the loop wired, then WATCHDOG=1 only while frames advance.\n");
        sb.Append("Type=notify\n");
        sb.Append("NotifyAccess=main\n");
        sb.Append(c, $"User={Word(p.Service.User)}\n");
        sb.Append(c, $"Group={Word(p.Service.User)}\n");
        // Continuous: until systemd stops it (SIGTERM: final report); interval reports go to $STATE_DIRECTORY, which StateDirectory= sets.
        sb.Append(c, $"ExecStart={bin} run --board {boardFile} --assets {Word(prefix)}/assets --report /var/lib/{state}/report.json --frames 0\n");
        sb.Append("# systemctl reload: a report now, the run goes on.\n");
        sb.Append("ExecReload=/bin/kill -HUP $MAINPID\n");
        sb.Append("# However the loop ended (a clean stop, a crash, SIGKILL, the watchdog), the outputs go to their safe values.\n");
        // Only the outputs are opened (of an app graph, its sinks alone): no model or video, so no assets folder is needed.
        sb.Append(c, $"ExecStopPost={bin} safe --board {boardFile} --quiet\n");
        sb.Append(c, $"StateDirectory={state}\n");
        sb.Append(c, $"WorkingDirectory=/var/lib/{state}\n");
        sb.Append("# Real-time without root: SCHED_FIFO and core pinning (CAP_SYS_NICE), mlockall (CAP_IPC_LOCK).\n");
        sb.Append("AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK\n");
        sb.Append("CapabilityBoundingSet=CAP_SYS_NICE CAP_IPC_LOCK\n");
        sb.Append("NoNewPrivileges=yes\n");
        sb.Append(c, $"LimitRTPRIO={MaxPriority(p)}\n");
        sb.Append("LimitMEMLOCK=infinity\n");
        if (cores.Count > 0)
        {
            sb.Append(c, $"# The process starts on the housekeeping cores; the pipeline thread moves itself to core(s) {KernelCmdline.Format(p.Threads.Pipeline.Cores)}.\n");
            sb.Append(c, $"CPUAffinity={string.Join(' ', cores)}\n");
        }
        if (p.Service.WatchdogSec > 0) sb.Append(c, $"WatchdogSec={p.Service.WatchdogSec}\n");
        sb.Append("Restart=on-failure\n");
        sb.Append("# Exit 2 is bad input (profile, model, device): restarting cannot fix it.\n");
        sb.Append("RestartPreventExitStatus=2\n");
        sb.Append(c, $"RestartSec={p.Service.RestartSec}\n");
        sb.Append("TimeoutStartSec=60\n");
        sb.Append("TimeoutStopSec=10\n");
        sb.Append("# Sandbox: the whole tree read-only but the state folder; no network; only the system calls, devices\n");
        sb.Append("# and kernel interfaces the loop uses. /sys stays writable for sysfs PWM (no ProtectKernelTunables);\n");
        sb.Append("# /dev is the host's behind an allow-list (PrivateDevices would hide the camera, the watchdog and\n");
        sb.Append("# /dev/cpu_dma_latency). RestrictRealtime stays off: SCHED_FIFO is the point.\n");
        sb.Append("ProtectSystem=strict\n");
        sb.Append("ProtectHome=yes\n");
        sb.Append("PrivateTmp=yes\n");
        sb.Append("PrivateMounts=yes\n");
        sb.Append("PrivateNetwork=yes\n");
        sb.Append("RestrictAddressFamilies=AF_UNIX\n");
        sb.Append("IPAddressDeny=any\n");
        sb.Append("ProtectKernelModules=yes\n");
        sb.Append("ProtectKernelLogs=yes\n");
        sb.Append("ProtectControlGroups=yes\n");
        sb.Append("ProtectClock=yes\n");
        sb.Append("ProtectHostname=yes\n");
        sb.Append("ProtectProc=invisible\n");
        sb.Append("LockPersonality=yes\n");
        sb.Append("RestrictNamespaces=yes\n");
        sb.Append("RestrictSUIDSGID=yes\n");
        sb.Append("RemoveIPC=yes\n");
        sb.Append("KeyringMode=private\n");
        sb.Append("SystemCallArchitectures=native\n");
        sb.Append("SystemCallFilter=@system-service\n");
        sb.Append("# A refused call fails with EPERM (rtapp notes it and goes on) instead of killing the loop.\n");
        sb.Append("SystemCallErrorNumber=EPERM\n");
        sb.Append("UMask=0077\n");
        sb.Append("DevicePolicy=closed\n");
        var allowed = Devices(p, components);
        if (loops is not null)
            foreach (var l in loops)
                foreach (var d in Devices(l.Profile, components))
                    if (!allowed.Contains(d)) allowed.Add(d);
        foreach (var (device, access) in allowed) sb.Append(c, $"DeviceAllow={Word(device)} {access}\n");
        sb.Append('\n');
        sb.Append("[Install]\n");
        sb.Append("WantedBy=multi-user.target\n");
        return sb.ToString();
    }
}
