using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A private OpenSSH server on a high loopback port: its own host key, config and authorized key
/// (key-only root login), nothing of the system's sshd. Started once for the deploy tests, stopped
/// by its own process id. Needs root (sshd's privilege separation) and Debian's openssh-server,
/// which scripts/setup-system.sh installs.
/// </summary>
public sealed class LoopbackSshServer : IDisposable
{
    private readonly Process _sshd;

    public LoopbackSshServer()
    {
        const string sshd = "/usr/sbin/sshd";
        if (!File.Exists(sshd)) throw new InvalidOperationException($"{sshd} is missing: run scripts/setup-system.sh (it installs openssh-server)");
        if (Environment.UserName != "root") throw new InvalidOperationException("the deploy test starts its own sshd, which needs root (privilege separation)");
        Dir = Rtapp.TempDir();
        Keygen(Path.Combine(Dir, "host_key"));
        Identity = Path.Combine(Dir, "client_key");
        Keygen(Identity);
        File.Copy(Identity + ".pub", Path.Combine(Dir, "authorized_keys"));
        KnownHosts = Path.Combine(Dir, "known_hosts");

        // A free port: bind 0, read it, let it go (sshd takes it a moment later).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        string config = Path.Combine(Dir, "sshd_config");
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {Dir}/host_key
            PidFile {Dir}/sshd.pid
            AuthorizedKeysFile {Dir}/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            Subsystem sftp internal-sftp
            """);
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege-separation folder
        var check = Rtapp.Exec(sshd, TimeSpan.FromSeconds(30), null, "-t", "-f", config);
        if (check.ExitCode != 0) throw new InvalidOperationException("sshd -t rejected the test config:\n" + check);

        var psi = new ProcessStartInfo(sshd) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-D", "-e", "-f", config }) psi.ArgumentList.Add(a);
        _sshd = Process.Start(psi)!;
        _sshd.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Log) Log.Add(e.Data); };
        _sshd.BeginErrorReadLine();
        for (int i = 0; i < 300; i++)
        {
            if (_sshd.HasExited) throw new InvalidOperationException("sshd exited: " + string.Join('\n', Log));
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { Thread.Sleep(100); }
        }
        throw new InvalidOperationException($"sshd did not listen on 127.0.0.1:{Port}: " + string.Join('\n', Log));
    }

    public string Dir { get; }
    public int Port { get; }
    public string Identity { get; }
    public string KnownHosts { get; }
    public List<string> Log { get; } = new();
    public string Host => "root@127.0.0.1";

    /// <summary>The ssh options deploy.sh passes on: the test's own known_hosts, no prompts.</summary>
    public string[] DeployOptions => new[]
    {
        "--host", Host, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--identity", Identity,
        "--ssh-option", "UserKnownHostsFile=" + KnownHosts, "--ssh-option", "StrictHostKeyChecking=accept-new",
    };

    /// <summary>Runs a command on the server over ssh.</summary>
    public RtappResult Ssh(TimeSpan timeout, string command) =>
        Rtapp.Exec("ssh", timeout, null, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", Identity,
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + KnownHosts, "-o", "StrictHostKeyChecking=accept-new", Host, command);

    private static void Keygen(string path)
    {
        var r = Rtapp.Exec("ssh-keygen", TimeSpan.FromSeconds(60), null, "-q", "-t", "ed25519", "-N", "", "-f", path);
        if (r.ExitCode != 0) throw new InvalidOperationException("ssh-keygen failed:\n" + r);
    }

    public void Dispose()
    {
        if (!_sshd.HasExited)
        {
            _sshd.Kill();
            _sshd.WaitForExit(10_000);
        }
        _sshd.Dispose();
        // The installed trees and bundles are a few hundred MB.
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>
/// scripts/deploy.sh for real, over SSH to the loopback server: it bundles, copies, and runs the
/// bundle's install.sh, which installs into a temporary root (no systemd runs here: the unit is
/// installed and checked with systemd-analyze verify where the machine has it), and the installed
/// binary then runs the sim demo over SSH.
/// </summary>
public sealed class DeployOverSshTests : IClassFixture<LoopbackSshServer>
{
    private readonly LoopbackSshServer _server;

    public DeployOverSshTests(LoopbackSshServer server) => _server = server;

    private static readonly string Deploy = Path.Combine(TestAssets.RepoRoot, "scripts", "deploy.sh");

    private static bool HasSystemdAnalyze => File.Exists("/usr/bin/systemd-analyze") || File.Exists("/bin/systemd-analyze");

    private RtappResult DeployBoard(string board, string root, params string[] extra)
    {
        var env = new Dictionary<string, string> { ["RTAPP_BIN"] = TestAssets.Rtapp };
        var args = new List<string> { "--board", board, "--root", root, "--out", Path.Combine(_server.Dir, "bundles-" + board) };
        args.AddRange(_server.DeployOptions);
        args.AddRange(extra);
        return Rtapp.Exec(Deploy, TimeSpan.FromMinutes(10), env, args.ToArray());
    }

    [Fact]
    public void TheSimBoardDeploysOverSshAndTheInstalledBinaryRunsTheDemo()
    {
        string root = Path.Combine(_server.Dir, "root-sim");
        var r = DeployBoard("sim", root);
        Assert.True(r.ExitCode == 0, r + "\n--- sshd\n" + string.Join('\n', _server.Log));
        Assert.Contains("[install] MANIFEST.sha256: every file matches", r.Stdout);
        Assert.Contains(HasSystemdAnalyze ? "[install] systemd-analyze verify rtapp-sim.service: ok" : "[install] note: systemd-analyze not found", r.Stdout);
        Assert.Contains("[install] note: --root: the service is installed, not enabled or started", r.Stdout);
        Assert.Contains("[deploy] deployed rtapp-sim-", r.Stdout);

        string prefix = Path.Combine(root, "opt", "rtapp", "sim");
        foreach (string f in new[] { "bin/rtapp", "bin/libonnxruntime.so", "bin/libOpenCvSharpExtern.so", "boards/sim.json", "assets/models/face_detection_front_128x128_barracuda.onnx", "assets/video/Megamind.avi", "MANIFEST.sha256" })
            Assert.True(File.Exists(Path.Combine(prefix, f)), f + " was not installed");
        string unit = File.ReadAllText(Path.Combine(root, "etc", "systemd", "system", "rtapp-sim.service"));
        Assert.Contains("\nUser=rtapp\n", unit);
        Assert.Contains("\nAmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK\n", unit);
        Assert.Contains("\nExecStart=/opt/rtapp/sim/bin/rtapp run --board /opt/rtapp/sim/boards/sim.json", unit);
        Assert.True(Directory.Exists(Path.Combine(root, "var", "lib", "rtapp-sim")));

        // The installed binary, over SSH, with nothing from this test's environment: its own libraries ($ORIGIN), its own profile and model.
        string report = Path.Combine(root, "var", "lib", "rtapp-sim", "report.json");
        var run = _server.Ssh(TimeSpan.FromMinutes(5),
            $"env -i PATH=/usr/bin:/bin {prefix}/bin/rtapp run --board {prefix}/boards/sim.json --assets {prefix}/assets --frames 20 --warmup 3 --no-rt --no-floor --report {report}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Deadline misses: ", run.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal("sim", doc.RootElement.GetProperty("board").GetString());
        Assert.Equal("completed", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(20, doc.RootElement.GetProperty("frames").GetInt32());
        Assert.Equal(20, doc.RootElement.GetProperty("stages").GetProperty("infer").GetProperty("count").GetInt32());
    }

    [Fact]
    public void AnArm64BoardDeploysOverSshAndItsInstalledBinaryRunsUnderQemu()
    {
        _ = TestAssets.RtappArm64;
        string root = Path.Combine(_server.Dir, "root-rpi5");
        var r = DeployBoard("rpi5", root, "--set", "service.watchdog_sec=3");
        Assert.True(r.ExitCode == 0, r + "\n--- sshd\n" + string.Join('\n', _server.Log));
        Assert.Contains("[install] note: this bundle is for linux-arm64 and this machine is x86_64: installing into", r.Stdout);
        Assert.Contains("[install] note: the target's kernel command line should have: isolcpus=3 nohz_full=3 rcu_nocbs=3 irqaffinity=0-2", r.Stdout);
        if (HasSystemdAnalyze) Assert.Contains("[install] systemd-analyze verify rtapp-rpi5.service: ok", r.Stdout);
        string unit = File.ReadAllText(Path.Combine(root, "etc", "systemd", "system", "rtapp-rpi5.service"));
        Assert.Contains("\nWatchdogSec=3\n", unit);
        Assert.Contains("\nCPUAffinity=0 1 2\n", unit);

        string bin = Path.Combine(root, "opt", "rtapp", "rpi5", "bin", "rtapp");
        var v = Rtapp.Exec(Arm64QemuTests.Qemu, TimeSpan.FromMinutes(2), null, TestAssets.Arm64Rootfs, bin, "boards", "--show", Path.Combine(root, "opt", "rtapp", "rpi5", "boards", "rpi5.json"));
        Assert.True(v.ExitCode == 0, v.ToString());
        using var doc = JsonDocument.Parse(v.Stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("service").GetProperty("watchdog_sec").GetInt32());
    }

    [Fact]
    public void AnUnreachableHostFailsWithTheReason()
    {
        var env = new Dictionary<string, string> { ["RTAPP_BIN"] = TestAssets.Rtapp };
        string bundle = Path.Combine(_server.Dir, "rtapp-x.tar.gz");
        File.WriteAllText(bundle, "not a bundle");
        var r = Rtapp.Exec(Deploy, TimeSpan.FromMinutes(2), env, "--bundle", bundle, "--host", "root@127.0.0.1", "--port", "1",
            "--identity", _server.Identity, "--ssh-option", "UserKnownHostsFile=" + _server.KnownHosts);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("[deploy] ERROR: ssh to root@127.0.0.1 (port 1) failed", r.Stderr);
    }
}
