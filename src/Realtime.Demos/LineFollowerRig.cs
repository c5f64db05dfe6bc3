using System;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Gpio;
using Realtime.Models;
using Realtime.Onnx;
using Realtime.Sim;

namespace Realtime.Demos;

/// <summary>Everything the simulated line follower is made of, in plain numbers (the demo reads them from the profile).</summary>
public sealed record LineFollowerSetup
{
    /// <summary>Camera image size (square), px.</summary>
    public int ImagePx { get; init; } = 320;
    /// <summary>Floor width the camera sees, cm.</summary>
    public double ViewWidthCm { get; init; } = 40;
    /// <summary>Distance from the axle to the view's near edge, cm.</summary>
    public double ViewNearCm { get; init; } = 6;
    /// <summary>Track centreline rectangle width, cm.</summary>
    public double TrackWidthCm { get; init; } = 220;
    /// <summary>Track centreline rectangle height, cm.</summary>
    public double TrackHeightCm { get; init; } = 140;
    /// <summary>Track corner radius, cm.</summary>
    public double CornerRadiusCm { get; init; } = 40;
    /// <summary>Painted line width, cm.</summary>
    public double LineWidthCm { get; init; } = 2.5;
    /// <summary>Floor image resolution, px per cm.</summary>
    public double WorldPxPerCm { get; init; } = 5;
    /// <summary>Wheel base, cm.</summary>
    public double WheelBaseCm { get; init; } = 12;
    /// <summary>Wheel speed at full command, cm/s.</summary>
    public double MaxWheelCmPerS { get; init; } = 40;
    /// <summary>Motor time constant, s.</summary>
    public double MotorTimeConstantS { get; init; } = 0.08;
    /// <summary>Start offset to the left of the start line, cm (a deliberate error to recover from).</summary>
    public double StartOffsetCm { get; init; } = 0;
    /// <summary>Start heading relative to the line, degrees (positive: turned left).</summary>
    public double StartHeadingDeg { get; init; } = 0;
    /// <summary>Cruise speed, cm/s.</summary>
    public double CruiseCmPerS { get; init; } = 20;
    /// <summary>Pure-pursuit lookahead, cm.</summary>
    public double LookaheadCm { get; init; } = 24;
    /// <summary>How far from last frame's target a candidate may be and still be the line, cm.</summary>
    public double GateCm { get; init; } = 8;
    /// <summary>Candidates this close to the chosen one are averaged with it, cm.</summary>
    public double MergeCm { get; init; } = 4;
    /// <summary>Frames the last arc is held when the line is lost, before the motors stop.</summary>
    public int HoldFrames { get; init; } = 5;
    /// <summary>M-LSD centre score threshold.</summary>
    public double ScoreThreshold { get; init; } = 0.1;
    /// <summary>M-LSD minimum segment length, model-input px.</summary>
    public double MinSegmentPx { get; init; } = 16;
    /// <summary>Motor PWM: (chip, channel, calibration) for the left then the right motor.</summary>
    public (int Chip, int Channel, MotorCalibration Calibration)[] Motors { get; init; } =
    {
        (0, 0, new MotorCalibration(50, 1000, 1500, 2000)),
        (0, 1, new MotorCalibration(50, 1000, 1500, 2000)),
    };
}

/// <summary>
/// The line follower's parts wired together around an M-LSD engine: track and robot, the camera that
/// renders the robot's view, RGBA preprocessing, the decoder, the steering and the motors.
/// Owns the camera and motors; the engine belongs to the caller.
/// </summary>
public sealed class LineFollowerRig : IDisposable
{
    /// <summary>Wires the parts.</summary>
    /// <param name="setup">The numbers.</param>
    /// <param name="engine">An M-LSD engine bound to [1, n, n, 4].</param>
    /// <param name="inputSize">The engine's input side.</param>
    /// <param name="periodS">Simulated time per loop tick.</param>
    /// <param name="simulated">Simulated PWM (true) or the board's sysfs PWM.</param>
    public LineFollowerRig(LineFollowerSetup setup, IInferenceEngine engine, int inputSize, double periodS, bool simulated = true)
        : this(setup, engine, inputSize, periodS, simulated ? MotorActuator.OpenSimulated(setup.Motors) : MotorActuator.OpenHardware(setup.Motors), ownsMotors: true)
    {
    }

