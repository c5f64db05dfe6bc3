using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;

namespace Realtime.Core.Tests.Imaging;

/// <summary>
/// The path a board without AVX2 takes (most arm64 boards, Atom-class x64): this very test
/// assembly run again in a child process with the runtime told not to use AVX2
/// (DOTNET_EnableAVX2=0), so Auto resolves to the 128-bit kernel and its lanes load one word at a
/// time instead of AVX2's gather; the scalar comparisons must all pass there too.
/// </summary>
public sealed class VectorKernelWithoutAvx2Tests
{
    [Fact]
    public async System.Threading.Tasks.Task WithoutAvx2TheVector128KernelWithPlainLoadsGivesTheScalarPassesValues()
    {
        string report = Path.Combine(Path.GetTempPath(), $"kernel-report-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        string assembly = Assembly.GetExecutingAssembly().Location;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "vstest", assembly, $"--TestCaseFilter:FullyQualifiedName~{typeof(VectorisedPreprocessingTests).FullName}" })
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_EnableAVX2"] = "0";
        psi.Environment[VectorisedPreprocessingTests.ReportVariable] = report;
        try
        {
            using var p = Process.Start(psi)!;
            using var limit = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(5));
            var stderrRead = p.StandardError.ReadToEndAsync(limit.Token);
            string stdout = await p.StandardOutput.ReadToEndAsync(limit.Token);
            await p.WaitForExitAsync(limit.Token);
            string stderr = await stderrRead;
            Assert.True(p.ExitCode == 0, $"child test run failed ({p.ExitCode}):\n{stdout}\n{stderr}");
            Assert.True(File.Exists(report), $"the child did not say which kernel it ran:\n{stdout}");
            // avx2=False proves the switch took; on a CPU with no AVX2 at all this is the default anyway.
            Assert.Equal("kernel=Vector128 avx2=False", File.ReadAllText(report).Trim());
            var passed = System.Text.RegularExpressions.Regex.Match(stdout, @"Passed:\s+(\d+)");
            Assert.True(passed.Success, $"no pass count in the child's output:\n{stdout}");
            // 4 formats × 2 channel counts × 8 shapes, plus the two facts.
            Assert.Equal(66, int.Parse(passed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(report);
        }
    }
}
