using System;
using System.Collections.Generic;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Core.Graph;

/// <summary>One stage group of a pipelined loop, as the host sees it: what it runs, where, and what it did.</summary>
public sealed class PipelineGroupInfo
{
    internal PipelineGroupInfo(int index, string field, string[] nodes, int[] cores, int priority)
    {
        Index = index;
        Field = field;
        Nodes = nodes;
        Cores = cores;
        Priority = priority;
    }

    /// <summary>Its place in the pipeline (0: capture, on the loop's own thread).</summary>
    public int Index { get; }
    /// <summary>Its profile field, e.g. <c>app.pipeline[1]</c>.</summary>
    public string Field { get; }
    /// <summary>The nodes it runs, in data-flow order (sources in the first group, sinks in the last).</summary>
    public string[] Nodes { get; }
    /// <summary>Cores its thread is to run on (empty: the pipeline thread's).</summary>
    public int[] Cores { get; }
    /// <summary>Its SCHED_FIFO priority (0: the pipeline thread's).</summary>
    public int Priority { get; }
    /// <summary>Frames it processed (source faults passed on included).</summary>
    public long Frames => Volatile.Read(ref FramesField);
    /// <summary>Managed bytes its thread allocated from the first counted frame on.</summary>
    public long CountedAllocatedBytes { get; internal set; }
    /// <summary>Frames its thread processed from the first counted frame on.</summary>
    public long CountedFrames { get; internal set; }
    /// <summary>Frames handed to it that the next newer one overwrote before it took them (newest wins); 0 for the first group.</summary>
    public long DroppedAtInput => In?.Dropped ?? 0;
    /// <summary>
    /// Of <see cref="DroppedAtInput"/>, those carried by the frames the group took since it began counting: the
    /// warm-up's are left out, as the run's report leaves them out, and so are those overwritten after its last take
    /// (still in flight when the run ended).
    /// </summary>
    public long CountedDroppedAtInput => Counting ? DropsSeen - Dropped0 : 0;

    internal long FramesField;
    internal long ProgressNs;
    internal volatile bool Finished;
    internal bool Counting;
    internal long Bytes0;
    internal long Frames0;
    internal long Dropped0;
    // The input's drops already carried by a taken frame's record.
    internal long DropsSeen;
    // The drops an overwritten frame at the output carried, for the next frame published.
    internal int OutCarried;
    internal Node[] Steps = Array.Empty<Node>();
    internal NewestHandoff<PipelineSlot>? In;
    internal SemaphoreSlim? InSignal;
    internal NewestHandoff<PipelineSlot>? Out;
    internal SemaphoreSlim? OutSignal;
    // What crosses in: the slot's payloads copied into these (the group's nodes read them).
    internal Payload[] Received = Array.Empty<Payload>();
    // What crosses out: these copied into the outgoing slot's payloads.
    internal Payload[] Forwarded = Array.Empty<Payload>();
}

/// <summary>One frame in flight between two stage groups: its record, its stage ends so far, and copies of the payloads that cross.</summary>
internal sealed class PipelineSlot
{
    internal PipelineSlot(Payload[] payloads) => Payloads = payloads;
    internal FrameRecord Record;
    internal readonly long[] Ends = new long[6];
    internal readonly Payload[] Payloads;
}

public sealed partial class GraphLoop
{
    /// <summary>How long a group waiting for a frame sleeps before it looks for a stop (and shows it is alive), ms.</summary>
    private const int GroupWaitSliceMs = 20;
    private PipelineGroupInfo[]? _pipeline;
    private volatile bool _pipelineCounting;
    private volatile bool _pipelineDone;
    private volatile bool _sourceEnded;
    private LoopOutcome? _pipelineOutcome;
    private Exception? _pipelineFault;
    private int _pipelineGc0;
    private TimeSpan _pipelinePause0;

    /// <summary>Whether the loop's stages run as groups on threads of their own (<c>app.pipeline</c>).</summary>
    public bool IsPipelined => _pipeline is not null;

