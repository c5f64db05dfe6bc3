using System.Diagnostics;
using System.Threading;

namespace Realtime.Core.Pipeline;

/// <summary>What a latch asked of its caller.</summary>
public enum LatchResult : byte
{
    /// <summary>Nobody was writing: the caller now owns the outputs, writes the safe state and calls <see cref="ActuationGate.CompleteLatch"/>.</summary>
    WriteSafeNow,
    /// <summary>The pipeline is mid-write: it writes the safe state itself as its write ends.</summary>
    WriterWillApply,
    /// <summary>Already latched (or being latched): nothing to do.</summary>
    AlreadyLatched,
}

/// <summary>
/// The single-writer door to the outputs, between the pipeline thread (which writes commands) and
/// any other thread that must force the safe state (the watchdog thread during a stall, the main
/// thread at shutdown). A driver channel is not thread-safe (sysfs PWM answers two writers with
/// EINVAL), so exactly one thread writes at any moment, and it is always the thread that moved the
/// gate into a writing state:
/// <code>
///   Open ──pipeline──► Writing ──pipeline──► Open
///   Writing ──latch──► LatchPending ──pipeline writes safe──► Latched
///   Open ──latch──► SafeWriting ──latcher writes safe──► Latched
///   Latched ──pipeline takes over (not after shutdown)──► Writing
/// </code>
/// Lock-free and wait-free: nobody waits for the other; a late command can never pass a latch,
/// and a latcher never writes while the pipeline's write is in flight.
/// </summary>
public sealed class ActuationGate
{
    private const int Open = 0, Writing = 1, LatchPending = 2, SafeWriting = 3, Latched = 4;
    // Set with a shutdown's latch, in the same word as the state, so a take-over cannot slip between the two.
    private const int FinalBit = 8;
    private int _state;

    /// <summary>Pipeline: try to start a write; false when the outputs are latched (or being latched).</summary>
    public bool TryBeginWrite() => Interlocked.CompareExchange(ref _state, Writing, Open) == Open;

    /// <summary>
    /// Pipeline: end a write. False when a latch came during it: the pipeline still owns the outputs
    /// and must write the safe state, then call <see cref="CompleteLatch"/>.
    /// </summary>
    public bool EndWrite()
    {
        int was = Interlocked.CompareExchange(ref _state, Open, Writing);
        Debug.Assert(was == Writing || (was & ~FinalBit) == LatchPending, "EndWrite without a write in flight");
        return was == Writing;
    }

    /// <summary>
    /// Latch the outputs safe from any thread. <paramref name="final"/> (a shutdown) keeps them
    /// latched for good; otherwise (a stall) the pipeline may take the latch over when it resumes.
    /// </summary>
    public LatchResult Latch(bool final = false)
    {
        int f = final ? FinalBit : 0;
        while (true)
        {
            int s = Volatile.Read(ref _state);
            int next;
            LatchResult result;
            switch (s & ~FinalBit)
            {
                case Open: next = SafeWriting; result = LatchResult.WriteSafeNow; break;
                case Writing: next = LatchPending; result = LatchResult.WriterWillApply; break;
                default: next = s & ~FinalBit; result = LatchResult.AlreadyLatched; break;
            }
            next |= (s & FinalBit) | f;
            if (next == s || Interlocked.CompareExchange(ref _state, next, s) == s) return result;
        }
    }

    /// <summary>The owner of a latch (the latcher, or the pipeline after a deferred latch) has written the safe state.</summary>
    public void CompleteLatch()
    {
        while (true)
        {
            int s = Volatile.Read(ref _state);
            Debug.Assert((s & ~FinalBit) is SafeWriting or LatchPending, "CompleteLatch without a latch in progress");
            if (Interlocked.CompareExchange(ref _state, Latched | (s & FinalBit), s) == s) return;
        }
    }

    /// <summary>Whether the outputs are latched or being latched.</summary>
    public bool IsLatched => (Volatile.Read(ref _state) & ~FinalBit) >= LatchPending;

    /// <summary>Whether a shutdown latched the outputs for good.</summary>
    public bool IsFinal => (Volatile.Read(ref _state) & FinalBit) != 0;

    /// <summary>
    /// Pipeline: take a completed stall latch over as the writer (the outputs are safe, and it holds
    /// them safe itself from now on). On success the gate is in the writing state: call
    /// <see cref="EndWrite"/>. Refused while the latcher is still writing, and after a shutdown.
    /// </summary>
    public bool TryTakeOver() => Interlocked.CompareExchange(ref _state, Writing, Latched) == Latched;
}
