using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Bench;
using Realtime.Demos;

namespace Realtime.Hosting.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class RealtimeHostTests
{
    /// <summary>A command a library adds: it echoes what it was given, so the test sees the host parse for it.</summary>
    private sealed class Echo : HostCommand
    {
        private readonly Option<int?> _times = HostOptions.Number("--times", 1, 3, "N", "How many times.");
        private readonly Option<bool> _loud = HostOptions.Flag("--loud", "Shout.");
        public override string Name => "echo";
        public override string Description => "Says hello.";
        public override IReadOnlyList<Option> Options => new Option[] { _times, _loud };
        public List<string> Seen { get; } = new();

        public override int Execute(RealtimeHost host, ParseResult args, long mainNs)
        {
            int times = args.GetValue(_times) ?? 1;
            for (int i = 0; i < times; i++) Seen.Add(args.GetValue(_loud) ? "HELLO" : "hello");
            return 42;
        }
    }

    private static List<string> Names(RealtimeHost host)
    {
        var names = new List<string>();
        foreach (var c in host.Commands) names.Add(c.Name);
        return names;
    }

    private static RealtimeHost Rtapp() => new RealtimeHost("rtapp").AddDemos().AddBench();

    [Fact]
    public void TheHostGivesEveryBuiltInCommandAndTheBenchAddsItsOwn()
    {
        Assert.Equal(new[] { "run", "check", "boards", "safe", "replay", "record", "serve", "bundle", "bench", "profile", "quantize", "batch", "first-run" }, Names(Rtapp()));
        Assert.Equal(new[] { "run", "check", "boards", "safe", "replay", "record", "serve", "bundle" }, Names(new RealtimeHost("mine")));
    }

    [Fact]
    public void AnAddedCommandRunsWithItsOwnOptionsAndExitCode()
    {
        var echo = new Echo();
        var host = new RealtimeHost("mine").AddCommand(echo);
        var r = ConsoleCapture.Run(host, "echo", "--times", "2", "--loud");
        Assert.Equal(42, r.Exit);
        Assert.Equal(new[] { "HELLO", "HELLO" }, echo.Seen);

        var bad = ConsoleCapture.Run(host, "echo", "--times", "9");
        Assert.Equal(ExitCodes.BadInput, bad.Exit);
        Assert.Equal("mine: --times must be a whole number from 1 to 3, got '9'\nTry 'mine help'.\n", bad.Err);
        Assert.Throws<ArgumentException>(() => host.AddCommand(new Echo()));
    }

    [Theory]
    [InlineData("run", "--help")]
    [InlineData("run", "--frames", "3", "-h")]
    [InlineData("run", "--fames", "--help")]
    [InlineData("help", "run")]
    public void EachCommandHasItsOwnHelp(params string[] args)
    {
        var r = ConsoleCapture.Run(Rtapp(), args);
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Contains("Usage:\n  rtapp run [options]", r.Out);
        Assert.Matches(@"\n  --frames <N>\s+Counted frames", r.Out);
        Assert.Matches(@"\n  --scenario <periodic\|single-stream>\s", r.Out);
        Assert.Contains("--floor", r.Out);
        Assert.Contains("Fault injection", r.Out); // the command's notes, after its options
        Assert.DoesNotContain("bundle", r.Out);
        Assert.Empty(r.Err);
    }

    [Theory]
    [InlineData]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public void TheGeneralHelpListsEveryCommandAndApplication(params string[] args)
    {
        var r = ConsoleCapture.Run(Rtapp(), args);
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Contains("Usage:\n  rtapp [command] [options]", r.Out);
        foreach (string c in new[] { "run", "check", "boards", "safe", "replay", "record", "serve", "bundle", "bench", "profile", "help", "completion" })
            Assert.Matches($@"\n  {c} ", r.Out);
        Assert.Contains("Applications: face-tracker, voice-relay, line-follower.", r.Out);
        Assert.Contains("Exit codes:", r.Out);
        Assert.Empty(r.Err);
    }

