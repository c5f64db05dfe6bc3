using Realtime.Gpio.ServoBoards;

namespace Realtime.Gpio;

/// <summary>
/// One PWM output and where it is: sysfs <c>pwmchip<see cref="Chip"/></c> channel
/// <see cref="Channel"/>, or, when <see cref="Board"/> is set, channel <see cref="Channel"/> of
/// that PCA9685 (then <see cref="Chip"/> is unused).
/// </summary>
public readonly record struct PwmOutput<TCalibration>(int Chip, int Channel, TCalibration Calibration, Pca9685Target? Board = null)
    where TCalibration : struct, IPwmCalibration;
