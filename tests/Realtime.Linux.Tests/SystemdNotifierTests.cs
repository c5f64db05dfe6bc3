using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>
/// The sd_notify protocol against a datagram socket the test binds, as systemd does: messages
/// arrive whole, and keep-alives follow the loop's progress — none while it stands still.
/// </summary>
public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtapp-notify-" + Guid.NewGuid().ToString("N"));
    private readonly Socket _systemd;
    private readonly string _path;

    public SystemdNotifierTests()
    {
        Directory.CreateDirectory(_dir);
        _path = Path.Combine(_dir, "notify");
        _systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _systemd.Bind(new UnixDomainSocketEndPoint(_path));
    }

    public void Dispose()
    {
        _systemd.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The next message, or null when none comes within <paramref name="waitMs"/>.</summary>
    private string? Receive(int waitMs)
    {
        if (!_systemd.Poll(waitMs * 1000, SelectMode.SelectRead)) return null;
        var buffer = new byte[4096];
        int n = _systemd.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public void AMessageArrivesWhole()
    {
        using var n = SystemdNotifier.Connect(_path, null);
        Assert.True(n.Send("READY=1\nSTATUS=running sim"));
        Assert.Equal("READY=1\nSTATUS=running sim", Receive(10_000));
    }

    [Fact]
    public void WithoutAWatchdogKicksSendNothing()
    {
        using var n = SystemdNotifier.Connect(_path, null);
        for (long t = 1; t < 10; t++) n.Kick(t * 1_000_000_000);
        Assert.Null(Receive(300));
        Assert.Equal(0, n.KeepAlivesSent);
    }

    [Fact]
    public void KicksAreSentAtMostEveryHalfInterval()
    {
        using var n = SystemdNotifier.Connect(_path, TimeSpan.FromMilliseconds(100));
        // Kicks every 10 ms of (hand-ticked) time for 200 ms: one ping per 50 ms.
        for (long t = 1; t <= 20; t++) n.Kick(t * 10_000_000);
        Assert.Equal(4, n.KeepAlivesSent);
        for (int i = 0; i < 4; i++) Assert.Equal("WATCHDOG=1", Receive(10_000));
        Assert.Null(Receive(200));
    }

    /// <summary>A heartbeat the test advances by hand, as the loop would.</summary>
    private sealed class HandHeartbeat : Realtime.Core.Pipeline.ILoopHeartbeat
    {
        public long LastProgressNs { get; set; }
        public int FramesRun => 0;
        public int Latches { get; private set; }
        public void LatchOutputsSafe() => Latches++;
        public void ShutdownOutputs() => throw new InvalidOperationException("a stall latches; it never shuts the outputs down for good");
    }

    [Fact]
    public void TheWatchdogThreadPingsOnlyWhileTheLoopMakesProgress()
    {
        var loop = new HandHeartbeat { LastProgressNs = 1 };
        var n = SystemdNotifier.Connect(_path, TimeSpan.FromMilliseconds(100));
        using var w = new Realtime.Core.Pipeline.WatchdogThread(loop, stallTimeoutNs: 200_000_000, checkPeriodNs: 10_000_000,
            Realtime.Core.Pipeline.FaultAction.SafeState, new Realtime.Core.Pipeline.IWatchdogKick[] { n });
        bool inStall = false;
        // The loop progresses for 300 ms: pings every 50 ms.
        for (long t = 10_000_000; t <= 300_000_000; t += 10_000_000) { loop.LastProgressNs = t; w.Check(t, ref inStall); }
        int whileRunning = n.KeepAlivesSent;
        Assert.InRange(whileRunning, 5, 6);
        // It stands still for 500 ms: once past the stall timeout there are no pings and the outputs are latched once.
        for (long t = 310_000_000; t <= 800_000_000; t += 10_000_000) w.Check(t, ref inStall);
        Assert.True(inStall);
        Assert.Equal(1, w.Stalls);
        Assert.Equal(1, loop.Latches);
        // The stall's event carries the time the outputs were latched (the first check past the timeout), not a later one.
        var e = Assert.Single(w.Events.ToArray());
        Assert.Equal(Realtime.Core.Pipeline.FaultKind.Stall, e.Kind);
        Assert.Equal(510_000_000, e.TimeNs);
        Assert.InRange(n.KeepAlivesSent - whileRunning, 0, 4); // only those before the timeout passed
        int atStall = n.KeepAlivesSent;
        for (long t = 810_000_000; t <= 900_000_000; t += 10_000_000) w.Check(t, ref inStall);
        Assert.Equal(atStall, n.KeepAlivesSent);
    }

    [Fact]
    public void StoppingIsTheLastMessage()
    {
        var n = SystemdNotifier.Connect(_path, TimeSpan.FromMilliseconds(40));
        n.Kick(1_000_000_000);
        n.Dispose();
        n.Kick(2_000_000_000); // after the stop: nothing
        Assert.Equal("WATCHDOG=1", Receive(10_000));
        Assert.Equal("STOPPING=1", Receive(10_000));
        Assert.Null(Receive(300));
    }

    [Fact]
    public void AFullQueueDropsAMessageInsteadOfBlocking()
    {
        using var n = SystemdNotifier.Connect(_path, null);
        int sent = 0;
        for (int i = 0; i < 10_000 && n.Send("STATUS=" + i); i++) sent++;
        Assert.InRange(sent, 1, 9_999);                                  // the kernel's queue filled, and Send said so
        Assert.Equal("STATUS=0", Receive(10_000));
    }

    [Fact]
    public void AnAbstractSocketNameIsReachedThroughItsAtSign()
    {
        string name = "rtapp-test-" + Guid.NewGuid().ToString("N");
        using var abstractSocket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        abstractSocket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var n = SystemdNotifier.Connect("@" + name, null);
        Assert.True(n.Send("READY=1"));
        Assert.True(abstractSocket.Poll(10_000_000, SelectMode.SelectRead));
        var buffer = new byte[64];
        Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, abstractSocket.Receive(buffer)));
    }

    [Fact]
    public void FromEnvironmentReadsTheSocketAndTheWatchdogInterval()
    {
        // The only test that touches these variables.
        string?[] saved = { Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID") };
        try
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
            Assert.Null(SystemdNotifier.FromEnvironment());

            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", _path);
            Environment.SetEnvironmentVariable("WATCHDOG_USEC", "5000000");
            Environment.SetEnvironmentVariable("WATCHDOG_PID", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using (var n = SystemdNotifier.FromEnvironment())
                Assert.Equal(TimeSpan.FromSeconds(5), n!.WatchdogInterval);

            Environment.SetEnvironmentVariable("WATCHDOG_PID", "1");   // the watchdog is another process's
            using (var n = SystemdNotifier.FromEnvironment())
                Assert.Null(n!.WatchdogInterval);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", saved[0]);
            Environment.SetEnvironmentVariable("WATCHDOG_USEC", saved[1]);
            Environment.SetEnvironmentVariable("WATCHDOG_PID", saved[2]);
        }
    }
}
