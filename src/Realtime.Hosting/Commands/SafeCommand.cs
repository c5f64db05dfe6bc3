using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;


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
    public override string Description => "Opens only the outputs the application drives, writes their safe values and exits (the service's " +
        "ExecStopPost: outputs go safe however the loop's process ended). Hardware PWM keeps running at them. " +
        "Of a profile's app graph only the sinks are built (no model, no video, no source: a missing asset does not stop it).";

    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile: a built-in name or a profile file (default: sim).");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable).");
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "The application whose outputs go safe (default: the profile's).");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print nothing.");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The assets folder (accepted for the service's command line; the outputs need no asset).");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _board, _set, _demo, _assets, _quiet };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        string board = cl.GetValue(_board) ?? "sim";
        string? demoArg = cl.GetValue(_demo);
        if (demoArg is not null && !host.Applications.Has(demoArg))
            throw new UsageException(host.Applications.Unknown(demoArg));
        var (profile, source) = ProfileCatalog.Load(board, cl.GetValue(_set) ?? [], demoArg, host);
        string? assets = AssetLocator.Find(cl.GetValue(_assets));
        // Several applications in one host: every loop's outputs, each as its application opens them.
        if (demoArg is null && AppSet.Runs(profile))
        {
            foreach (var l in AppSet.Load(host, board, cl.GetValue(_set) ?? [], profile, source))
                DriveSafe(l.Application, l.Profile, l.Source, assets, $"loop '{l.Name}' ({l.Application.Name})", cl.GetValue(_quiet));
            return ExitCodes.Ok;
        }
        var application = host.ApplicationFor(profile, source, demoArg);
        DriveSafe(application, profile, source, assets, application.Name, cl.GetValue(_quiet));
        return ExitCodes.Ok;
    }

    private static void DriveSafe(IRealtimeApplication application, BoardProfile profile, string source, string? assets, string label, bool quiet)
    {
        IActuator outputs = application.OpenSafeOutputs(new ApplicationContext(profile, source) { AssetsDirectory = assets });
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
                        foreach (string output in sink.DescribeOutputs()) lines.Add($"{sink.Name}: {output}");
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
        if (!quiet)
        {
            Console.WriteLine($"rtapp safe: {profile.Name} / {label}: outputs driven to their safe values{(profile.Simulated ? " (simulated)" : "")}");
            foreach (string line in lines) Console.WriteLine("  " + line);
        }
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
