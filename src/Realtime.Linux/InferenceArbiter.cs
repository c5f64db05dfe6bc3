using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Core.Timing;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Lets at most <see cref="Slots"/> inferences run at once among loops that share a core or an accelerator,
/// waiters served in priority (or deadline) order, with bounded blocking and no priority inversion.
/// </summary>
/// <remarks>
/// Design. The state (free slots, who waits) is guarded by one priority-inheritance futex
/// (FUTEX_LOCK_PI): held for a few instructions, and should a higher-priority thread block on it the
/// kernel runs its holder at that priority. A waiter sleeps on a futex word of its own; a release hands its
/// slot straight to the best waiter (no barging: a thread arriving later cannot take it first).
/// A holder whose thread is SCHED_FIFO/SCHED_RR runs at the ceiling (the highest registered priority)
/// while it holds the slot (the immediate priority-ceiling protocol): a loop of middle priority on the same
/// core cannot preempt it, so a high-priority waiter waits for at most one inference of a lower loop,
/// the blocking term the response-time analysis charges. SCHED_OTHER and SCHED_DEADLINE holders keep their
/// policy (a deadline thread cannot take a FIFO priority and EDF already orders by deadline).
/// Preemption granularity: an ONNX Runtime call runs to its end on its thread; the arbiter decides only
/// who starts next. Acquire and Release allocate nothing.
/// </remarks>
public sealed unsafe class InferenceArbiter : IDisposable
{
    private readonly int* _words;          // [0] the PI lock, [1 + i] client i's grant word
    private readonly ArbiterClient[] _clients;
    private readonly long _futex;
    private int _registered;
    private int _free;
    private int _waiting;
    private long _arrivals;
    private int _ceiling;
    private long _acquisitions, _waits, _handOffs;
    private int _maxWaiting;
    private bool _disposed;

