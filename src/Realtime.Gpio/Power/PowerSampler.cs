using System;
using System.IO;
using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Gpio.Power;

/// <summary>
/// Reads a power monitor at a fixed period on its own ordinary (non-RT) thread and integrates the
/// energy, so the loop never waits on the I2C bus. <see cref="SampleAt"/> is one tick, for tests
/// and for a caller that drives it by hand; <see cref="Start"/> runs ticks on the thread until
/// <see cref="Stop"/>. A failed read is counted and leaves a gap, never an exception on the thread.
/// </summary>
public sealed class PowerSampler : IDisposable
{
    private readonly IPowerSensor _sensor;
    private readonly long _periodNs;
    private readonly Action? _onThreadStart;
    private readonly object _gate = new();
    private EnergyIntegrator _energy;
    private long _errors;
    private string? _lastError;
    private Thread? _thread;
    private volatile bool _stop;

    /// <summary>Samples <paramref name="sensor"/> every <paramref name="periodNs"/>; <paramref name="onThreadStart"/> runs first on the thread (e.g. to pin it to housekeeping cores). Owns the sensor.</summary>
    public PowerSampler(IPowerSensor sensor, long periodNs, Action? onThreadStart = null)
    {
        if (periodNs <= 0) throw new ArgumentOutOfRangeException(nameof(periodNs));
        _sensor = sensor;
        _periodNs = periodNs;
        _onThreadStart = onThreadStart;
    }

    /// <summary>The sensor's description.</summary>
    public string Description => _sensor.Description;

    /// <summary>One reading, taken as at <paramref name="timeNs"/>; false when the read failed.</summary>
    public bool SampleAt(long timeNs)
    {
        double volts, amps;
        try
        {
            (volts, amps) = _sensor.Read();
        }
        catch (IOException ex)
        {
            lock (_gate)
            {
                _errors++;
                _lastError = ex.Message;
                _energy.Gap();
            }
            return false;
        }
        lock (_gate) _energy.Add(timeNs, volts * amps);
        return true;
    }

    /// <summary>What was measured so far.</summary>
    public PowerTotals Totals()
    {
        lock (_gate) return new PowerTotals(_energy.Samples, _errors, _energy.Seconds, _energy.EnergyJ, _energy.MeanW, _lastError);
    }

    /// <summary>Starts sampling on a background thread, first reading now.</summary>
    public void Start()
    {
        if (_thread is not null) throw new InvalidOperationException("already started");
        _thread = new Thread(Run) { Name = "power-monitor", IsBackground = true };
        _thread.Start();
    }

    private void Run()
    {
        _onThreadStart?.Invoke();
        long next = MonotonicClock.NowNs();
        while (!_stop)
        {
            SampleAt(MonotonicClock.NowNs());
            next += _periodNs;
            long wait = next - MonotonicClock.NowNs();
            if (wait < 0) next = MonotonicClock.NowNs(); // fell behind: no burst of catch-up reads
            else Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, wait / 100)));
        }
    }

    /// <summary>Stops the thread after its reading in flight and takes one last reading, so the run's end is covered.</summary>
    public void Stop()
    {
        if (_thread is null || _stop) return;
        _stop = true;
        _thread.Join();
        SampleAt(MonotonicClock.NowNs());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _sensor.Dispose();
    }
}
