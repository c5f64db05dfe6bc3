using Realtime.Bench.Commands;
using Realtime.Hosting;

namespace Realtime.Bench;

/// <summary>Plugs the bench into a host: <c>bench</c> (scenarios, floor, cold start, variants, sustained rate), <c>profile</c> (ONNX Runtime's operator profile), <c>quantize</c> (int8 models calibrated on the application's frames), <c>batch</c> (fixed-batch variants) and <c>first-run</c> (a cold start's floor: one model loaded and run once).</summary>
public static class BenchCommands
{
    /// <summary>Adds <c>bench</c>, <c>profile</c>, <c>quantize</c>, <c>batch</c> and <c>first-run</c> to <paramref name="host"/>'s commands.</summary>
    public static RealtimeHost AddBench(this RealtimeHost host)
    {
        host.AddCommand(new BenchCommand());
        host.AddCommand(new ProfileCommand());
        host.AddCommand(new QuantizeCommand());
        host.AddCommand(new BatchCommand());
        host.AddCommand(new FirstRunCommand());
        return host;
    }
}
