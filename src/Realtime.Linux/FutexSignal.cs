using System;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// A wake-up one thread gives another, on a futex word of its own (native memory, never moved): <see cref="Set"/> is
/// an atomic store and, only when the other thread sleeps, one FUTEX_WAKE; <see cref="Wait"/> sleeps until set and
/// clears it. Neither allocates, ever: unlike <see cref="SemaphoreSlim"/>, whose monitor builds its wait condition on
/// the managed heap the first time a releaser finds a sleeper, so the first hand-off after a loop's warm-up allocated.
/// </summary>
public sealed unsafe class FutexSignal : IDisposable
{
    // 0: not set, nobody sleeps; 1: set; 2: not set, a waiter sleeps (or is about to).
    private int* _word;
    private readonly long _futex;

    /// <summary>A signal not set.</summary>
    public FutexSignal()
    {
        _futex = Libc.SysFutex;
        if (!OperatingSystem.IsLinux() || _futex < 0) throw new PlatformNotSupportedException("a futex signal needs Linux futexes");
        _word = (int*)NativeMemory.AllocZeroed(sizeof(int));
    }

    /// <summary>Sets the signal; wakes the waiter if it sleeps.</summary>
    public void Set()
    {
        int* word = _word;
        if (word is null) return;
        if (Interlocked.Exchange(ref *word, 1) == 2) Libc.syscall4(_futex, (long)word, Libc.FUTEX_WAKE_PRIVATE, 1, 0);
    }

    /// <summary>Sleeps until the signal is set, then clears it (one waiter at a time).</summary>
    public void Wait()
    {
        int* word = _word;
        while (true)
        {
            if (Interlocked.CompareExchange(ref *word, 0, 1) == 1) return;
            // Say a waiter sleeps, unless a Set came in between; the kernel sleeps only while the word still says so.
            if (Interlocked.CompareExchange(ref *word, 2, 0) is 0 or 2)
                Libc.syscall4(_futex, (long)word, Libc.FUTEX_WAIT_PRIVATE, 2, 0);
        }
    }

    /// <summary>Frees the word; call once no thread waits on it or sets it.</summary>
    public void Dispose()
    {
        int* word = _word;
        _word = null;
        if (word is not null) NativeMemory.Free(word);
    }
}
