namespace Realtime.Gpio.Power;

/// <summary>What a <see cref="PowerSampler"/> measured: good readings, failed ones, the time they cover, energy and mean power.</summary>
public readonly record struct PowerTotals(long Samples, long ReadErrors, double Seconds, double EnergyJ, double MeanW, string? LastError);
