using Realtime.Core.Control;

namespace Realtime.Core.Tests.Control;

/// <summary>The discrete PID: proportional term, clamped integral (anti-windup), clamped output, reset.</summary>
public sealed class PidTests
{
    private const double Big = 1e9;

    [Theory]
    [InlineData(0.5, 4.0)]
    [InlineData(2.0, -3.0)]
    [InlineData(0.35, 0.0)]
    public void ProportionalOnlyOutputIsKpTimesError(double kp, double error)
    {
        var pid = new Pid(new PidGains(kp, 0, 0, Big, Big));
        Assert.Equal(kp * error, pid.Update(error, 0.033), 12);
        Assert.Equal(kp * error, pid.Update(error, 0.033), 12); // no history creeps in
    }

    [Fact]
    public void IntegralAccumulatesErrorTimesDt()
    {
        var pid = new Pid(new PidGains(0, 1, 0, Big, Big));
        Assert.Equal(0.2, pid.Update(2, 0.1), 12);
        Assert.Equal(0.4, pid.Update(2, 0.1), 12);
        Assert.Equal(0.3, pid.Update(-1, 0.1), 12);
    }

    [Fact]
    public void IntegralClampsAtIntegralLimitSoItUnwindsAtOnce()
    {
        var pid = new Pid(new PidGains(0, 1, 0, IntegralLimit: 0.5, OutputLimit: Big));
        double last = 0;
        for (int i = 0; i < 100; i++) last = pid.Update(10, 1);
        Assert.Equal(0.5, last, 12);
        // Anti-windup: after a long saturation, one opposite step of 0.5 brings the integral straight back to 0.
        Assert.Equal(0.0, pid.Update(-0.5, 1), 12);
        // And the negative side clamps too.
        for (int i = 0; i < 100; i++) last = pid.Update(-10, 1);
        Assert.Equal(-0.5, last, 12);
    }

    [Fact]
    public void OutputClampsAtOutputLimitBothWays()
    {
        var pid = new Pid(new PidGains(100, 0, 0, Big, OutputLimit: 5));
        Assert.Equal(5.0, pid.Update(1, 0.01), 12);
        Assert.Equal(-5.0, pid.Update(-1, 0.01), 12);
        Assert.Equal(2.0, pid.Update(0.02, 0.01), 12); // inside the limit: not clamped
    }

    [Fact]
    public void DerivativeIsChangeOfErrorOverDtAndZeroOnTheFirstUpdate()
    {
        var pid = new Pid(new PidGains(0, 0, 1, Big, Big));
        Assert.Equal(0.0, pid.Update(2, 0.5), 12);
        Assert.Equal(6.0, pid.Update(5, 0.5), 12);
    }

    [Fact]
    public void ResetClearsTheIntegralAndTheDerivativeHistory()
    {
        var gains = new PidGains(0, 1, 1, Big, Big);
        var pid = new Pid(gains);
        var fresh = new Pid(gains);
        pid.Update(3, 1);
        pid.Update(7, 1);
        pid.Reset();
        double afterReset = pid.Update(2, 1);
        Assert.Equal(fresh.Update(2, 1), afterReset, 12);
        Assert.Equal(2.0, afterReset, 12); // integral 2, no derivative kick from the 7 before the reset
    }

    [Fact]
    public void ANonPositiveDtIsTreatedAsOneMillisecond()
    {
        var pid = new Pid(new PidGains(0, 1, 0, Big, Big));
        Assert.Equal(0.005, pid.Update(5, 0), 12);
    }
}
