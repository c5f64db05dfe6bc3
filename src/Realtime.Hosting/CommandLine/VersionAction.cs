using System.CommandLine;
using System.CommandLine.Invocation;

namespace Realtime.Hosting;

/// <summary><c>--version</c>: the tool, its version and the commit it was built from, on one line.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    private readonly RealtimeHost _host;

    public VersionAction(RealtimeHost host) => _host = host;

    /// <inheritdoc/>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(_host.Commit is null ? $"{_host.ToolName} {_host.Version}" : $"{_host.ToolName} {_host.Version} (commit {_host.Commit})");
        return ExitCodes.Ok;
    }
}
