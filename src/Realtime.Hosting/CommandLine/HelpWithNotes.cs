using System;
using System.CommandLine;
using System.CommandLine.Invocation;

namespace Realtime.Hosting;

/// <summary>System.CommandLine's help, then the command's notes (what does not fit an option's line: formats, exit codes).</summary>
internal sealed class HelpWithNotes : SynchronousCommandLineAction
{
    private readonly CommandLineAction _help;
    private readonly Func<Command, string?> _notes;

    public HelpWithNotes(CommandLineAction help, Func<Command, string?> notes) => (_help, _notes) = (help, notes);

    /// <inheritdoc/>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        int exit = ((SynchronousCommandLineAction)_help).Invoke(parseResult);
        if (_notes(parseResult.CommandResult.Command) is string notes)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(notes.TrimEnd());
            output.WriteLine();
        }
        return exit;
    }
}
