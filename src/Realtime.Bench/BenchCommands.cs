using Realtime.Bench.Commands;
using Realtime.Hosting;

namespace Realtime.Bench;

/// <summary>Plugs the bench into a host: <c>bench</c> (scenarios, floor, cold start, variants, sustained rate) and <c>profile</c> (ONNX Runtime's operator profile).</summary>
public static class BenchCommands
{
    /// <summary>Adds <c>bench</c> and <c>profile</c> to <paramref name="host"/>'s commands.</summary>
    public static RealtimeHost AddBench(this RealtimeHost host)
    {
        host.AddCommand(new BenchCommand());
        host.AddCommand(new ProfileCommand());
        return host;
    }
}
