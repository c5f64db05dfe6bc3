using System;
using System.Collections.Generic;
using System.CommandLine;
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
    public override string Description => "Lists the built-in board profiles, or prints one with inheritance and overrides resolved.";

    private readonly Option<string> _show = HostOptions.Board("--show", "Print this profile, resolved, as JSON.");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one field of the profile --show prints (repeatable).");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _show, _set };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        if (cl.GetValue(_show) is string board)
        {
            var (json, _, _) = ProfileCatalog.Resolve(board, cl.GetValue(_set) ?? [], null, host);
            Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }
        if (cl.GetValue(_set) is { Length: > 0 }) throw new UsageException("--set needs --show NAME (rtapp boards --show NAME --set key=value)");

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
