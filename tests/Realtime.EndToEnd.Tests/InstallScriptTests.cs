using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// One signed generic-x86 bundle (an x64 board, so install.sh accepts this machine), made once for
/// the install tests with a throw-away SSH key, and the allowed-signers file that trusts it.
/// </summary>
public sealed class SignedBundle : IDisposable
{
    public SignedBundle()
    {
        Dir = Rtapp.TempDir();
        Key = Path.Combine(Dir, "signer");
        Keygen(Key);
        AllowedSigners = Path.Combine(Dir, "allowed_signers");
        File.WriteAllText(AllowedSigners, $"rtapp-test namespaces=\"rtapp-bundle\" {File.ReadAllText(Key + ".pub").Trim()}\n");
        Unpacked = Bundles.Make(Path.Combine(Dir, "out"), out _, "--board", "generic-x86", "--sign-key", Key);
    }

    public string Dir { get; }
    public string Key { get; }
    public string AllowedSigners { get; }
    public string Unpacked { get; }

    public static void Keygen(string path)
    {
        var r = Rtapp.Exec("ssh-keygen", TimeSpan.FromSeconds(60), null, "-q", "-t", "ed25519", "-N", "", "-C", "rtapp-test", "-f", path);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>
/// The bundle's install.sh, run for real into a temporary root: it verifies the signature and the
/// manifest before it reads anything else (a changed bundle.env is never sourced), refuses files
/// nobody listed, refuses system prefixes even when the manifest was rewritten to match, and never
/// replaces or removes a folder it did not make.
/// </summary>
public sealed class InstallScriptTests : IClassFixture<SignedBundle>, IDisposable
{
    private readonly SignedBundle _signed;
    private readonly string _dir = Rtapp.TempDir();

    public InstallScriptTests(SignedBundle signed) => _signed = signed;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A private copy of the signed bundle to change.</summary>
    private string Copy()
    {
        string to = Path.Combine(_dir, "bundle-" + Guid.NewGuid().ToString("N")[..8]);
        var r = Rtapp.Exec("cp", TimeSpan.FromMinutes(1), null, "-a", _signed.Unpacked, to);
        Assert.True(r.ExitCode == 0, r.ToString());
        return to;
    }

    private string Root() => Directory.CreateDirectory(Path.Combine(_dir, "root-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    private static RtappResult Install(string bundle, params string[] args) =>
        Rtapp.Exec(Path.Combine(bundle, "install.sh"), TimeSpan.FromMinutes(2), null, args);

    private static string Failed(RtappResult r)
    {
        Assert.True(r.ExitCode == 1, r.ToString());
        return r.Stderr;
    }

    /// <summary>Rewrites MANIFEST.sha256 over the bundle's files as they are now (what an attacker would do).</summary>
    private static void Rehash(string bundle)
    {
        var sb = new StringBuilder();
        foreach (string f in Directory.GetFiles(bundle, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(bundle, f))
                     .Where(f => !f.StartsWith("MANIFEST.sha256", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
            sb.Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(bundle, f))))).Append("  ").Append(f).Append('\n');
        File.WriteAllText(Path.Combine(bundle, "MANIFEST.sha256"), sb.ToString());
    }

    /// <summary>Appends a command to bundle.env that would create <paramref name="canary"/> if the file were ever sourced.</summary>
    private static void PlantCommand(string bundle, string canary) =>
        File.AppendAllText(Path.Combine(bundle, "bundle.env"), $"touch '{canary}'\n");

    [Fact]
    public void ItInstallsIntoATemporaryRootWithItsMarkerAndReplacesItsOwnInstall()
    {
        string b = Copy(), root = Root();
        var r = Install(b, "--root", root);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("[install] MANIFEST.sha256: every file matches, and there is no other file", r.Stdout);
        Assert.Contains("[install] note: the bundle is signed, but no trust file was given", r.Stdout);
        string dest = Path.Combine(root, "opt", "rtapp", "generic-x86");
        Assert.StartsWith("rtapp install of generic-x86 ", File.ReadAllText(Path.Combine(dest, ".rtapp-install")));
        Assert.True(File.Exists(Path.Combine(dest, "bin", "rtapp")));
        Assert.True(File.Exists(Path.Combine(root, "etc", "systemd", "system", "rtapp-generic-x86.service")));
        if (File.Exists("/usr/bin/systemd-analyze")) Assert.Contains("[install] systemd-analyze verify rtapp-generic-x86.service: ok", r.Stdout);

        // Again over it: the marked folder is replaced, and nothing is left beside it.
        r = Install(b, "--root", root);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(new[] { "generic-x86" }, Directory.GetFileSystemEntries(Path.Combine(root, "opt", "rtapp")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".old")]
    [InlineData(".new")]
    public void AFolderTheInstallerDidNotMakeIsNeitherReplacedNorRemoved(string suffix)
    {
        string b = Copy(), root = Root();
        string theirs = Path.Combine(root, "opt", "rtapp", "generic-x86" + suffix);
        Directory.CreateDirectory(theirs);
        File.WriteAllText(Path.Combine(theirs, "keep.txt"), "someone else's");
        string err = Failed(Install(b, "--root", root));
        Assert.Contains($"{theirs} exists and was not made by an rtapp install.sh (no .rtapp-install in it): refusing to replace or remove it", err);
        Assert.Equal("someone else's", File.ReadAllText(Path.Combine(theirs, "keep.txt")));
        Assert.False(File.Exists(Path.Combine(root, "etc", "systemd", "system", "rtapp-generic-x86.service")));
    }

    [Fact]
    public void AChangedBundleEnvIsRefusedBeforeItIsRead()
    {
        string b = Copy(), root = Root();
        string canary = Path.Combine(_dir, "sourced-" + Guid.NewGuid().ToString("N"));
        PlantCommand(b, canary);
        string err = Failed(Install(b, "--root", root));
        Assert.Contains("the bundle is damaged: files above do not match MANIFEST.sha256", err);
        Assert.False(File.Exists(canary), "bundle.env was sourced before the manifest was checked");
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void AFileTheManifestDoesNotListIsRefused()
    {
        string b = Copy(), root = Root();
        File.WriteAllText(Path.Combine(b, "bin", "libextra.so"), "nobody listed me");
        Assert.Contains("bin/libextra.so is in the bundle but not in MANIFEST.sha256", Failed(Install(b, "--root", root)));
        File.Delete(Path.Combine(b, "bin", "libextra.so"));
        File.CreateSymbolicLink(Path.Combine(b, "assets", "shadow"), "/etc/shadow");
        Assert.Contains("the bundle holds ./assets/shadow, which is not a plain file", Failed(Install(b, "--root", root)));
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Theory]
    [InlineData("/usr", "PREFIX /usr is a system folder: refusing to replace it")]
    [InlineData("/opt", "PREFIX /opt is a system folder: refusing to replace it")]
    [InlineData("/opt/rtapp", "PREFIX /opt/rtapp holds every board's install")]
    [InlineData("/home/pi", "PREFIX /home/pi is a system or user folder")]
    [InlineData("/etc/rtapp", "PREFIX /etc/rtapp is in the system folder /etc")]
    public void ASystemPrefixIsRefusedEvenWhenTheManifestWasRewrittenToMatch(string prefix, string message)
    {
        string b = Copy(), root = Root();
        string env = Path.Combine(b, "bundle.env");
        File.WriteAllLines(env, File.ReadAllLines(env).Select(l => l.StartsWith("PREFIX=", StringComparison.Ordinal) ? $"PREFIX='{prefix}'" : l));
        Rehash(b);
        File.Delete(Path.Combine(b, "MANIFEST.sha256.sig"));
        Assert.Contains(message, Failed(Install(b, "--root", root)));
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void ASignedBundleIsVerifiedAgainstTheTrustFile()
    {
        string b = Copy(), root = Root();
        var r = Install(b, "--root", root, "--trust", _signed.AllowedSigners);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"[install] MANIFEST.sha256: signed by rtapp-test ({_signed.AllowedSigners})", r.Stdout);
    }

    [Fact]
    public void ATamperedSignedBundleIsRefusedBeforeAnythingIsRead()
    {
        // The attacker changes bundle.env and rewrites the manifest to match: only the signature catches it.
        string b = Copy(), root = Root();
        string canary = Path.Combine(_dir, "sourced-" + Guid.NewGuid().ToString("N"));
        PlantCommand(b, canary);
        Rehash(b);
        string err = Failed(Install(b, "--root", root, "--trust", _signed.AllowedSigners));
        Assert.Contains("MANIFEST.sha256 does not match its signature (changed after signing): refusing the bundle", err);
        Assert.False(File.Exists(canary));
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void AFileChangedUnderAGoodSignatureIsRefused()
    {
        string b = Copy(), root = Root();
        File.AppendAllText(Path.Combine(b, "boards", "generic-x86.json"), " ");
        string err = Failed(Install(b, "--root", root, "--trust", _signed.AllowedSigners));
        Assert.Contains("the bundle is damaged: files above do not match MANIFEST.sha256", err);
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void AnUnsignedBundleIsRefusedWhereTheBoardTrustsAKey()
    {
        string b = Copy(), root = Root();
        File.Delete(Path.Combine(b, "MANIFEST.sha256.sig"));
        // The board's own trust file makes signatures required without --trust.
        Directory.CreateDirectory(Path.Combine(root, "etc", "rtapp"));
        File.Copy(_signed.AllowedSigners, Path.Combine(root, "etc", "rtapp", "allowed_signers"));
        Assert.Contains("this bundle is not signed, and", Failed(Install(b, "--root", root)));
        Assert.False(Directory.Exists(Path.Combine(root, "opt")));
    }

    [Fact]
    public void ABundleSignedByAnotherKeyIsRefused()
    {
        string b = Copy(), root = Root();
        string other = Path.Combine(_dir, "other");
        SignedBundle.Keygen(other);
        string allowed = Path.Combine(_dir, "allowed_other");
        File.WriteAllText(allowed, $"someone namespaces=\"rtapp-bundle\" {File.ReadAllText(other + ".pub").Trim()}\n");
        Assert.Contains($"MANIFEST.sha256.sig was not made by any key in {allowed}: refusing the bundle", Failed(Install(b, "--root", root, "--trust", allowed)));
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }
}
