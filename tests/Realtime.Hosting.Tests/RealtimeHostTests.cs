using System;
using System.Collections.Generic;
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
        public override string Name => "echo";
        public override string Help => "  {tool} echo [--times N] [--loud]\n      Says hello.";
        public override IReadOnlyDictionary<string, bool> Options { get; } = new Dictionary<string, bool> { ["times"] = true, ["loud"] = false };
        public List<string> Seen { get; } = new();

        public override int Execute(RealtimeHost host, CommandArguments args, long mainNs)
        {
            int times = args.GetInt("times", 1, 3) ?? 1;
            for (int i = 0; i < times; i++) Seen.Add(args.Has("loud") ? "HELLO" : "hello");
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
        Assert.Equal(new[] { "run", "check", "boards", "safe", "bundle", "bench", "profile" }, Names(Rtapp()));
        Assert.Equal(new[] { "run", "check", "boards", "safe", "bundle" }, Names(new RealtimeHost("mine")));
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
    [InlineData("help", "run")]
    public void EachCommandHasItsOwnHelp(params string[] args)
    {
        var r = ConsoleCapture.Run(Rtapp(), args);
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.StartsWith("  rtapp run [--board NAME|FILE.json]", r.Out);
        Assert.Contains("--floor", r.Out);
        Assert.DoesNotContain("rtapp bundle", r.Out);
        Assert.Empty(r.Err);
    }

    [Fact]
    public void TheGeneralHelpListsEveryCommandAndApplication()
    {
        var r = ConsoleCapture.Run(Rtapp(), "help");
        Assert.Equal(ExitCodes.Ok, r.Exit);
        foreach (string c in new[] { "run", "check", "boards", "safe", "bundle", "bench", "profile" }) Assert.Contains($"  rtapp {c} ", r.Out);
        Assert.Contains("Applications: face-tracker, voice-relay, line-follower.", r.Out);
    }

    [Theory]
    [InlineData(new[] { "rnu" }, "rtapp: unknown command 'rnu' (did you mean 'run'?)")]
    [InlineData(new[] { "deploy" }, "rtapp: unknown command 'deploy'")]
    [InlineData(new[] { "run", "--fames", "3" }, "rtapp: unknown option '--fames' for 'run' (did you mean '--frames'?)")]
    [InlineData(new[] { "run", "--demo", "juggler" }, "rtapp: unknown demo 'juggler' (available: face-tracker, voice-relay, line-follower)")]
    [InlineData(new[] { "bench", "--demo", "juggler" }, "rtapp: unknown demo 'juggler' (available: face-tracker, voice-relay, line-follower)")]
    public void BadInputIsOneLineNamingTheProblemThenTheHintAndExit2(string[] args, string line)
    {
        var r = ConsoleCapture.Run(Rtapp(), args);
        Assert.Equal(ExitCodes.BadInput, r.Exit);
        Assert.Equal(line + "\nTry 'rtapp help'.\n", r.Err);
    }

    [Theory]
    [InlineData(new[] { "b" }, new[] { "boards", "bundle", "bench" })]
    [InlineData(new[] { "run", "--fr" }, new[] { "--frames" })]
    [InlineData(new[] { "run", "--demo", "" }, new[] { "face-tracker", "voice-relay", "line-follower" })]
    [InlineData(new[] { "safe", "--board", "rpi" }, new[] { "rpi4", "rpi4-tracker-15hz", "rpi5" })]
    [InlineData(new[] { "run", "--report", "" }, new string[0])]
    [InlineData(new[] { "deploy", "--" }, new string[0])]
    public void CompletionOffersWhatMayComeNext(string[] words, string[] expected)
    {
        var offered = Rtapp().Complete(words);
        Assert.Equal(new SortedSet<string>(expected, StringComparer.Ordinal), new SortedSet<string>(offered, StringComparer.Ordinal));
        var r = ConsoleCapture.Run(Rtapp(), new[] { "complete" }.Concat(words).ToArray());
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Equal(offered.Count == 0 ? "" : string.Join("\n", offered) + "\n", r.Out);
    }

    [Fact]
    public void TheBashCompletionScriptAsksTheToolItself()
    {
        var r = ConsoleCapture.Run(new RealtimeHost("my-app"), "completion", "bash");
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Contains("complete -o default -F _my_app_complete my-app", r.Out);
        Assert.Contains("complete \"${COMP_WORDS[@]:1:COMP_CWORD}\"", r.Out);
        Assert.Equal(ExitCodes.BadInput, ConsoleCapture.Run(new RealtimeHost("my-app"), "completion", "fish").Exit);
        Assert.Throws<ArgumentException>(() => new RealtimeHost("rm -rf;"));
    }

    [Fact]
    public void VersionPrintsTheToolAndVersion()
    {
        var host = Rtapp();
        var r = ConsoleCapture.Run(host, "--version");
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.StartsWith($"rtapp {host.Version}", r.Out);
        Assert.Matches(@"^\d+\.\d+\.\d+$", host.Version);
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
