using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;

namespace Realtime.Core.Tests.Imaging;

/// <summary>
/// The code a CPU without AVX gets (Atom-class x64 boards), and the instruction set the NativeAOT
/// binary is built for by default (SSE only, no VEX encoding): this very test assembly run again
/// in a child process with the runtime told not to use AVX at all (DOTNET_EnableAVX=0, which takes
/// AVX2 and AVX-512 with it), so the vector kernel is compiled to SSE alone; the scalar comparisons
/// must all pass there too.
/// </summary>
public sealed class VectorKernelWithoutAvxTests
{
    [Fact]
    public async System.Threading.Tasks.Task WithoutAvxTheVectorKernelGivesTheScalarPassesValues()
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
        psi.Environment["DOTNET_EnableAVX"] = "0";
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
            // avx=False proves the switch took; on a CPU without AVX this is the default anyway.
            Assert.Equal("kernel=Vector128 avx=False", File.ReadAllText(report).Trim());
            var passed = System.Text.RegularExpressions.Regex.Match(stdout, @"Passed:\s+(\d+)");
            Assert.True(passed.Success, $"no pass count in the child's output:\n{stdout}");
            // 4 formats × 2 channel counts × 10 shapes, plus the two facts.
            Assert.Equal(82, int.Parse(passed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(report);
        }
    }
}
