using System;
using System.Text.RegularExpressions;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The command line of the published NativeAOT binary (System.CommandLine under trimming): the
/// version line, per-command help, one-line errors, and bash completion driven through a real
/// bash with the script the binary prints.
/// </summary>
public sealed class CommandLineCliTests
{
    [Fact]
    public void VersionIsOneLineWithTheCommit()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "--version");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(new Regex(@"^rtapp \d+\.\d+\.\d+ \(commit [0-9a-f]{7,40}\)\n$"), r.Stdout);
        Assert.Empty(r.Stderr);
    }

    [Fact]
    public void EachCommandsHelpListsItsOptionsWithWhatTheyDo()
    {
        foreach (string command in new[] { "run", "check", "boards", "safe", "bundle", "bench", "profile" })
        {
            var r = Rtapp.Run(TimeSpan.FromSeconds(30), command, "--help");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains($"Usage:\n  rtapp {command} [options]", r.Stdout);
            Assert.Matches(new Regex(@"\n  --[a-z-]+ <[^>]+>\s+[A-Z]"), r.Stdout);
        }
    }

    [Fact]
    public void AMistakeIsOneLineAndTheHint()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "run", "--scenario", "fast");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("rtapp: --scenario must be periodic or single-stream, got 'fast'\nTry 'rtapp help'.\n", r.Stderr);
    }

    [Theory]
    [InlineData("rtapp run --de", "--demo")]
    [InlineData("rtapp run --demo voice", "voice-relay")]
    [InlineData("rtapp boards --show rpi4-", "rpi4-tracker-15hz")]
    [InlineData("rtapp bench --page-cache c", "cold")]
    [InlineData("rtapp bu", "bundle")]
    public void BashCompletesThroughTheScriptTheBinaryPrints(string line, string expected)
    {
        // COMP_* as bash sets them for the completion function when TAB is pressed at the line's end.
        string script = "source <(\"$RTAPP\" completion bash) && COMP_LINE=\"$LINE\" && COMP_POINT=${#COMP_LINE} && "
            + "read -ra COMP_WORDS <<< \"$LINE\" && COMP_WORDS[0]=\"$RTAPP\" && COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )) && "
            + "_rtapp_complete && printf '%s\\n' \"${COMPREPLY[@]}\"";
        var r = Rtapp.Exec("bash", TimeSpan.FromSeconds(30),
            new System.Collections.Generic.Dictionary<string, string> { ["RTAPP"] = TestAssets.Rtapp, ["LINE"] = line }, "-c", script);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(expected + "\n", r.Stdout);
    }
}