    /// <summary>An arbiter of <paramref name="slots"/> concurrent inferences for up to <paramref name="maxClients"/> loops.</summary>
    public InferenceArbiter(int slots, int maxClients, ArbiterOrder order = ArbiterOrder.Priority, bool priorityCeiling = true)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), slots, "at least one inference must be allowed at once");
        if (maxClients < 1 || maxClients > 1024) throw new ArgumentOutOfRangeException(nameof(maxClients), maxClients, "from 1 to 1024 clients");
        _futex = Libc.SysFutex;
        if (!OperatingSystem.IsLinux() || _futex < 0) throw new PlatformNotSupportedException("the inference arbiter needs Linux futexes");
        Slots = slots;
        _free = slots;
        Order = order;
        PriorityCeiling = priorityCeiling;
        _clients = new ArbiterClient[maxClients];
        _words = (int*)NativeMemory.AlignedAlloc((nuint)((maxClients + 1) * sizeof(int)), 64);
        new Span<int>(_words, maxClients + 1).Clear();
    }

    /// <summary>Inferences allowed at once.</summary>
    public int Slots { get; }
    /// <summary>Who is served first.</summary>
    public ArbiterOrder Order { get; }
    /// <summary>Whether a real-time holder runs at <see cref="Ceiling"/> while it holds a slot.</summary>
    public bool PriorityCeiling { get; }
    /// <summary>The highest priority registered: what a real-time holder runs at.</summary>
    public int Ceiling => Volatile.Read(ref _ceiling);
    /// <summary>Slots in use now.</summary>
    public int InUse => Slots - Volatile.Read(ref _free);
    /// <summary>Threads waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);
    /// <summary>Slots acquired, all clients.</summary>
    public long Acquisitions => Volatile.Read(ref _acquisitions);
    /// <summary>Acquisitions that waited.</summary>
    public long Waits => Volatile.Read(ref _waits);
    /// <summary>Releases that handed their slot straight to a waiter.</summary>
    public long HandOffs => Volatile.Read(ref _handOffs);
    /// <summary>The most threads that waited at once.</summary>
    public int MaxWaiting => Volatile.Read(ref _maxWaiting);

    /// <summary>Registers a loop (before it first acquires); <paramref name="priority"/> 1..99 as its SCHED_FIFO priority.</summary>
    public ArbiterClient Register(string name, int priority)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Lock();
        try
        {
            if (_registered == _clients.Length) throw new InvalidOperationException($"the arbiter takes {_clients.Length} clients; '{name}' is one more");
            var c = new ArbiterClient(_registered, name, priority);
            _clients[_registered++] = c;
            if (priority > _ceiling) Volatile.Write(ref _ceiling, priority);
            return c;
        }
        finally { Unlock(); }
    }

    /// <summary>
    /// Takes a slot for <paramref name="client"/>'s inference, waiting for one when all are taken;
    /// <paramref name="absoluteDeadlineNs"/> orders waiters under <see cref="ArbiterOrder.Deadline"/> (the frame's deadline, monotonic ns).
    /// </summary>
    public void Acquire(ArbiterClient client, long absoluteDeadlineNs = 0)
    {
        Check(client);
        int* grant = _words + 1 + client.Index;
        Lock();
        if (client.Holding || client.Waiting) { Unlock(); ThrowTwice(client); }
        client.Acquisitions++;
        _acquisitions++;
        bool mustWait = _free == 0;
        if (!mustWait)
        {
            _free--;
            client.Holding = true;
            Unlock();
        }
        else
        {
            client.Waiting = true;
            client.Key = Order == ArbiterOrder.Priority ? -client.Priority : absoluteDeadlineNs;
            client.Arrival = ++_arrivals;
            *grant = 0;
            _waiting++;
            _waits++;
            client.Waits++;
            if (_waiting > _maxWaiting) _maxWaiting = _waiting;
            Unlock();
            long start = MonotonicClock.NowNs();
            // Sleep until a release hands the slot over (it sets the word, then wakes).
            while (Volatile.Read(ref *grant) == 0) Libc.syscall4(_futex, (long)grant, Libc.FUTEX_WAIT_PRIVATE, 0, 0);
            long waited = MonotonicClock.NowNs() - start;
            if (waited > client.LongestWaitNs) client.LongestWaitNs = waited;
        }
        if (PriorityCeiling) RaiseToCeiling(client);
    }

    /// <summary>Gives <paramref name="client"/>'s slot back: to the best waiter if there is one, else to the pool; then the thread's own priority returns.</summary>
    public void Release(ArbiterClient client)
    {
        Check(client);
        Lock();
        if (!client.Holding) { Unlock(); ThrowNotHeld(client); }
        client.Holding = false;
        ArbiterClient? next = null;
        for (int i = 0; i < _registered; i++)
        {
            var c = _clients[i];
            if (c.Waiting && (next is null || c.Key < next.Key || (c.Key == next.Key && c.Arrival < next.Arrival))) next = c;
        }
        int* wake = null;
        if (next is null) _free++;
        else
        {
            next.Waiting = false;
            next.Holding = true;
            _waiting--;
            _handOffs++;
            wake = _words + 1 + next.Index;
            Volatile.Write(ref *wake, 1);
        }
        Unlock();
        if (wake is not null) Libc.syscall4(_futex, (long)wake, Libc.FUTEX_WAKE_PRIVATE, 1, 0);
        // Back to its own priority last: until the slot has moved on, the holder stays at the ceiling.
        if (client.SavedPolicy >= 0) Restore(client);
    }

    // The immediate ceiling: a SCHED_FIFO/RR holder below the ceiling runs at it until it releases.
    private void RaiseToCeiling(ArbiterClient client)
    {
        int policy = Libc.sched_getscheduler(0) & ~Libc.SCHED_RESET_ON_FORK;
        if (policy != Libc.SCHED_FIFO && policy != Libc.SCHED_RR) return;
        int priority = 0;
        Libc.sched_getparam(0, &priority);
        int ceiling = Ceiling;
        if (priority >= ceiling) return;
        if (Libc.sched_setscheduler(0, policy, &ceiling) != 0) return;   // not allowed: the holder keeps its priority
        client.SavedPolicy = policy;
        client.SavedPriority = priority;
    }

    private static void Restore(ArbiterClient client)
    {
        int priority = client.SavedPriority;
        Libc.sched_setscheduler(0, client.SavedPolicy, &priority);
        client.SavedPolicy = -1;
    }

    // The PI lock: uncontended, one compare-exchange of 0 for the thread id; contended, the kernel queues the
    // thread by priority and lends its priority to the holder.
    private void Lock()
    {
        int tid = Libc.gettid();
        if (Interlocked.CompareExchange(ref *_words, tid, 0) == 0) return;
        while (Libc.syscall4(_futex, (long)_words, Libc.FUTEX_LOCK_PI_PRIVATE, 0, 0) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR && errno != Libc.EAGAIN) ThrowLock(errno);
        }
    }

    private void Unlock()
    {
        int tid = Libc.gettid();
        if (Interlocked.CompareExchange(ref *_words, 0, tid) == tid) return;
        // Waiters are queued in the kernel (FUTEX_WAITERS is set): it hands the lock to the best of them.
        Libc.syscall4(_futex, (long)_words, Libc.FUTEX_UNLOCK_PI_PRIVATE, 0, 0);
    }

    private void Check(ArbiterClient client)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (client is null || client.Index >= _registered || !ReferenceEquals(_clients[client.Index], client)) ThrowForeign();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLock(int errno) => throw new InvalidOperationException($"the arbiter's lock (FUTEX_LOCK_PI) failed: {Libc.ErrnoText(errno)}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowForeign() => throw new ArgumentException("the client was not registered with this arbiter");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTwice(ArbiterClient c) => throw new InvalidOperationException($"loop '{c.Name}' already holds or waits for a slot: one inference at a time per loop");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotHeld(ArbiterClient c) => throw new InvalidOperationException($"loop '{c.Name}' releases a slot it does not hold");

    /// <summary>Frees the futex words. No thread may be inside Acquire or Release.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.AlignedFree(_words);
    }
}