    /// <summary>The stage groups of a pipelined loop (empty when it runs on one thread).</summary>
    public IReadOnlyList<PipelineGroupInfo> PipelineGroups => _pipeline ?? Array.Empty<PipelineGroupInfo>();

    /// <summary>Frames dropped between stage groups (a group still busy when a newer frame came: newest wins).</summary>
    public long HandoffDrops
    {
        get
        {
            long n = 0;
            foreach (var g in PipelineGroups) n += g.DroppedAtInput;
            return n;
        }
    }

    /// <summary>
    /// Called on each stage group's thread as it starts, before its first frame (the first group's
    /// is the thread that called <see cref="Run"/>): the host applies the group's cores and priority
    /// there and reads them back.
    /// </summary>
    public Action<PipelineGroupInfo>? GroupThreadStarted { get; set; }

    /// <summary>
    /// Splits the graph into the profile's stage groups, rebinds every input that reads across a
    /// group boundary to a copy of its own, and allocates the hand-offs' slots: all before the
    /// nodes start (a model binds its input's memory when it starts).
    /// </summary>
    private static PipelineGroupInfo[] PlanPipeline(AppGraph graph, IReadOnlyList<AppPipelineGroupProfile> plan)
    {
        int n = plan.Count;
        var groupOf = new Dictionary<Node, int>();
        for (int g = 0; g < n; g++)
        {
            var p = plan[g];
            string field = $"app.pipeline[{g}]";
            if (p.Nodes is { } named)
                foreach (string name in named)
                {
                    Node node = graph.Find(name) ?? throw new ArgumentException($"{field}.nodes: no node is named '{name}'");
                    if (groupOf.TryGetValue(node, out int other)) throw new ArgumentException($"{field}.nodes: '{name}' is already in app.pipeline[{other}]; a node runs in one group");
                    groupOf.Add(node, g);
                }
            if (p.Stages is { } stages)
                foreach (string stage in stages)
                {
                    int s = Array.IndexOf(ProfileLoader.StageNames, stage);
                    if (s < 0) throw new ArgumentException($"{field}.stages: unknown stage '{stage}' (expected one of {string.Join(", ", ProfileLoader.StageNames)})");
                    foreach (Node node in graph.Nodes)
                        if ((int)node.Stage == s && !groupOf.ContainsKey(node)) groupOf.Add(node, g);
                }
        }
        // A node left out: sources capture in the first group, sinks and what feeds them act in the last, the rest run with their latest input.
        var feedsSink = new HashSet<Node>();
        foreach (SinkNode sink in graph.Sinks)
            foreach (InputPort input in sink.Inputs)
                if (input.Source is { } o) feedsSink.Add(o.Node);
        foreach (Node node in graph.Nodes)
        {
            if (groupOf.ContainsKey(node)) continue;
            int g = node is SinkNode || feedsSink.Contains(node) ? n - 1 : 0;
            if (g == 0)
                foreach (InputPort input in node.Inputs)
                    if (input.Source is { } o && groupOf.TryGetValue(o.Node, out int up)) g = Math.Max(g, up);
            groupOf.Add(node, g);
        }
        foreach (Node node in graph.Nodes)
        {
            int g = groupOf[node];
            string field = $"app.pipeline[{g}]";
            // A gate's skip decision is read by the steps after it on the loop's own thread; across group threads it would race.
            if (node is GateNode) throw new ArgumentException($"{field}: '{node.Name}' is a gate (change-gate, cascade): a gated application runs on one thread for now; leave app.pipeline out");
            if (node is SourceNode && g != 0) throw new ArgumentException($"{field}: '{node.Name}' is a source: sources capture in the first group (app.pipeline[0]), on the loop's period");
            if ((node is SinkNode || feedsSink.Contains(node)) && g != n - 1)
                throw new ArgumentException($"{field}: '{node.Name}' {(node is SinkNode ? "is an output" : "feeds an output")}: the outputs and their controllers act in the last group (app.pipeline[{n - 1}]), where the watchdog decides");
            foreach (InputPort input in node.Inputs)
                if (input.Source is { } o && groupOf[o.Node] > g)
                    throw new ArgumentException($"{field}: '{node.Name}' reads '{o}' from a later group (app.pipeline[{groupOf[o.Node]}]); groups run in data-flow order");
        }

        var groups = new PipelineGroupInfo[n];
        var steps = new List<Node>[n];
        var names = new List<string>[n];
        for (int g = 0; g < n; g++) { steps[g] = new List<Node>(); names[g] = new List<string>(); }
        foreach (Node node in graph.Nodes) names[groupOf[node]].Add(node.Name);
        foreach (Node node in graph.Steps) steps[groupOf[node]].Add(node);
        for (int g = 0; g < n; g++)
        {
            if (names[g].Count == 0) throw new ArgumentException($"app.pipeline[{g}]: no node runs in this group");
            groups[g] = new PipelineGroupInfo(g, $"app.pipeline[{g}]", names[g].ToArray(), plan[g].Cores.ToArray(), plan[g].Priority) { Steps = steps[g].ToArray() };
        }

        // What crosses boundary k (after group k): outputs made in groups up to k and read in a later one.
        var crossing = new List<OutputPort>[n - 1];
        for (int k = 0; k < n - 1; k++) crossing[k] = new List<OutputPort>();
        foreach (Node node in graph.Nodes)
            foreach (InputPort input in node.Inputs)
            {
                if (input.Source is not { } o) continue;
                int from = groupOf[o.Node], to = groupOf[node];
                for (int k = from; k < to; k++)
                    if (!crossing[k].Contains(o)) crossing[k].Add(o);
            }
        // Group g's copy of each output crossing into it; its nodes read those.
        var copies = new Dictionary<OutputPort, Payload>[n];
        for (int g = 1; g < n; g++)
        {
            copies[g] = new Dictionary<OutputPort, Payload>();
            var received = new Payload[crossing[g - 1].Count];
            for (int i = 0; i < received.Length; i++)
            {
                OutputPort o = crossing[g - 1][i];
                received[i] = o.Untyped.NewCopy() ?? throw new ArgumentException($"app.pipeline[{g}]: '{o}' ({o.Type}) crosses into this group from app.pipeline[{groupOf[o.Node]}], but a {o.Type} payload cannot be copied between threads; keep its readers in its group");
                copies[g].Add(o, received[i]);
            }
            groups[g].Received = received;
        }
        foreach (Node node in graph.Nodes)
        {
            int g = groupOf[node];
            foreach (InputPort input in node.Inputs)
                if (input.Source is { } o && groupOf[o.Node] < g) input.Rebind(copies[g][o]);
        }
        // Three slots per boundary, each with copies of what crosses it: sized once, here.
        for (int k = 0; k < n - 1; k++)
        {
            var forwarded = new Payload[crossing[k].Count];
            for (int i = 0; i < forwarded.Length; i++)
            {
                OutputPort o = crossing[k][i];
                forwarded[i] = groupOf[o.Node] == k ? o.Untyped : copies[k][o];
            }
            groups[k].Forwarded = forwarded;
            var handoff = new NewestHandoff<PipelineSlot>(Slot(crossing[k]), Slot(crossing[k]), Slot(crossing[k]));
            var signal = new SemaphoreSlim(0);
            groups[k].Out = groups[k + 1].In = handoff;
            groups[k].OutSignal = groups[k + 1].InSignal = signal;
        }
        return groups;
    }

