using Realtime.Core.Graph;

namespace Realtime.Gpio.Components;

/// <summary>The built-in components over GPIO and PWM outputs (one registration line each).</summary>
public static class GpioComponents
{
    /// <summary>Registers Gpio's component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddGpioComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register("gpio-relay", GpioRelayNode.Create, "a relay on a GPIO line, closed while the command is ≥ 0.5 (open is safe)", NodeRole.Sink);
        r.Register("servo", ServoSink.Create, "servos on the board's pwm outputs (degrees)", NodeRole.Sink);
        r.Register("motor", MotorSink.Create, "RC-style motors on the board's pwm outputs ([-1, 1])", NodeRole.Sink);
        r.Register("imu", ImuSensorSource.Create, "an MPU-6050/6000 of the board's sensors, one sample per frame");
        return r;
    }
}
