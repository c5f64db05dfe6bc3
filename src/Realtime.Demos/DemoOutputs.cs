using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;
using Realtime.Gpio.ServoBoards;

namespace Realtime.Demos;

/// <summary>
/// Each demo's outputs as the profile describes them — the face tracker's servos on <c>pwm[]</c> —
/// built in one place, so the demos
/// and <c>rtapp safe</c> (which opens only the outputs, with no model or camera, to drive them to
/// their safe values after the loop died) agree on channels and calibrations.
/// </summary>
public static class DemoOutputs
{
    /// <summary>The face tracker's servos: every <c>pwm[]</c> entry with its calibration, on a sysfs PWM chip or a PCA9685 board.</summary>
    public static PwmOutput<ServoCalibration>[] Servos(BoardProfile p)
    {
        var outputs = new PwmOutput<ServoCalibration>[p.Pwm.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = PwmOutputs.Servo(p.Pwm[i]);
        return outputs;
    }

    /// <summary>
    /// Opens the face tracker's servos at their safe angles (real or simulated as the board is). A
    /// missing PWM chip or bus device, or a PCA9685 that does not answer, is the profile's to fix,
    /// named by field; never an unhandled exception.
    /// </summary>
    public static ServoActuator OpenServos(DemoWiring w)
    {
        var p = w.Profile;
        var outputs = Servos(p);
        int board = p.Pwm.FindIndex(o => o.Pca9685 is not null);
        return OpenPwm(w, () => ServoActuator.Open(outputs, p.Simulated ? PwmChannelOpener.Simulated() : PwmChannelOpener.Hardware()),
            board >= 0 ? $"pwm[{board}].pca9685" : null);
    }

    /// <summary>
    /// Opens only the outputs of <paramref name="demo"/> (nothing else: no model, no camera) at
    /// their safe values. A channel or line that cannot be opened is a problem naming its field.
    /// </summary>
    public static IActuator OpenSafe(string demo, DemoWiring w)
    {
        switch (demo)
        {
            default:
                throw w.Problem("demo", $"unknown demo '{demo}' (available: {string.Join(", ", DemoApplications.Names)})");
        }
    }

    /// <summary>
    /// Opens PWM outputs; a failure is a problem naming <paramref name="busField"/> (a PCA9685 board
    /// that does not answer) when the board has one and the bus failed, else <c>pwm</c>.
    /// </summary>
    private static T OpenPwm<T>(DemoWiring w, Func<T> open, string? busField = null)
    {
        try
        {
            return open();
        }
        catch (Exception ex) when (busField is not null && ex is System.IO.IOException or UnauthorizedAccessException)
        {
            throw w.Problem(busField, ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or System.IO.IOException or UnauthorizedAccessException)
        {
            throw w.Problem("pwm", $"the PWM outputs cannot be opened: {ex.Message}");
        }
    }
}
