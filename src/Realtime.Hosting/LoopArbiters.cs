using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Linux;

namespace Realtime.Hosting;

/// <summary>
/// The inference arbiters of one host's loops (<c>apps[]</c>): loops whose cores overlap (an unpinned loop overlaps
/// every other) share one <see cref="InferenceArbiter"/>, or all loops do when <c>scheduling.shared_accelerator</c>
/// says so; its slots are <c>scheduling.inference_slots</c> (default 1). Every model run of such a loop takes a slot
/// first, waiters served highest priority first. An ONNX Runtime call is not preempted by another loop's: a loop
/// waits at most for the longest call of a lower-priority loop (the blocking term admission charges).
/// </summary>
public sealed class LoopArbiters : IDisposable
{
    private readonly List<InferenceArbiter> _arbiters = new();
    private readonly Dictionary<string, (InferenceArbiter Arbiter, ArbiterClient Client, List<string> Loops, string Shared)> _byLoop = new();

    /// <summary>
    /// Puts the model engines of <paramref name="loops"/> (each loop's name, profile and models) behind the arbiters
    /// <paramref name="composition"/>'s scheduling asks for; before any loop thread starts.
    /// </summary>
    public static LoopArbiters Attach(BoardProfile composition, IReadOnlyList<(string Name, BoardProfile Profile, IReadOnlyList<ApplicationModel> Models)> loops)
    {
        ArgumentNullException.ThrowIfNull(composition);
        ArgumentNullException.ThrowIfNull(loops);
        var made = new LoopArbiters();
        int n = loops.Count;
        int slots = composition.Scheduling?.InferenceSlots ?? 1;
        bool accelerator = composition.Scheduling?.SharedAccelerator ?? false;
        // Union-find over "shares a core" (or everything, for a shared accelerator).
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (accelerator || Overlap(loops[i].Profile.Threads.Pipeline.Cores, loops[j].Profile.Threads.Pipeline.Cores))
                    parent[Find(parent, j)] = Find(parent, i);
        for (int root = 0; root < n; root++)
        {
            var members = new List<int>();
            for (int i = 0; i < n; i++) if (Find(parent, i) == root) members.Add(i);
            if (members.Count < 2) continue;
            var arbiter = new InferenceArbiter(slots, members.Count);
            made._arbiters.Add(arbiter);
            var names = new List<string>();
            foreach (int i in members) names.Add(loops[i].Name);
            string shared = accelerator ? "accelerator (scheduling.shared_accelerator)" : "core";
            foreach (int i in members)
            {
                var (name, profile, models) = loops[i];
                var client = arbiter.Register(name, Math.Max(1, profile.Threads.Pipeline.Priority));
                foreach (var m in models) m.Engine.ShareThrough(arbiter, client);
                made._byLoop[name] = (arbiter, client, names, shared);
            }
        }
        return made;
    }

    /// <summary>Loops that share an arbiter.</summary>
    public int Count => _byLoop.Count;

    /// <summary>What <paramref name="loop"/> did through its arbiter (null: it has none); read once the loops have ended.</summary>
    public ArbiterReport? ReportFor(string loop)
    {
        if (!_byLoop.TryGetValue(loop, out var a)) return null;
        return new ArbiterReport
        {
            Slots = a.Arbiter.Slots,
            Loops = new List<string>(a.Loops),
            Shared = a.Shared,
            Acquisitions = a.Client.Acquisitions,
            Waits = a.Client.Waits,
            LongestWaitUs = Math.Round(a.Client.LongestWaitNs / 1000.0, 3),
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var a in _arbiters) a.Dispose();
        _arbiters.Clear();
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }

    // Whether two loops can run on one core: an empty list is every core.
    private static bool Overlap(List<int> a, List<int> b)
    {
        if (a.Count == 0 || b.Count == 0) return true;
        foreach (int c in a) if (b.Contains(c)) return true;
        return false;
    }
}
