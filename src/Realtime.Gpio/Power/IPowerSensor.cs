using System;

namespace Realtime.Gpio.Power;

/// <summary>A power monitor chip: one reading of the supply it sits on. Read off the loop, never in it.</summary>
public interface IPowerSensor : IDisposable
{
    /// <summary>What it is, for the report (e.g. <c>ina219 at /dev/i2c-1 0x41</c>).</summary>
    string Description { get; }

    /// <summary>The load-side voltage and the current through the shunt now; an <see cref="System.IO.IOException"/> when the bus fails.</summary>
    (double Volts, double Amps) Read();
}
