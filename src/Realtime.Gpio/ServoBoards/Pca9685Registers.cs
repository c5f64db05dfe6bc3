using System;

namespace Realtime.Gpio.ServoBoards;

/// <summary>
/// The PCA9685's register map and timing formulas (NXP PCA9685 datasheet, rev. 4, §7.3): 16
/// channels of 12-bit PWM, one prescaler for all, a 25 MHz internal oscillator.
/// </summary>
public static class Pca9685Registers
{
    /// <summary>The address with A5..A0 all low (the common servo boards' default).</summary>
    public const int DefaultAddress = 0x40;
    /// <summary>Channels on one chip.</summary>
    public const int Channels = 16;
    /// <summary>Counts in one PWM period.</summary>
    public const int CountsPerPeriod = 4096;
    /// <summary>The internal oscillator, Hz.</summary>
    public const double OscillatorHz = 25_000_000;

    /// <summary>MODE1: RESTART, EXTCLK, AI, SLEEP, SUB1..3, ALLCALL.</summary>
    public const byte Mode1 = 0x00;
    /// <summary>MODE2: INVRT, OCH, OUTDRV, OUTNE.</summary>
    public const byte Mode2 = 0x01;
    /// <summary>LED0_ON_L; channel n's four registers (ON_L, ON_H, OFF_L, OFF_H) start at <c>Led0OnL + 4n</c>.</summary>
    public const byte Led0OnL = 0x06;
    /// <summary>ALL_LED_ON_L: writes go to every channel (write-only, reads 0).</summary>
    public const byte AllLedOnL = 0xFA;
    /// <summary>PRE_SCALE: the PWM frequency; written only while MODE1.SLEEP is set.</summary>
    public const byte PreScale = 0xFE;

    /// <summary>MODE1.SLEEP: oscillator off (power-on state).</summary>
    public const byte SleepBit = 0x10;
    /// <summary>MODE1.AI: register auto-increment.</summary>
    public const byte AutoIncrementBit = 0x20;
    /// <summary>MODE1.ALLCALL: answers the all-call address.</summary>
    public const byte AllCallBit = 0x01;
    /// <summary>Bit 4 of LEDn_ON_H (full on) and of LEDn_OFF_H (full off, which wins).</summary>
    public const byte FullBit = 0x10;

    /// <summary>MODE1 at power-on: asleep, all-call on.</summary>
    public const byte Mode1PowerOn = 0x11;
    /// <summary>MODE2 at power-on: totem-pole outputs.</summary>
    public const byte Mode2PowerOn = 0x04;
    /// <summary>PRE_SCALE at power-on (200 Hz).</summary>
    public const byte PreScalePowerOn = 0x1E;
    /// <summary>The smallest PRE_SCALE the chip accepts (the chip forces smaller values to 3).</summary>
    public const byte PreScaleMin = 3;

    /// <summary>LEDn_ON_L for a channel.</summary>
    public static byte LedOnL(int channel) => (byte)(Led0OnL + 4 * channel);

    /// <summary>PRE_SCALE for an update rate: round(osc / (4096 × rate)) − 1, kept within 3..255.</summary>
    public static byte PrescaleFor(double frequencyHz) =>
        (byte)Math.Clamp(Math.Round(OscillatorHz / (CountsPerPeriod * frequencyHz)) - 1, PreScaleMin, 255);

    /// <summary>The update rate a PRE_SCALE gives, Hz.</summary>
    public static double FrequencyFor(byte prescale) => OscillatorHz / (CountsPerPeriod * (prescale + 1.0));

    /// <summary>One count's length at a PRE_SCALE, µs.</summary>
    public static double CountUs(byte prescale) => (prescale + 1.0) * 1e6 / OscillatorHz;
}
