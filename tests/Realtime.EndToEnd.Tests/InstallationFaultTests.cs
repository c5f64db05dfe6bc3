using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A careless installation: the published binary without ONNX Runtime's library beside it. It must
/// say so in one line and exit with the installation's code, after opening the outputs at their
/// safe values; it used to abort (exit 134) with a type initializer's stack trace.
/// </summary>
public sealed class InstallationFaultTests
{
    [Fact]
    public void MissingOnnxRuntimeIsOneLineAndExit8NotAnAbort()
    {
        string published = Path.GetDirectoryName(TestAssets.Rtapp)!;
        string dir = Rtapp.TempDir();
        try
        {
            // The executable is copied ($ORIGIN is where the kernel found it); everything else but ONNX Runtime is linked.
            foreach (string file in Directory.GetFiles(published))
            {
                string name = Path.GetFileName(file);
                if (name.StartsWith("libonnxruntime.so", StringComparison.Ordinal)) continue;
                string to = Path.Combine(dir, name);
                if (file == TestAssets.Rtapp) File.Copy(file, to);
                else File.CreateSymbolicLink(to, file);
            }
            string binary = Path.Combine(dir, Path.GetFileName(TestAssets.Rtapp));
            string report = Path.Combine(dir, "report.json");
            var r = Rtapp.Exec(binary, TimeSpan.FromMinutes(2), null, "run", "--frames", "5", "--report", report);

            Assert.True(r.ExitCode == 8, r.ToString());
            Assert.DoesNotContain("Unhandled", r.Stderr);
            Assert.DoesNotContain("   at ", r.Stderr);
            string[] lines = r.Stderr.Trim().Split('\n');
            Assert.True(lines.Length == 1, r.ToString());
            Assert.StartsWith("rtapp: error: ONNX Runtime cannot be started:", lines[0]);
            Assert.Contains("libonnxruntime.so: cannot open shared object file", lines[0]);
            Assert.False(File.Exists(report), "no frame ran: there is nothing to report");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