    private static PipelineSlot Slot(List<OutputPort> crossing)
    {
        var payloads = new Payload[crossing.Count];
        for (int i = 0; i < payloads.Length; i++) payloads[i] = crossing[i].Untyped.NewCopy()!;
        return new PipelineSlot(payloads);
    }

    private long PipelineProgressNs()
    {
        long min = long.MaxValue;
        foreach (var g in _pipeline!) min = Math.Min(min, Volatile.Read(ref g.ProgressNs));
        return min;
    }

    /// <summary>
    /// The pipelined run: the first group captures on this thread at the loop's period, each other
    /// group runs on a thread of its own, and the last decides and actuates; a frame's record
    /// travels with it, so its latency counts from capture to actuation. Returns once the last group
    /// has run every frame (or the run stopped), every thread has ended and the outputs are safe.
    /// </summary>
    private LoopOutcome RunPipelined()
    {
        PipelineGroupInfo[] groups = _pipeline!;
        if (FramesRun > 0) throw new InvalidOperationException("a pipelined loop runs once");
        LoopMemory.CollectBeforeLoop();
        long now = _clock.NowNs();
        foreach (var g in groups) Volatile.Write(ref g.ProgressNs, now);
        var threads = new Thread[groups.Length];
        for (int g = 1; g < groups.Length; g++)
        {
            PipelineGroupInfo group = groups[g];
            threads[g] = new Thread(() => RunGroup(group), 1 << 20) { Name = $"rt-pipeline-{g}", IsBackground = true };
            threads[g].Start();
        }
        RunGroup(groups[0]);
        for (int g = 1; g < groups.Length; g++) threads[g].Join();

        DroppedFrames += HandoffDrops;
        if (_pipelineCounting)
        {
            long bytes = 0;
            foreach (var g in groups) bytes += g.CountedAllocatedBytes;
            CountedAllocatedBytes = bytes;
            CountedGcCollections = GC.CollectionCount(0) - _pipelineGc0;
            CountedGcPause = GC.GetTotalPauseDuration() - _pipelinePause0;
            CountedFramesMeasured = Math.Max(0, FramesRun - Options.WarmupFrames);
        }
        if (_pipelineFault is { } fault)
        {
            Fault = fault;
            Watchdog.EnterSafe();
            ShutdownOutputs();
            return LoopOutcome.Faulted;
        }
        LoopOutcome outcome = _pipelineOutcome ?? (_sourceEnded ? LoopOutcome.SourceEnded : LoopOutcome.Stopped);
        return Stop(outcome);
    }

