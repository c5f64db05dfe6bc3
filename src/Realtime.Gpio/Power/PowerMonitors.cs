using System;
using System.Device.I2c;
using Realtime.Core.Profiles;

namespace Realtime.Gpio.Power;

/// <summary>Opens the power monitors a profile's <c>sensors</c> name (chip <c>ina219</c>; the loader has checked bus, address, shunt and range).</summary>
public static class PowerMonitors
{
    /// <summary>Whether the sensor is a power monitor.</summary>
    public static bool IsPowerMonitor(SensorProfile sensor) => sensor.Chip == "ina219";

    /// <summary>
    /// Opens <paramref name="sensor"/> on its Linux bus device, or on <paramref name="simulated"/>
    /// (a test's or plant's chip) through the same bus API.
    /// </summary>
    public static IPowerSensor Open(SensorProfile sensor, SimulatedIna219? simulated = null)
    {
        if (!ProfileLoader.TryParseI2cDevice(sensor.Device, out int bus) || !ProfileLoader.TryParseI2cAddress(sensor.Address, out int address)
            || sensor.ShuntOhms is not double shunt || sensor.MaxCurrentA is not double maxA)
            throw new ArgumentException($"sensor '{sensor.Name}': a power monitor needs /dev/i2c-N, an address, shunt_ohms and max_current_a", nameof(sensor));
        string description = $"{sensor.Chip} at {sensor.Device} 0x{address:X2} ({sensor.Name})";
        if (sensor.Chip == "ina219")
        {
            // Plain I2C, or SMBus where the adapter only does that.
            I2cDevice device = simulated is not null ? simulated.OpenI2c(bus, address) : Realtime.Gpio.I2c.SmbusI2cDevice.Open(bus, address);
            return new Ina219PowerSensor(device, shunt, maxA, description);
        }
        throw new ArgumentException($"sensor '{sensor.Name}': chip '{sensor.Chip}' is not a power monitor rtapp drives (ina219)", nameof(sensor));
    }
}
