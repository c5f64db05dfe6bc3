using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Onnx;
using Realtime.Onnx.Components;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp bundle</c>: one tarball a board installs from: the binary and its native libraries
/// (found through the binary's <c>$ORIGIN</c> rpath), the resolved profile, the model (its pinned
/// SHA-256 checked here), a systemd unit, <c>install.sh</c> and a SHA-256 manifest of it all.
/// </summary>
// A bundle is for a Linux board, made on Linux: Unix file modes are always there.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BundleCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "bundle";

    /// <inheritdoc/>
    public override string Description => "Writes a board's install tarball: binary, native libraries, profile, model, systemd unit, install.sh.";

    /// <inheritdoc/>
    public override string? Notes => """
        --binary: the folder with the binary for the board's arch (default: this one, or out/rtapp-linux-arm64
        beside it for arm64 boards). --sign-key: sign MANIFEST.sha256 with ssh-keygen -Y sign (namespace
        rtapp-bundle); install.sh --trust FILE verifies it.
        """;

    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile the bundle is for (required).");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable).");
    private readonly Option<string> _binary = HostOptions.Text("--binary", "DIR", "The folder with the binary for the board's arch.");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<string> _out = HostOptions.Text("--out", "DIR", "Where the tarball goes (default: the working folder).");
    private readonly Option<string> _prefix = HostOptions.Text("--prefix", "/opt/rtapp/NAME", "Where install.sh puts it on the board.");
    private readonly Option<string> _signKey = HostOptions.Text("--sign-key", "SSH_PRIVATE_KEY", "Sign the manifest with this key.");

    /// <inheritdoc/>
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "The application the bundle runs (default: the profile's); a graph application's entry under demos is merged in.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _board, _set, _demo, _binary, _assets, _out, _prefix, _signKey };

    /// <summary>The namespace bundle signatures are made in (ssh-keygen -Y sign -n), so no other signature of the same key passes.</summary>
    public const string SignatureNamespace = "rtapp-bundle";

    // OpenCvNative.LibraryFile: the name component types over OpenCV declare (the host does not take Vision).
    private const string OpenCvLibrary = "libOpenCvSharpExtern.so";

    private RealtimeHost _host = null!;

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        _host = host;
        try
        {
            return Bundle(cl);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // ArgumentException: a value the unit cannot take (ServiceUnit.Word), should a check before it ever miss one.
            throw new UsageException($"bundle: {ex.Message}");
        }
    }

    private int Bundle(ParseResult cl)
    {
        string board = cl.GetValue(_board) ?? throw new UsageException("bundle needs --board NAME|FILE.json");
        string? demo = cl.GetValue(_demo);
        if (demo is not null && !_host.Applications.Has(demo)) throw new UsageException(_host.Applications.Unknown(demo));
        var (json, profile, source) = ProfileCatalog.Resolve(board, cl.GetValue(_set) ?? [], demo, _host);
        // Several applications (apps[]): the resolved profile ships whole (apps[] and their demos entries), and each
        // loop's own resolved profile says what it needs: its files packed, its devices allowed, its values checked.
        List<AppLoop>? loops = demo is null && AppSet.Runs(profile) ? AppSet.Load(_host, board, cl.GetValue(_set) ?? [], profile, source) : null;
        if (!IsSafeName(profile.Name))
            throw new ProfileException(source, new[] { $"name: '{MessageText.Shown(profile.Name)}' cannot name a bundle and a service: use lower-case letters, digits, '.', '_' or '-'" });
        // The demo names the outputs `rtapp safe` drives and goes into the unit's description: it must be one rtapp knows
        // (a profile's own graph names its outputs itself).
        if (loops is null && !GraphApplication.Composes(profile) && !_host.Applications.Has(profile.Demo))
            throw new ProfileException(source, new[] { $"demo: {_host.Applications.Unknown(profile.Demo)}" });
        CheckServiceValues(profile, _host.Components, source);
        if (loops is not null)
            foreach (var l in loops) InLoop(l, source, () => CheckServiceValues(l.Profile, _host.Components, source));

        string hostArch = HostArch();
        string arch = profile.Arch ?? hostArch;
        string prefix = cl.GetValue(_prefix) ?? $"/opt/rtapp/{profile.Name}";
        if (!prefix.StartsWith('/') || prefix.Length < 2 || !IsSafePath(prefix))
            throw new UsageException($"--prefix must be an absolute path of letters, digits, '/', '.', '_' or '-', got '{prefix}'");
        prefix = prefix.TrimEnd('/');
        if (PrefixProblem(prefix) is string prefixProblem) throw new UsageException($"--prefix {prefix}: {prefixProblem}");
        string? signKey = cl.GetValue(_signKey);
        if (signKey is not null && !File.Exists(signKey)) throw new UsageException($"--sign-key {signKey}: no such file (an SSH private key, as ssh-keygen -Y sign takes)");

        string binaryDir = FindBinaryDir(cl.GetValue(_binary), arch, hostArch, profile.Name);
        string? assets = AssetLocator.Find(cl.GetValue(_assets));
        string outDir = Path.GetFullPath(cl.GetValue(_out) ?? ".");

        // Assets: every file the graph's nodes name (models, videos, recordings), as their types declare
        // them, at the same relative paths; each model checked against its pin now rather than on the board.
        // Only files inside the assets folder are packed: a profile cannot ship /etc/shadow or a key as its "model".
        var assetFiles = new List<(string Relative, string Full)>();
        var shipped = new List<BoardProfile>();
        if (loops is null) shipped.Add(profile);
        else foreach (var l in loops) shipped.Add(l.Profile);
        for (int i = 0; i < shipped.Count; i++)
        {
            var p = shipped[i];
            void Add() => AddGraphAssets(p, _host.Components, new ProfileAssets(p, source, assets), assetFiles);
            if (loops is null) Add();
            else InLoop(loops[i], source, Add);
        }
        // OpenCV ships only where a node's type declares it loads it (a video file's source, a rendered camera).
        bool needsOpenCv = false;
        foreach (var p in shipped)
            if (p.App is { } graph)
                foreach (string library in _host.Components.NativeLibraries(graph)) needsOpenCv |= library == OpenCvLibrary;
        // Several applications ship as composed (extends resolved, demos and apps kept): each loop resolves from it on the board.
        if (loops is not null) json = ProfileCatalog.Composition(board, cl.GetValue(_set) ?? [], _host);
        string profileText = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        ProfileLoader.Parse(profileText, $"bundled {profile.Name}.json"); // what ships must load

        string bundleName = $"rtapp-{profile.Name}-{_host.Version}-linux-{arch}";
        string stage = Path.Combine(outDir, bundleName);
        if (Directory.Exists(stage)) Directory.Delete(stage, recursive: true);
        Directory.CreateDirectory(stage);

        // bin/: the binary and the native libraries beside it ($ORIGIN rpath).
        string bin = Directory.CreateDirectory(Path.Combine(stage, "bin")).FullName;
        CopyFile(Path.Combine(binaryDir, "rtapp"), Path.Combine(bin, "rtapp"));
        var libraries = new List<string>();
        foreach (string so in Directory.GetFiles(binaryDir, "*.so"))
        {
            string name = Path.GetFileName(so);
            if (name == OpenCvLibrary && !needsOpenCv) continue;
            CopyFile(so, Path.Combine(bin, name));
            libraries.Add(name);
        }
        libraries.Sort(StringComparer.Ordinal);
        if (needsOpenCv && !libraries.Contains(OpenCvLibrary))
            Log.Warning("note", $"{profile.Name} has a node that loads OpenCV (a video file's source, a rendered camera), and there is no {OpenCvLibrary} for linux-{arch}: the bundle installs, but its demo stops with that message");

        Directory.CreateDirectory(Path.Combine(stage, "boards"));
        File.WriteAllText(Path.Combine(stage, "boards", profile.Name + ".json"), profileText);
        foreach (var (relative, full) in assetFiles)
        {
            string dest = Path.Combine(stage, "assets", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            CopyFile(full, dest);
        }

        string unitName = ServiceUnit.UnitName(profile);
        Directory.CreateDirectory(Path.Combine(stage, "systemd"));
        List<(string, string, BoardProfile)>? unitLoops = null;
        if (loops is not null)
        {
            unitLoops = new();
            foreach (var l in loops) unitLoops.Add((l.Name, l.Entry.Demo, l.Profile));
        }
        File.WriteAllText(Path.Combine(stage, "systemd", unitName), ServiceUnit.Render(profile, _host.Components, source, prefix, _host.Version, unitLoops));

        File.WriteAllText(Path.Combine(stage, "bundle.env"), Env(profile, arch, prefix, unitName));
        string install = Path.Combine(stage, "install.sh");
        File.WriteAllText(install, Resource("bundle/install.sh"));
        File.SetUnixFileMode(install, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(stage, "prometheus"));
        File.WriteAllText(Path.Combine(stage, "prometheus", "rtapp.rules.yml"), Resource("bundle/rtapp.rules.yml"));
        File.WriteAllText(Path.Combine(stage, "README.txt"), Readme(profile, arch, prefix, unitName, source));
        WriteManifest(stage);
        if (signKey is not null) Sign(stage, signKey);

        string tarball = Path.Combine(outDir, bundleName + ".tar.gz");
        using (var file = File.Create(tarball))
        using (var gz = new GZipStream(file, CompressionLevel.Optimal))
            TarFile.CreateFromDirectory(stage, gz, includeBaseDirectory: true);

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{_host.ToolName} {_host.Version}: bundled {profile.Name} for linux-{arch} (profile from {source})"));
        Console.WriteLine($"  binary      bin/rtapp ({Mib(Path.Combine(bin, "rtapp"))}) from {binaryDir}");
        foreach (string lib in libraries) Console.WriteLine($"  library     bin/{lib} ({Mib(Path.Combine(bin, lib))})");
        Console.WriteLine($"  profile     boards/{profile.Name}.json");
        foreach (var (relative, _) in assetFiles) Console.WriteLine($"  asset       assets/{relative} ({Mib(Path.Combine(stage, "assets", relative))})");
        Console.WriteLine($"  service     systemd/{unitName} (user {profile.Service.User}, installs to {prefix})");
        Console.WriteLine("  prometheus  prometheus/rtapp.rules.yml (recording and alert rules for `rtapp run --metrics`)");
        Console.WriteLine($"  installer   install.sh, MANIFEST.sha256{(signKey is null ? "" : $", MANIFEST.sha256.sig (signed with {signKey})")}");
        Console.WriteLine($"  unpacked    {stage} ({Mib(DirectorySize(stage))})");
        Console.WriteLine($"bundle: {tarball} ({Mib(new FileInfo(tarball).Length)})");
        return ExitCodes.Ok;
    }

    private static string HostArch() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "x64",
        Architecture.Arm64 => "arm64",
        var a => a.ToString().ToLowerInvariant(),
    };

    /// <summary>The folder holding the target's rtapp: --binary, else this binary's folder (same arch), else out/rtapp-linux-ARCH beside it.</summary>
    private static string FindBinaryDir(string? given, string arch, string hostArch, string board)
    {
        string dir;
        if (given is not null) dir = Path.GetFullPath(given);
        else if (arch == hostArch) dir = AppContext.BaseDirectory;
        else dir = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))!, $"rtapp-linux-{arch}");
        string exe = Path.Combine(dir, "rtapp");
        if (!File.Exists(exe))
            throw new UsageException(given is null && arch != hostArch
                ? $"{board} is a linux-{arch} board and there is no linux-{arch} rtapp at {exe}: build it with cross-build/build-{arch}.sh, or pass --binary DIR"
                : $"no rtapp binary at {exe} (--binary names the folder that holds rtapp and its .so files)");
        string? found = ElfArch(exe);
        if (found != arch)
            throw new UsageException($"{exe} is a {found ?? "non-ELF"} binary, but {board} needs linux-{arch}" +
                (arch != hostArch ? $": build it with cross-build/build-{arch}.sh" : ""));
        return dir;
    }

    /// <summary>The architecture an ELF file is built for (x64, arm64), or null when it is not ELF.</summary>
    internal static string? ElfArch(string path)
    {
        Span<byte> h = stackalloc byte[20];
        using (var f = File.OpenRead(path))
            if (f.Read(h) < 20) return null;
        if (h[0] != 0x7F || h[1] != (byte)'E' || h[2] != (byte)'L' || h[3] != (byte)'F') return null;
        int machine = h[18] | (h[19] << 8);
        return machine switch { 0x3E => "x64", 0xB7 => "arm64", 0x28 => "arm", _ => $"machine-0x{machine:x}" };
    }

    /// <summary>
    /// Adds every file the graph's nodes reference, as each component type declares them
    /// (<see cref="ComponentRegistry.Files"/>: a model, a recording and its phrase times, a video),
    /// at the same relative path under the assets folder; a missing one is refused by its field, and
    /// so is one named by an absolute path (it would not be on the board); a device (a camera's node)
    /// is not packed. Each model node's file is checked against its pinned hash.
    /// </summary>
    // A loop's problem named as its loop: "apps[1], application voice-relay: app.nodes[2].config.path: …".
    private static void InLoop(AppLoop l, string source, Action check)
    {
        try { check(); }
        catch (ProfileException ex)
        {
            var lines = new List<string>();
            foreach (string problem in ex.Problems) lines.Add($"{l.Field}, application {l.Entry.Demo}: {problem}");
            throw new ProfileException(source, lines);
        }
    }

    private static void AddGraphAssets(BoardProfile profile, ComponentRegistry components, ProfileAssets wiring, List<(string Relative, string Full)> files)
    {
        if (profile.App is not { } app) return;
        foreach (var file in components.Files(app))
        {
            if (file.Device) continue; // opened on the board, allowed by the unit: not packed
            if (file.Path.Contains('\0', StringComparison.Ordinal)) throw wiring.Problem(file.Field, "a path with a NUL character");
            if (Path.IsPathRooted(file.Path))
                throw wiring.Problem(file.Field, $"'{MessageText.Shown(file.Path)}' is a file outside the assets folder: bundle packs only the assets folder's files (name it relative to the assets folder)");
            // The path's form first: whether '../../etc/passwd' exists depends on where the assets folder lies.
            RequirePlainAssetPath(wiring, file.Path, file.Field);
            if (files.Exists(f => f.Relative == file.Path)) continue;
            string full = InsideAssets(wiring, file.Path, wiring.RequireAsset(file.Path, file.Field, "file"), file.Field);
            files.Add((file.Path, full));
        }
        foreach (var model in DeclaredModel.In(app))
            if (model.Sha256 is not null && files.Find(f => f.Relative == model.Path).Full is string path && ModelFile.Mismatch(path, model.Sha256) is string mismatch)
                throw wiring.Problem($"{model.Field}.sha256", mismatch);
    }

    /// <summary>
    /// The canonical path of an asset the profile names in <paramref name="field"/>, found (a regular
    /// file) by <see cref="ProfileAssets.RequireAsset"/>, which must be a relative path inside the
    /// assets folder, stay inside it once every link is resolved, and be readable by everyone (a
    /// bundle never widens a file's permissions).
    /// </summary>
    private static string InsideAssets(ProfileAssets w, string relative, string full, string field)
    {
        string assets = RequirePlainAssetPath(w, relative, field);
        string? realAssets = Realtime.Linux.FileNode.RealPath(assets, out _);
        string? real = Realtime.Linux.FileNode.RealPath(full, out string? why);
        if (realAssets is null || real is null) throw w.Problem(field, $"{full}: {why}");
        if (!Realtime.Linux.FileNode.IsInside(real, realAssets))
            throw w.Problem(field, $"'{relative}' leads out of the assets folder {realAssets} (to {real}): bundle packs only the assets folder's files");
        if ((File.GetUnixFileMode(real) & UnixFileMode.OtherRead) == 0)
            throw w.Problem(field, $"{real} is not readable by everyone (mode {Mode(real)}): bundle does not widen a file's permissions; if it is meant to ship, chmod a+r it");
        return real;
    }

    /// <summary>
    /// The assets folder, once <paramref name="relative"/> (named in <paramref name="field"/>) is a plain
    /// relative path that cannot climb out of it: no root, no leading dot, no '..', only safe characters.
    /// </summary>
    private static string RequirePlainAssetPath(ProfileAssets w, string relative, string field)
    {
        string? assets = w.AssetsDir;
        if (assets is null)
            throw w.Problem(field, "bundle packs assets only from the assets folder, and none was found (--assets DIR or RTAPP_ASSETS)");
        if (Path.IsPathRooted(relative) || !IsSafePath(relative) || relative.StartsWith('.') || relative.Contains("//", StringComparison.Ordinal))
            throw w.Problem(field, $"'{relative}' is not a plain path inside the assets folder ({assets}): bundle packs only the assets folder's files; copy the file there and name it relative to it (letters, digits, '/', '.', '_', '-')");
        return assets;
    }

    private static string Mode(string path) => "0" + Convert.ToString((int)File.GetUnixFileMode(path), 8);

    private static void CopyFile(string from, string to)
    {
        // A file its owner keeps to itself is not shipped readable to all: refuse rather than widen it.
        if ((File.GetUnixFileMode(from) & UnixFileMode.OtherRead) == 0)
            throw new UsageException($"{from} is not readable by everyone (mode {Mode(from)}): bundle does not widen a file's permissions; if it is meant to ship, chmod a+r it");
        File.Copy(from, to, overwrite: true);
        // Keep executables executable, everything else readable: the service user only reads.
        UnixFileMode mode = File.GetUnixFileMode(from);
        bool exec = (mode & UnixFileMode.UserExecute) != 0;
        File.SetUnixFileMode(to, (UnixFileMode)(exec ? 0b111_101_101 : 0b110_100_100));
    }

    private string Env(BoardProfile p, string arch, string prefix, string unit)
    {
        var sb = new StringBuilder();
        sb.Append("# Written by rtapp bundle; read by install.sh.\n");
        void Var(string k, string v) => sb.Append(k).Append("='").Append(v.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        Var("BOARD", p.Name);
        Var("VERSION", _host.Version);
        Var("ARCH", arch);
        Var("PREFIX", prefix);
        Var("UNIT", unit);
        Var("STATE_DIR", "/var/lib/" + ServiceUnit.StateDirectory(p));
        Var("SERVICE_USER", p.Service.User);
        Var("SERVICE_GROUPS", string.Join(' ', p.Service.Groups));
        Var("KERNEL_CMDLINE", p.Kernel?.Cmdline ?? ""); // checked by CheckServiceValues
        var devices = new List<string>();
        foreach (var file in ServiceUnit.GraphDevices(p, _host.Components)) devices.Add(file.Path);
        foreach (var s in p.Sensors) devices.Add(s.Device);
        Var("DEVICES", string.Join(' ', devices));
        return sb.ToString();
    }

    private string Readme(BoardProfile p, string arch, string prefix, string unit, string source)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"rtapp {_host.Version} for {p.Name} (linux-{arch}): {p.Description}\n\n");
        sb.Append("Install (as root on the board; checks MANIFEST.sha256 first):\n");
        sb.Append("  sudo ./install.sh              # creates the service user, installs, enables and starts the service\n");
        sb.Append("  sudo ./install.sh --no-start   # installs and enables, does not start\n");
        sb.Append("  ./install.sh --root DIR        # installs into DIR as if it were / (an image or a test): no user, no start\n");
        sb.Append("  sudo ./install.sh --trust FILE # first verifies MANIFEST.sha256.sig against FILE (ssh allowed signers; default /etc/rtapp/allowed_signers when present)\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Installs {prefix}/ (bin/, boards/, assets/), /etc/systemd/system/{unit}; the report goes to /var/lib/{ServiceUnit.StateDirectory(p)}/report.json.\n");
        sb.Append(CultureInfo.InvariantCulture, $"Logs: journalctl -u {unit}   Status: systemctl status {unit}\n");
        sb.Append(CultureInfo.InvariantCulture, $"Run by hand: {prefix}/bin/rtapp run --board {prefix}/boards/{p.Name}.json --assets {prefix}/assets\n");
        if (p.Kernel is { Cmdline.Length: > 0 } k)
            sb.Append(CultureInfo.InvariantCulture, $"\nThe profile's core plan expects this on the kernel command line (install.sh says whether it is there):\n  {k.Cmdline}\n");
        sb.Append(CultureInfo.InvariantCulture, $"\nProfile resolved from {source}.\n");
        return sb.ToString();
    }

    private static void WriteManifest(string stage)
    {
        var files = new List<string>();
        foreach (string f in Directory.GetFiles(stage, "*", SearchOption.AllDirectories))
            files.Add(Path.GetRelativePath(stage, f).Replace('\\', '/'));
        files.Sort(StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (string rel in files)
        {
            using var s = File.OpenRead(Path.Combine(stage, rel));
            sb.Append(Convert.ToHexStringLower(SHA256.HashData(s))).Append("  ").Append(rel).Append('\n');
        }
        File.WriteAllText(Path.Combine(stage, "MANIFEST.sha256"), sb.ToString());
    }

    private static string Resource(string name)
    {
        using Stream s = typeof(BundleCommand).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the binary");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    private static long DirectorySize(string dir)
    {
        long n = 0;
        foreach (string f in Directory.GetFiles(dir, "*", SearchOption.AllDirectories)) n += new FileInfo(f).Length;
        return n;
    }

    private static string Mib(string file) => Mib(new FileInfo(file).Length);

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    /// <summary>
    /// Every profile value that reaches the unit, install.sh or bundle.env, checked against the
    /// characters it may hold there, each problem naming its field (the loader has checked the
    /// service user and groups and the watchdog's path).
    /// </summary>
    private static void CheckServiceValues(BoardProfile p, ComponentRegistry components, string source)
    {
        var problems = new List<string>();
        foreach (var device in ServiceUnit.GraphDevices(p, components))
            if (ProfileLoader.DevicePathProblem(device.Path) is string dp) problems.Add($"{device.Field}: {dp}");
        for (int i = 0; i < p.Sensors.Count; i++)
            if (ProfileLoader.DevicePathProblem(p.Sensors[i].Device) is string sp) problems.Add($"sensors[{i}].device: {sp}");
        if (p.Kernel?.Cmdline is string cmdline)
            foreach (char ch in cmdline)
                if (!(char.IsAsciiLetterOrDigit(ch) || ch is ' ' or '=' or ',' or '.' or '_' or ':' or '/' or '-'))
                {
                    problems.Add($"kernel.cmdline: '{cmdline}' has '{(ch < 0x20 ? $"\\x{(int)ch:x2}" : ch.ToString())}': a kernel parameter list holds letters, digits, spaces and '=,._:/-'");
                    break;
                }
        if (problems.Count > 0) throw new ProfileException(source, problems);
    }

    /// <summary>
    /// Why a folder cannot be a bundle's prefix, or null: install.sh replaces the prefix whole, so it
    /// must be a folder of the install's own — never a system folder, a home, or the parent of other
    /// boards' installs (/opt/rtapp).
    /// </summary>
    internal static string? PrefixProblem(string prefix)
    {
        string[] parts = prefix[1..].Split('/');
        foreach (string part in parts) if (part is "" or "." or "..") return "must be a plain absolute path (no '.', '..' or '//')";
        string top = parts[0];
        if (top is "bin" or "boot" or "dev" or "etc" or "lib" or "lib32" or "lib64" or "libx32" or "proc" or "root" or "run" or "sbin" or "sys" or "tmp" or "lost+found")
            return $"/{top} is a system folder: give the install a folder of its own, like /opt/rtapp/NAME";
        if (parts.Length == 1) return "is a system folder that install.sh would replace whole: give the install a folder of its own, like /opt/rtapp/NAME";
        if (parts.Length == 2 && top is "usr" or "var" or "home")
            return $"is a system or user folder that install.sh would replace whole: give the install a folder of its own, like /opt/rtapp/NAME";
        if (top == "usr" && parts[1] != "local") return "is in the package manager's /usr: use /usr/local/... or /opt/rtapp/NAME";
        if (prefix == "/opt/rtapp" || prefix == "/usr/local/rtapp") return "holds every board's install (/opt/rtapp/NAME): give this one its own folder";
        return null;
    }

    /// <summary>Signs MANIFEST.sha256 with an SSH key (ssh-keygen -Y sign): MANIFEST.sha256.sig beside it.</summary>
    private static void Sign(string stage, string key)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ssh-keygen")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = stage,
        };
        foreach (string a in new[] { "-q", "-Y", "sign", "-f", Path.GetFullPath(key), "-n", SignatureNamespace, "MANIFEST.sha256" }) psi.ArgumentList.Add(a);
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("--sign-key needs ssh-keygen (Debian: openssh-client)");
        }
        using (process)
        {
            process.StandardInput.Close(); // no passphrase prompt can be answered here
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdout.Result;
            if (process.ExitCode != 0 || !File.Exists(Path.Combine(stage, "MANIFEST.sha256.sig")))
                throw new UsageException($"--sign-key {key}: ssh-keygen could not sign ({stderr.Trim().Replace('\n', ' ')}); a key with a passphrase needs ssh-agent");
        }
    }

    private static bool IsSafeName(string s)
    {
        if (s.Length == 0 || s.Length > 64 || !(char.IsAsciiLetterLower(s[0]) || char.IsAsciiDigit(s[0]))) return false;
        foreach (char ch in s) if (!(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch is '.' or '_' or '-')) return false;
        return true;
    }

    private static bool IsSafePath(string s)
    {
        foreach (char ch in s) if (!(char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '_' or '-')) return false;
        return !s.Contains("..", StringComparison.Ordinal);
    }
}
