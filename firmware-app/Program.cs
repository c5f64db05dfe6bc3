using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.App;

/// <summary>rtapp: parses the command, loads a board profile, wires the loop, prints and writes the report.</summary>
internal static class Program
{
    /// <summary>Exit codes a supervisor can tell apart.</summary>
    public const int ExitOk = 0, ExitFault = 1, ExitBadInput = 2, ExitDeadlineMisses = 3, ExitStageOverrun = 4, ExitStall = 5, ExitSourceFailure = 6,
        ExitReportNotWritten = 7;

    public static readonly string Version = typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static int Main(string[] args)
    {
        long mainNs = MonotonicClock.NowNs();
        try
        {
            string command = args.Length > 0 ? args[0] : "help";
            switch (command)
            {
                case "run":
                    return RunCommand.Execute(CommandLine.Parse(args, RunCommand.Options), mainNs);
                case "check":
                    return CheckCommand.Execute(CommandLine.Parse(args, CheckCommand.Options));
                case "bench":
                    return BenchCommand.Execute(CommandLine.Parse(args, BenchCommand.Options), mainNs);
                case "profile":
                    return ProfileCommand.Execute(CommandLine.Parse(args, ProfileCommand.Options));
                case "boards":
                    return BoardsCommand.Execute(CommandLine.Parse(args, BoardsCommand.Options));
                case "safe":
                    return SafeCommand.Execute(CommandLine.Parse(args, SafeCommand.Options));
                case "bundle":
                    return BundleCommand.Execute(CommandLine.Parse(args, BundleCommand.Options));
                case "--version":
                case "version":
                    Console.WriteLine($"rtapp {Version}");
                    return ExitOk;
                case "help":
                case "--help":
                case "-h":
                    PrintHelp();
                    return ExitOk;
                default:
                    throw new UsageException($"unknown command '{command}'");
            }
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"rtapp: {ex.Message}");
            Console.Error.WriteLine("Try 'rtapp help'.");
            return ExitBadInput;
        }
        catch (ProfileException ex)
        {
            Console.Error.WriteLine($"rtapp: error: {ex.Message.Replace("\n", "\nrtapp: error: ", StringComparison.Ordinal)}");
            return ExitBadInput;
        }
    }

    private static void PrintHelp()
    {
        Console.WriteLine($"""
            rtapp {Version} — closed-loop edge inference under hard deadlines

            Commands:
              rtapp run [--board NAME|FILE.json] [--demo NAME] [--frames N] [--warmup N]
                        [--scenario periodic|single-stream] [--report FILE.json] [--assets DIR]
                        [--no-floor] [--no-rt] [--inject FAULTS] [--set key=value]...
                  Runs a demo's closed loop on a board profile, prints a summary, writes the JSON report.
                  Defaults: --board sim, the profile's demo, frames and warm-up; periodic at the profile's rate.
                  Demos: {string.Join(", ", Realtime.Demos.DemoCatalog.Names)}.
              rtapp check [--board NAME|FILE.json] [--set key=value]... [--assets DIR]
                  Sets this machine beside the profile: RT kernel, isolated cores, governor, RT throttling,
                  limits, device nodes, model hash. Exit 0 when nothing fails (warnings allowed).
              rtapp boards [--show NAME|FILE.json [--set key=value]...]
                  Lists the built-in board profiles, or prints one with inheritance and overrides resolved.
              rtapp safe [--board NAME|FILE.json] [--set key=value]... [--demo NAME]
                  Opens only the outputs the demo drives, writes their safe values and exits (the service's
                  ExecStopPost: outputs go safe however the loop's process ended). Hardware PWM keeps running at them.
              rtapp bundle --board NAME|FILE.json [--set key=value]... [--binary DIR] [--assets DIR]
                           [--out DIR] [--prefix /opt/rtapp/NAME] [--sign-key SSH_PRIVATE_KEY]
                  Writes NAME's install tarball: binary, native libraries, profile, model, systemd unit,
                  install.sh. --binary: the folder with rtapp for the board's arch (default: this one,
                  or out/rtapp-linux-arm64 beside it for arm64 boards). --sign-key: sign MANIFEST.sha256
                  with ssh-keygen -Y sign (namespace rtapp-bundle); install.sh --trust FILE verifies it.
              rtapp bench [--board B [--demo NAME] | --model FILE [--shape N=AxB,…]] [--scenario single-stream|periodic|max-rate|all]
                          [--frames N | --duration 30s] [--warmup N] [--rate HZ] [--deadline-us US] [--report FILE.json] [--html FILE]
                  The loop under MLPerf LoadGen's scenarios with the model-alone floor interleaved; a JSON report and an
                  HTML page of charts per run. Modes: --cold-start N [--page-cache warm|cold|both] (launches, with and without a saved
                  optimized model; cold drops the page cache before each launch, as root: a power-on),
                  --compare naive (the newcomer's loop beside the optimized one), --variants blazeface|silero (trade-offs).
                  --sustained-rate: periodic runs at rates it chooses, to the highest rate kept with 0 misses (--frames per run).
              rtapp profile [--model FILE] [--runs N] [--top N] [--report FILE.json]
                  ONNX Runtime's operator profile beside the loop's own stages, shares adding up to 100 %.
              rtapp --version     Prints the version.

            --set key=value overrides one profile field after inheritance (extends): timing.rate_hz=20,
            pwm[0].chip=1, threads.pipeline.cores=[2]. A profile file may start from another with
            "extends": "rpi5" (a built-in name) or "extends": "../base.json" (a path from its folder).
            A profile's "demos" object holds per-demo settings merged over it when --demo chooses that demo.

            Assets (models, videos) are looked up in --assets DIR, $RTAPP_ASSETS, or a .assets folder
            above the binary or the working folder (./scripts/fetch-assets.sh fills it).
            Fault injection (exercise the watchdog): --inject "slow:infer:20:from=100:to=160,stall-source:500:at=300,
              crash:decode:at=50,dead-source:from=10:to=20,garbage-source:from=10:to=20" (times in ms, frames from 0).
            Exit codes: 0 ok (also a stop by SIGINT/SIGTERM, at any moment), 1 fault (a stage crashed),
              2 bad input; when the profile's watchdog policy is 'exit': 3 deadline misses, 4 stage overrun,
              5 stall, 6 source failure; 7 the run ended well but its report could not be written (the
              summary is printed). The outputs are always driven to their safe state before the report
              is written and the process exits.
            """);
    }
}
