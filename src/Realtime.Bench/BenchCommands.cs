using Realtime.Bench.Commands;
using Realtime.Hosting;

namespace Realtime.Bench;

/// <summary>Plugs the bench into a host: <c>bench</c> (scenarios, floor, cold start, variants, sustained rate) <c>profile</c> (ONNX Runtime's operator profile) and <c>quantize</c> (int8 models calibrated on the application's frames).</summary>
public static class BenchCommands
{
    /// <summary>Adds <c>bench</c>, <c>profile</c> and <c>quantize</c> to <paramref name="host"/>'s commands.</summary>
    public static RealtimeHost AddBench(this RealtimeHost host)
    {
        host.AddCommand(new BenchCommand());
        host.AddCommand(new ProfileCommand());
        host.AddCommand(new QuantizeCommand());
        host.AddCommand(new BatchCommand());
        return host;
    }
}
