using System.Threading;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Pipeline;

public sealed class ActuationGateTests
{
    [Fact]
    public void ALatchMidWriteIsLeftToTheWriterAndNoLateWritePassesIt()
    {
        var g = new ActuationGate();
        Assert.True(g.TryBeginWrite());
        // The watchdog latches mid-write: it must not write itself; the writer learns it must apply safe.
        Assert.Equal(LatchResult.WriterWillApply, g.Latch());
        Assert.True(g.IsLatched);
        Assert.False(g.EndWrite());
        // Until the writer has written the safe state, nobody may take the latch over or write.
        Assert.False(g.TryTakeOver());
        Assert.False(g.TryBeginWrite());
        g.CompleteLatch();
        Assert.True(g.IsLatched);
        Assert.False(g.TryBeginWrite());
        Assert.Equal(LatchResult.AlreadyLatched, g.Latch());
    }

    [Fact]
    public void ALatchWithNobodyWritingMakesTheLatcherTheOnlyWriterUntilItCompletes()
    {
        var g = new ActuationGate();
        Assert.Equal(LatchResult.WriteSafeNow, g.Latch());
        // The latcher is writing: the pipeline can neither write nor take over (the #11 race).
        Assert.False(g.TryBeginWrite());
        Assert.False(g.TryTakeOver());
        Assert.Equal(LatchResult.AlreadyLatched, g.Latch());
        g.CompleteLatch();
        // Then the pipeline takes the latch over as the writer and reopens the gate.
        Assert.True(g.TryTakeOver());
        Assert.False(g.IsLatched);
        Assert.True(g.EndWrite());
        Assert.True(g.TryBeginWrite());
        Assert.True(g.EndWrite());
    }

    [Fact]
    public void AShutdownLatchIsNeverTakenOver()
    {
        var g = new ActuationGate();
        Assert.Equal(LatchResult.WriteSafeNow, g.Latch());
        g.CompleteLatch();
        // A shutdown arrives on a stall's latch: it stays latched for good.
        Assert.Equal(LatchResult.AlreadyLatched, g.Latch(final: true));
        Assert.True(g.IsFinal);
        Assert.False(g.TryTakeOver());
        Assert.False(g.TryBeginWrite());

        var h = new ActuationGate();
        Assert.True(h.TryBeginWrite());
        Assert.Equal(LatchResult.WriterWillApply, h.Latch(final: true));
        Assert.False(h.EndWrite());
        h.CompleteLatch();
        Assert.True(h.IsFinal);
        Assert.False(h.TryTakeOver());
    }

    [Fact]
    public void TwoThreadsHammeringTheGateNeverWriteAtOnce()
    {
        // The pipeline writes and takes latches over; another thread latches; a shared counter
        // of writers inside their write must never exceed one.
        var g = new ActuationGate();
        int inside = 0, overlaps = 0, latcherWrites = 0, pipelineWrites = 0;
        bool done = false;
        void Write(ref int count)
        {
            if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlaps);
            Thread.SpinWait(50);
            count++;
            Interlocked.Decrement(ref inside);
        }
        var latcher = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                if (g.Latch() == LatchResult.WriteSafeNow)
                {
                    Write(ref latcherWrites);
                    g.CompleteLatch();
                }
                Thread.SpinWait(200);
            }
        });
        latcher.Start();
        // Until both sides have written 200 times (bounded, should the latcher never get the CPU).
        for (int i = 0; i < 50_000_000 && (Volatile.Read(ref latcherWrites) < 200 || pipelineWrites < 200); i++)
        {
            Thread.SpinWait(100); // the loop's other work between writes: the latcher gets its chances
            if (g.IsLatched && g.TryTakeOver())
            {
                if (!g.EndWrite()) { Write(ref pipelineWrites); g.CompleteLatch(); }
                continue;
            }
            if (!g.TryBeginWrite()) continue;
            Write(ref pipelineWrites);
            if (!g.EndWrite()) { Write(ref pipelineWrites); g.CompleteLatch(); }
        }
        Volatile.Write(ref done, true);
        latcher.Join();
        Assert.Equal(0, overlaps);
        // Both sides really wrote, many times: the test exercised the race it guards against.
        Assert.True(latcherWrites >= 200, $"latcher wrote {latcherWrites} times");
        Assert.True(pipelineWrites >= 200, $"pipeline wrote {pipelineWrites} times");
    }
}
