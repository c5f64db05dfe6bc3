using System;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Gpio.Imu;

namespace Realtime.Gpio.Components;

/// <summary>
/// <c>imu</c>: an MPU-6050/6000 of the board's <c>sensors[]</c> (config <c>sensor</c>: its name),
/// one burst read per frame into an <see cref="ImuPayload"/>, stamped when the read completed. On
/// a simulated board it reads a simulated chip (at rest and level unless told otherwise,
/// <see cref="Simulated"/>). A bus error is a failed capture for the watchdog, counted, not a crash.
/// </summary>
public sealed class ImuSensorSource : SourceNode
{
    private readonly Mpu6050 _imu;
    private readonly IClock _clock;
    private long _reads, _busErrors;

    /// <summary>A source reading <paramref name="imu"/> (owned by whoever opened it).</summary>
    public ImuSensorSource(string name, Mpu6050 imu, IClock clock, SimulatedMpu6050? simulated = null) : base(name)
    {
        _imu = imu ?? throw new ArgumentNullException(nameof(imu));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        Simulated = simulated;
        Imu = Output("imu", new ImuPayload());
    }

    /// <summary>The sample.</summary>
    public OutputPort<ImuPayload> Imu { get; }
    /// <summary>The simulated chip read on a simulated board, else null.</summary>
    public SimulatedMpu6050? Simulated { get; }
    /// <summary>The last bus error's message, or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        string sensor = config.Text("sensor");
        if (config.Problems.Count > 0) return null!;
        BoardProfile board = context.Board;
        SensorProfile? found = null;
        string known = "";
        foreach (SensorProfile s in board.Sensors)
        {
            if (s.Chip is "mpu6050" or "mpu6000") known += (known.Length > 0 ? ", " : "") + s.Name;
            if (s.Name == sensor) found = s;
        }
        if (found is null) { config.Problem("sensor", $"the board has no sensor '{sensor}' (IMUs in sensors[]: {(known.Length > 0 ? known : "none")})"); return null!; }
        SimulatedMpu6050? sim = board.Simulated ? new SimulatedMpu6050() : null;
        try
        {
            Mpu6050 imu = context.Own(ImuBus.Open(found, sim));
            return new ImuSensorSource(name, imu, context.Clock, sim);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
        {
            config.Problem("sensor", $"sensor '{sensor}' ({found.Device}) cannot be opened: {ex.Message}");
            return null!;
        }
    }

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        ImuPayload p = Imu.Payload;
        try
        {
            _imu.Read(ref p.Sample);
        }
        catch (IOException ex)
        {
            _busErrors++;
            LastError = ex.Message;
            return CaptureStatus.Failed;
        }
        CaptureNs = _clock.NowNs();
        p.CaptureNs = CaptureNs;
        _reads++;
        return CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("reads", _reads);
        report.Add("bus_errors", _busErrors);
    }
}