    [Theory]
    [InlineData(new[] { "rnu" }, "rtapp: unknown command 'rnu' (did you mean 'run'?)")]
    [InlineData(new[] { "xyzzy" }, "rtapp: unknown command 'xyzzy'")]
    [InlineData(new[] { "help", "rnu" }, "rtapp: unknown command 'rnu' (did you mean 'run'?)")]
    [InlineData(new[] { "--versoin" }, "rtapp: unknown option '--versoin' (did you mean '--version'?)")]
    [InlineData(new[] { "run", "--fames", "3" }, "rtapp: unknown option '--fames' for 'run' (did you mean '--frames'?)")]
    [InlineData(new[] { "run", "--fames=3" }, "rtapp: unknown option '--fames=3' for 'run' (did you mean '--frames'?)")]
    [InlineData(new[] { "run", "--turbo" }, "rtapp: unknown option '--turbo' for 'run'")]
    [InlineData(new[] { "run", "frames" }, "rtapp: unexpected argument 'frames' for 'run'")]
    [InlineData(new[] { "run", "--quiet", "yes" }, "rtapp: unexpected argument 'yes' for 'run'")]
    [InlineData(new[] { "run", "@args.txt" }, "rtapp: unexpected argument '@args.txt' for 'run'")]
    [InlineData(new[] { "run", "--frames" }, "rtapp: option '--frames' needs a value")]
    [InlineData(new[] { "run", "--frames", "0x10" }, "rtapp: --frames must be a whole number from 0 to 10000000, got '0x10'")]
    [InlineData(new[] { "run", "--scenario", "fast" }, "rtapp: --scenario must be periodic or single-stream, got 'fast'")]
    [InlineData(new[] { "run", "--optimized-model", "tflite" }, "rtapp: --optimized-model must be onnx or ort, got 'tflite'")]
    [InlineData(new[] { "run", "--demo", "juggler" }, "rtapp: unknown demo 'juggler' (available: face-tracker, voice-relay, line-follower)")]
    [InlineData(new[] { "bench", "--demo", "juggler" }, "rtapp: unknown demo 'juggler' (available: face-tracker, voice-relay, line-follower)")]
    [InlineData(new[] { "bench", "--compare", "fancy" }, "rtapp: --compare must be naive, got 'fancy'")]
    [InlineData(new[] { "bench", "--video-cache", "" }, "rtapp: --video-cache needs DIR, got an empty value")]
    [InlineData(new[] { "run", "--report", " " }, "rtapp: --report needs FILE.json, got an empty value")]
    [InlineData(new[] { "run", "--board", "" }, "rtapp: --board needs NAME|FILE.json, got an empty value")]
    [InlineData(new[] { "bench", "--rate", "-5" }, "rtapp: --rate must be a number above 0 and at most 100000, got '-5'")]
    [InlineData(new[] { "bench", "--duration", "soon" }, "rtapp: --duration must be a positive time such as 30, 30s, 2m or 500ms; got 'soon'")]
    [InlineData(new[] { "completion", "fish" }, "rtapp: completion takes the shell's name: rtapp completion bash")]
    [InlineData(new[] { "completion" }, "rtapp: completion takes the shell's name: rtapp completion bash")]
    public void BadInputIsOneLineNamingTheProblemThenTheHintAndExit2(string[] args, string line)
    {
        var r = ConsoleCapture.Run(Rtapp(), args);
        Assert.Equal(ExitCodes.BadInput, r.Exit);
        Assert.Equal(line + "\nTry 'rtapp help'.\n", r.Err);
        Assert.Empty(r.Out);
    }

