using System;
using System.IO;

namespace Realtime.Hosting.Tests;

/// <summary>Runs the host with the process's standard output and error captured (tests that use it share one non-parallel collection).</summary>
internal static class ConsoleCapture
{
    public static (int Exit, string Out, string Err) Run(RealtimeHost host, params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            int exit = host.Run(args);
            return (exit, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}

/// <summary>Tests that swap the console: never at the same time as each other or anything else.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
