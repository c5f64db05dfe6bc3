using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.App;

/// <summary>rtapp: parses the command, loads a board profile, wires the loop, prints and writes the report.</summary>
internal static class Program
{
    /// <summary>Exit codes a supervisor can tell apart.</summary>
    public const int ExitOk = 0, ExitFault = 1, ExitBadInput = 2, ExitMissedDeadlines = 3;

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
                case "bench":
                    return BenchCommand.Execute(CommandLine.Parse(args, BenchCommand.Options), mainNs);
                case "profile":
                    return ProfileCommand.Execute(CommandLine.Parse(args, ProfileCommand.Options));
                case "boards":
                    return ListBoards();
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

    private static int ListBoards()
    {
        Console.WriteLine($"{"board",-12} {"demo",-14} description");
        foreach (string name in ProfileCatalog.Names())
        {
            try
            {
                var (p, _) = ProfileCatalog.Load(name);
                Console.WriteLine($"{p.Name,-12} {p.Demo,-14} {p.Description}");
            }
            catch (ProfileException ex)
            {
                Console.WriteLine($"{name,-12} {"(invalid)",-14} {ex.Message}");
            }
        }
        return ExitOk;
    }

    private static void PrintHelp()
    {
        Console.WriteLine($"""
            rtapp {Version} — closed-loop edge inference under hard deadlines

            Commands:
              rtapp run [--board NAME|FILE.json] [--demo face-tracker] [--frames N] [--warmup N]
                        [--scenario periodic|single-stream] [--report FILE.json] [--assets DIR]
                        [--no-floor] [--no-rt]
                  Runs a demo's closed loop on a board profile, prints a summary, writes the JSON report.
                  Defaults: --board sim, the profile's demo, frames and warm-up; periodic at the profile's rate.
              rtapp bench [--board B | --model FILE [--shape N=AxB,…]] [--scenario single-stream|periodic|max-rate|all]
                          [--frames N | --duration 30s] [--warmup N] [--rate HZ] [--deadline-us US] [--report FILE.json] [--html FILE]
                  The loop under MLPerf LoadGen's scenarios with the model-alone floor interleaved; a JSON report and an
                  HTML page of charts per run. Modes: --cold-start N (launches, with and without a saved optimized model),
                  --compare naive (the newcomer's loop beside the optimized one), --variants blazeface|silero (trade-offs).
              rtapp profile [--model FILE] [--runs N] [--top N] [--report FILE.json]
                  ONNX Runtime's operator profile beside the loop's own stages, shares adding up to 100 %.
              rtapp boards        Lists the built-in board profiles.
              rtapp --version     Prints the version.

            Assets (models, videos) are looked up in --assets DIR, $RTAPP_ASSETS, or a .assets folder
            above the binary or the working folder (./scripts/fetch-assets.sh fills it).
            Exit codes: 0 ok, 1 fault (outputs went to their safe state), 2 bad input.
            """);
    }
}