    /// <summary>
    /// Wires the parts around motors opened already (a runner opens its outputs before the model
    /// loads); the caller keeps owning <paramref name="motors"/>.
    /// </summary>
    /// <param name="setup">The numbers (its <see cref="LineFollowerSetup.Motors"/> are not opened again).</param>
    /// <param name="engine">An M-LSD engine bound to [1, n, n, 4].</param>
    /// <param name="inputSize">The engine's input side.</param>
    /// <param name="periodS">Simulated time per loop tick.</param>
    /// <param name="motors">The left and right motors, at their safe (stopped) values.</param>
    public LineFollowerRig(LineFollowerSetup setup, IInferenceEngine engine, int inputSize, double periodS, MotorActuator motors)
        : this(setup, engine, inputSize, periodS, motors, ownsMotors: false)
    {
    }

    private LineFollowerRig(LineFollowerSetup setup, IInferenceEngine engine, int inputSize, double periodS, MotorActuator motors, bool ownsMotors)
    {
        Setup = setup;
        _ownsMotors = ownsMotors;
        View = new FloorView(setup.ImagePx, setup.ImagePx, setup.ViewWidthCm, setup.ViewNearCm);
        Track = new LineTrack(setup.TrackWidthCm, setup.TrackHeightCm, setup.CornerRadiusCm, setup.LineWidthCm);
        Motors = motors;
        try
        {
            var start = Track.At(0);
            double heading = start.Heading + setup.StartHeadingDeg * Math.PI / 180;
            // Left of the direction of travel is +90°.
            double sx = start.X - Math.Sin(start.Heading) * setup.StartOffsetCm, sy = start.Y + Math.Cos(start.Heading) * setup.StartOffsetCm;
            Plant = new DifferentialDrivePlant(Motors.PwmChannels[0], Motors.Calibrations[0], Motors.PwmChannels[1], Motors.Calibrations[1],
                new DriveParameters(setup.WheelBaseCm, setup.MaxWheelCmPerS, setup.MotorTimeConstantS), sx, sy, heading);
            Camera = new TrackCamera(Track, Track.Render(setup.WorldPxPerCm, setup.ViewWidthCm + setup.ViewNearCm + 10), Plant, View, periodS);
        }
        catch
        {
            if (ownsMotors) Motors.Dispose();
            throw;
        }
        // The camera's frames are the model's size: the pass is a conversion, no resampling.
        Preprocessor = new LetterboxPreprocessor(setup.ImagePx, setup.ImagePx, inputSize, inputSize, 0f, 255f, channels: 4, alpha: 1f, keepAspect: false);
        Decoder = new MlsdDecoder(engine, Preprocessor, inputSize, (float)setup.ScoreThreshold, (float)setup.MinSegmentPx);
    }

    /// <summary>The numbers it was built from.</summary>
    public LineFollowerSetup Setup { get; }
    /// <summary>The camera's view of the floor.</summary>
    public FloorView View { get; }
    /// <summary>The track.</summary>
    public LineTrack Track { get; }
    /// <summary>The motors.</summary>
    public MotorActuator Motors { get; }
    /// <summary>The robot.</summary>
    public DifferentialDrivePlant Plant { get; } = null!;
    /// <summary>The camera.</summary>
    public TrackCamera Camera { get; } = null!;
    /// <summary>The preprocessing pass.</summary>
    public LetterboxPreprocessor Preprocessor { get; }
    /// <summary>The decoder.</summary>
    public MlsdDecoder Decoder { get; }

    /// <summary>A fresh steering controller (each loop gets its own).</summary>
    public LineSteering NewController() => new(View, new LineSteeringSettings(Setup.CruiseCmPerS, Setup.MaxWheelCmPerS, Setup.WheelBaseCm,
        Setup.LookaheadCm, Setup.GateCm, Setup.MergeCm, Setup.HoldFrames));

    /// <inheritdoc/>
    public void Dispose()
    {
        Camera?.Dispose();
        if (_ownsMotors) Motors.Dispose();
    }

    private readonly bool _ownsMotors;
}
