using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;
using Realtime.Gpio.Components;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp safe</c>: drives a profile's outputs to their safe values and exits — the step systemd
/// runs after the loop's process ended however it ended (<c>ExecStopPost=</c>), so a SIGKILL or a
/// crash does not leave a servo or a motor at its last command. It opens only the outputs the
/// profile's demo drives (no model, no camera, no assets), writes their safe values and leaves
/// hardware PWM running at them.
/// </summary>
internal sealed class SafeCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "safe";

    /// <inheritdoc/>
    public override string Help => """
          {tool} safe [--board NAME|FILE.json] [--set key=value]... [--demo NAME] [--assets DIR] [--quiet]
              Opens only the outputs the application drives, writes their safe values and exits (the service's
              ExecStopPost: outputs go safe however the loop's process ended). Hardware PWM keeps running at them.
              A profile's app graph is built to find its sinks (its models load; no source runs).
        """;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, bool> Options => OptionTable;

    private static readonly Dictionary<string, bool> OptionTable = new()
    {
        ["board"] = true, ["set"] = true, ["demo"] = true, ["quiet"] = false, ["assets"] = true,
    };

    public override int Execute(RealtimeHost host, CommandArguments cl, long mainNs)
    {
        string board = cl.Get("board") ?? "sim";
        string? demoArg = cl.Get("demo");
        if (demoArg is not null && !host.Applications.Has(demoArg))
            throw new UsageException(host.Applications.Unknown(demoArg));
        var (profile, source) = ProfileCatalog.Load(board, cl.GetAll("set"), demoArg);
        var application = host.ApplicationFor(profile, source, demoArg);

        IActuator outputs = application.OpenSafeOutputs(new ApplicationContext(profile, source) { AssetsDirectory = AssetLocator.Find(cl.Get("assets")) });
        var lines = new List<string>();
        try
        {
            outputs.ApplySafeState();
            switch (outputs)
            {
                case ServoActuator servos: Describe(servos, profile, "angle", "°", lines); break;
                case MotorActuator motors: Describe(motors, profile, "speed", "", lines); break;
                case RelayActuator relay:
                    lines.Add($"relay (GPIO line {relay.Pin}): open, {(relay.ActiveHigh ? "low" : "high")} (de-energised)");
                    break;
                case GraphSinks sinks:
                    foreach (var sink in sinks.Sinks)
                        lines.Add(sink is GpioRelayNode r
                            ? $"{sink.Name}: relay (GPIO line {r.Relay.Pin}): open, {(r.Relay.ActiveHigh ? "low" : "high")} (de-energised)"
                            : $"{sink.Name}: safe");
                    break;
            }
        }
        finally
        {
            // Hardware PWM keeps running at the safe duty after this process: disposing a channel would
            // stop its pulses and unexport it, leaving the output to whatever the servo or ESC does
            // without a signal. A relay line is released at its safe level; simulated outputs just go.
            if (profile.Simulated || outputs is RelayActuator || outputs is GraphSinks { OnlyRelays: true }) outputs.Dispose();
        }
        if (!cl.Has("quiet"))
        {
            Console.WriteLine($"rtapp safe: {profile.Name} / {application.Name}: outputs driven to their safe values{(profile.Simulated ? " (simulated)" : "")}");
            foreach (string line in lines) Console.WriteLine("  " + line);
        }
        return ExitCodes.Ok;
    }

    private static void Describe<T>(PwmActuator<T> a, BoardProfile p, string what, string unit, List<string> lines) where T : struct, IPwmCalibration
    {
        var c = CultureInfo.InvariantCulture;
        for (int i = 0; i < a.Channels; i++)
        {
            var o = p.Pwm[i];
            var cal = a.Calibrations[i];
            double duty = a.PwmChannels[i].DutyCycle;
            lines.Add(string.Create(c, $"{o.Name} (pwmchip{o.Chip} channel {o.Channel}): {what} {cal.SafeValue:0.###}{unit}, duty {duty:0.0000} ({duty * 1e6 / cal.FrequencyHz:0} µs at {cal.FrequencyHz} Hz)"));
        }
    }
}
