using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Realtime.Core.Profiles;

namespace Realtime.Hosting.Commands;

/// <summary><c>rtapp boards</c>: the built-in profiles, or one profile resolved (<c>--show</c>).</summary>
internal sealed class BoardsCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "boards";

    /// <inheritdoc/>
    public override string Help => """
          {tool} boards [--show NAME|FILE.json [--set key=value]...]
              Lists the built-in board profiles, or prints one with inheritance and overrides resolved.
        """;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, bool> Options => OptionTable;

    private static readonly Dictionary<string, bool> OptionTable = new()
    {
        ["show"] = true, ["set"] = true,
    };

    public override int Execute(RealtimeHost host, CommandArguments cl, long mainNs)
    {
        if (cl.Get("show") is string board)
        {
            var (json, _, _) = ProfileCatalog.Resolve(board, cl.GetAll("set"), null, host);
            Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }
        if (cl.GetAll("set").Count > 0) throw new UsageException("--set needs --show NAME (rtapp boards --show NAME --set key=value)");

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"{"board",-20} {"arch",-5} {"cores",5} {"rate",7} {"deadline",9}  description");
        foreach (string name in ProfileCatalog.Names())
        {
            try
            {
                var (p, _) = ProfileCatalog.Load(name, null, null, host);
                string cores = p.CpuCores > 0 ? p.CpuCores.ToString(c) : "any";
                Console.WriteLine(string.Create(c, $"{p.Name,-20} {p.Arch ?? "any",-5} {cores,5} {p.Timing.RateHz,4:0.##} Hz {p.Timing.DeadlineUs / 1000.0,6:0.#} ms  {p.Description}"));
            }
            catch (ProfileException ex)
            {
                Console.WriteLine($"{name,-20} (invalid) {ex.Message}");
            }
        }
        Console.WriteLine();
        Console.WriteLine("rtapp boards --show NAME [--set key=value]... prints a profile with inheritance and overrides resolved.");
        return ExitCodes.Ok;
    }
}