    [Theory]
    [InlineData("rtapp b", new[] { "boards", "bundle", "bench", "batch" })]
    [InlineData("rtapp run --fr", new[] { "--frames" })]
    [InlineData("rtapp run --demo ", new[] { "face-tracker", "voice-relay", "line-follower" })]
    [InlineData("rtapp safe --board rpi", new[] { "rpi4", "rpi4-tracker-15hz", "rpi5" })]
    [InlineData("rtapp boards --show rpi4-", new[] { "rpi4-tracker-15hz" })]
    [InlineData("rtapp bench --page-cache ", new[] { "warm", "cold", "both" })]
    [InlineData("rtapp run --scenario s", new[] { "single-stream" })]
    [InlineData("rtapp help bu", new[] { "bundle" })]
    [InlineData("rtapp completion ", new[] { "bash", "--help", "-h" })]
    public void CompletionOffersWhatMayComeNextThroughTheSuggestDirective(string line, string[] expected)
    {
        var r = ConsoleCapture.Run(Rtapp(), $"[suggest:{line.Length}]", line);
        Assert.Equal(ExitCodes.Ok, r.Exit);
        var offered = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new SortedSet<string>(expected, StringComparer.Ordinal), new SortedSet<string>(offered, StringComparer.Ordinal));
    }

    [Fact]
    public void TheBashCompletionScriptAsksTheToolItself()
    {
        var r = ConsoleCapture.Run(new RealtimeHost("my-app"), "completion", "bash");
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Contains("complete -o default -F _my_app_complete my-app", r.Out);
        Assert.Contains("\"[suggest:${COMP_POINT}]\" \"${COMP_LINE}\"", r.Out);
        Assert.Throws<ArgumentException>(() => new RealtimeHost("rm -rf;"));
    }

    [Fact]
    public void VersionPrintsTheToolVersionAndCommitOnOneLine()
    {
        var host = Rtapp();
        var r = ConsoleCapture.Run(host, "--version");
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Equal(host.Commit is null ? $"rtapp {host.Version}\n" : $"rtapp {host.Version} (commit {host.Commit})\n", r.Out);
        Assert.Matches(@"^\d+\.\d+\.\d+$", host.Version);
    }

    [Fact]
    public void ACommandAddedAfterTheCommandLineWasBuiltIsOnItToo()
    {
        var host = new RealtimeHost("mine");
        Assert.Equal(ExitCodes.BadInput, ConsoleCapture.Run(host, "echo").Exit);
        var echo = new Echo();
        host.AddCommand(echo);
        Assert.Equal(42, ConsoleCapture.Run(host, "echo", "--loud").Exit);
        Assert.Equal(new[] { "HELLO" }, echo.Seen);
        Assert.Throws<ArgumentException>(() => host.AddCommand(new Named("help")));
        Assert.Throws<ArgumentException>(() => host.AddCommand(new Named("completion")));
    }

    private sealed class Named(string name) : HostCommand
    {
        public override string Name => name;
        public override string Description => "";
        public override IReadOnlyList<Option> Options => Array.Empty<Option>();
        public override int Execute(RealtimeHost host, ParseResult args, long mainNs) => 0;
    }

    [Fact]
    public void AnApplicationRunsInProcessThroughTheHostOnceAPeriodWithNoFloor()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hosting-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string report = Path.Combine(dir, "report.json");
            var r = ConsoleCapture.Run(Rtapp(), "run", "--demo", "face-tracker", "--frames", "20", "--warmup", "4", "--no-rt", "--quiet",
                "--assets", Realtime.Tests.TestAssets.Dir, "--report", report);
            Assert.True(r.Exit == ExitCodes.Ok, r.Err);
            using var doc = JsonDocument.Parse(File.ReadAllText(report));
            var j = doc.RootElement;
            Assert.Equal("face-tracker", j.GetProperty("demo").GetString());
            Assert.Equal("completed", j.GetProperty("outcome").GetString());
            Assert.Equal(20, j.GetProperty("frames").GetInt32());
            Assert.Equal(24, j.GetProperty("model_runs").GetInt64());
            Assert.True(!j.TryGetProperty("floor", out var floor) || floor.ValueKind == JsonValueKind.Null);
            Assert.True(j.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