    private void RunGroup(PipelineGroupInfo group)
    {
        try
        {
            GroupThreadStarted?.Invoke(group);
            if (group.Index == 0) RunCaptureGroup(group);
            else RunDownstreamGroup(group);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _pipelineFault, ex, null);
            // The outputs go safe at once, from whichever thread failed; the others stop.
            ShutdownOutputs();
            _pipelineDone = true;
        }
        finally
        {
            if (group.Counting)
            {
                group.CountedAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - group.Bytes0;
                group.CountedFrames = group.Frames - group.Frames0;
            }
            group.Finished = true;
            group.OutSignal?.Release();
        }
    }

    /// <summary>Notes where this thread's counted figures start, once the last group has begun the first counted frame.</summary>
    private void NoteCounting(PipelineGroupInfo group)
    {
        if (group.Counting || !_pipelineCounting) return;
        group.Counting = true;
        group.Frames0 = group.Frames;
        group.Dropped0 = group.DropsSeen;
        group.Bytes0 = GC.GetAllocatedBytesForCurrentThread();
    }

    private void RunCaptureGroup(PipelineGroupInfo group)
    {
        bool periodic = Options.Scenario == LoopScenario.Periodic;
        long period = Options.PeriodNs;
        _nextTickNs = _clock.NowNs();
        int captured = 0, droppedBefore = 0;
        NewestHandoff<PipelineSlot> output = group.Out!;
        // Back to back at real-time priority, each group rests between frames rather than be stopped by the kernel inside one.
        Scheduling.RealtimeBandwidthPacer? pacer = periodic ? null : Scheduling.RealtimeBandwidthPacer.ForThisThread;
        while (!_pipelineDone && !_stopRequested)
        {
            NoteCounting(group);
            if (periodic && !WaitGroupUntil(group, _nextTickNs)) break;
            PipelineSlot slot = output.Back;
            ref FrameRecord rec = ref slot.Record;
            rec = default;
            rec.StartNs = _clock.NowNs();
            long frameStartNs = rec.StartNs;
            Volatile.Write(ref group.ProgressNs, rec.StartNs);
            rec.DroppedBefore = droppedBefore + group.OutCarried;
            group.OutCarried = 0;
            rec.DemoMetric = float.NaN;
            ITickListener[] tickNodes = _tickNodes;
            for (int i = 0; i < tickNodes.Length; i++) tickNodes[i].OnTick(_tick);
            LoopInstrument[] instruments = _instruments;
            for (int i = 0; i < instruments.Length; i++) instruments[i].OnTick(_tick);
            if (!Capture(ref rec, captured))
            {
                _sourceEnded = true;
                break;
            }
            captured++;
            Array.Clear(slot.Ends);
            if ((rec.Flags & FrameFlags.SourceFault) == 0) RunGroupSteps(group, slot);
            // An overwritten frame's own drops go on with the next frame (the overwritten slot is the new back, untouched yet).
            if (output.Publish()) group.OutCarried += output.Back.Record.DroppedBefore;
            group.OutSignal!.Release();
            Volatile.Write(ref group.FramesField, group.FramesField + 1);
            Volatile.Write(ref group.ProgressNs, _clock.NowNs());

            _tick++;
            RestIfPaced(pacer, group, frameStartNs);
            _nextTickNs = periodic ? _nextTickNs + period : _clock.NowNs();
            droppedBefore = 0;
            if (periodic)
            {
                long now = _clock.NowNs();
                if (now > _nextTickNs)
                {
                    // Capture itself fell behind: the frames of the ticks that passed are lost (newest wins).
                    long missed = (now - _nextTickNs) / period + 1;
                    droppedBefore = (int)missed;
                    DroppedFrames += missed;
                    _tick += missed;
                    _nextTickNs += missed * period;
                }
            }
        }
    }

    private void RunDownstreamGroup(PipelineGroupInfo group)
    {
        bool last = group.Index == _pipeline!.Length - 1;
        PipelineGroupInfo upstream = _pipeline[group.Index - 1];
        NewestHandoff<PipelineSlot> input = group.In!;
        // A downstream group is busy back to back when its upstream outpaces it; it rests as the capture group does.
        Scheduling.RealtimeBandwidthPacer? pacer = Options.Scenario == LoopScenario.Periodic ? null : Scheduling.RealtimeBandwidthPacer.ForThisThread;
        while (true)
        {
            NoteCounting(group);
            PipelineSlot? slot = input.TryTake();
            if (slot is null)
            {
                // Upstream's end is read before the hand-off: a frame published before it ended is still taken.
                if (_pipelineDone || _stopRequested || (upstream.Finished && !input.HasFresh)) return;
                group.InSignal!.Wait(GroupWaitSliceMs);
                Volatile.Write(ref group.ProgressNs, _clock.NowNs());
                continue;
            }
            long takenNs = _clock.NowNs();
            Volatile.Write(ref group.ProgressNs, takenNs);
            bool fault = (slot.Record.Flags & FrameFlags.SourceFault) != 0;
            if (last && !_pipelineCounting && FramesRun >= Options.WarmupFrames)
            {
                _pipelineGc0 = GC.CollectionCount(0);
                _pipelinePause0 = GC.GetTotalPauseDuration();
                _pipelineCounting = true;
                NoteCounting(group);
            }
            // The frames a newer one overwrote at this input before this one was taken are dropped
            // frames of the run: the taken frame's record carries them to the report, as a capture
            // that fell behind its ticks does.
            long drops = input.Dropped;
            slot.Record.DroppedBefore += (int)(drops - group.DropsSeen);
            group.DropsSeen = drops;
            if (!fault)
            {
                Payload[] received = group.Received;
                for (int i = 0; i < received.Length; i++) slot.Payloads[i].CopyTo(received[i]);
                if (last)
                {
                    TakeOverLatch();
                    for (int i = 0; i < _sinks.Length; i++) PublishApplied(i);
                }
            }
            if (last)
            {
                if (!fault) RunGroupSteps(group, slot);
                Volatile.Write(ref group.FramesField, group.FramesField + 1);
                if (FinishFrame(slot)) return;
            }
            else
            {
                PipelineSlot next = group.Out!.Back;
                next.Record = slot.Record;
                next.Record.DroppedBefore += group.OutCarried;
                group.OutCarried = 0;
                slot.Ends.AsSpan().CopyTo(next.Ends);
                if (!fault) RunGroupSteps(group, next);
                if (group.Out.Publish()) group.OutCarried += group.Out.Back.Record.DroppedBefore;
                group.OutSignal!.Release();
                Volatile.Write(ref group.FramesField, group.FramesField + 1);
            }
            Volatile.Write(ref group.ProgressNs, _clock.NowNs());
            RestIfPaced(pacer, group, takenNs);
        }
    }

    /// <summary>Runs the group's nodes, stamps each one's stage end in the frame's slot, and copies what crosses to the next group into it.</summary>
    private void RunGroupSteps(PipelineGroupInfo group, PipelineSlot slot)
    {
        Node[] steps = group.Steps;
        long[] ends = slot.Ends;
        for (int i = 0; i < steps.Length; i++)
        {
            Node node = steps[i];
            node.Process();
            ends[(int)node.Stage] = _clock.NowNs();
        }
        Payload[] forwarded = group.Forwarded;
        for (int i = 0; i < forwarded.Length; i++) forwarded[i].CopyTo(slot.Payloads[i]);
    }

    /// <summary>The last group's end of a frame: the watchdog's decision at the outputs, the record kept, the instruments told; true when the run is over.</summary>
    private bool FinishFrame(PipelineSlot slot)
    {
        int frame = _framesRun;
        ref FrameRecord rec = ref _records[Slot(frame)];
        rec = slot.Record;
        if (frame < Options.WarmupFrames) rec.Flags |= FrameFlags.Warmup;
        if (frame == 0) Volatile.Write(ref _firstStartNs, rec.StartNs);
        FrameIsSourceFault = (rec.Flags & FrameFlags.SourceFault) != 0;
        bool exit = FrameIsSourceFault ? HandleSourceFault(ref rec, frame) : Conclude(ref rec, frame, slot.Ends);
        if (!FrameIsSourceFault && _frameMetric is not null) rec.DemoMetric = _frameMetric.FrameMetric;
        LoopInstrument[] instruments = _instruments;
        for (int i = 0; i < instruments.Length; i++) instruments[i].OnFrameEnd(frame, ref rec);
        Volatile.Write(ref _framesRun, frame + 1);
        Volatile.Write(ref _lastProgressNs, rec.ActuateEndNs);
        LoopOutcome? end = null;
        if (exit) end = LoopOutcome.WatchdogExit;
        else
        {
            for (int i = 0; i < instruments.Length; i++)
                if (!instruments[i].AfterFrame(frame, ref rec)) { end = LoopOutcome.Stopped; break; }
            if (end is null && !Options.Continuous && _framesRun == _records.Length) end = LoopOutcome.Completed;
        }
        if (end is null) return false;
        _pipelineOutcome = end;
        _pipelineDone = true;
        return true;
    }

    /// <summary>A group's rest under the kernel's real-time limit after work since <paramref name="sinceNs"/>, through the group's own wait (a sign of life, and a stop ends it).</summary>
    private void RestIfPaced(Scheduling.RealtimeBandwidthPacer? pacer, PipelineGroupInfo group, long sinceNs)
    {
        if (pacer is null) return;
        long rest = pacer.RestFor(_clock.NowNs() - sinceNs);
        if (rest <= 0) return;
        long restStart = _clock.NowNs();
        WaitGroupUntil(group, restStart + rest);
        pacer.Rested(_clock.NowNs() - restStart);
    }

    /// <summary>Waits for the first group's next tick, alive for the watchdog in slices; false when the run stopped meanwhile.</summary>
    private bool WaitGroupUntil(PipelineGroupInfo group, long wakeNs)
    {
        while (true)
        {
            long slice = Math.Min(wakeNs, _clock.NowNs() + StopCheckNs);
            _waiter.WaitUntil(slice);
            Volatile.Write(ref group.ProgressNs, _clock.NowNs());
            if (slice >= wakeNs) return true;
            if (_stopRequested || _pipelineDone) return false;
        }
    }
}
