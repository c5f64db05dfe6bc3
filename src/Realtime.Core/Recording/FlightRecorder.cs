using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Recording;

/// <summary>What a recorder writes: every frame, or the frames around each miss or fault.</summary>
public enum RecordingMode : byte
{
    /// <summary>Every frame, into one file.</summary>
    All,
    /// <summary>Only the frames around a miss or fault, each window into its own file in a folder.</summary>
    AroundMisses,
    /// <summary>
    /// Every frame's source inputs and stamps only, into one file: no model output, command or
    /// decision (<c>rtapp record</c>, whose frames <see cref="SourceRecording"/> captures without running the graph).
    /// </summary>
    Sources,
}

/// <summary>
/// How many of a recorder's own files (each miss window's, each snapshot's) a folder keeps: the
/// oldest are deleted past <paramref name="Keep"/> files or <paramref name="MaxBytes"/> bytes, so a
/// loop that misses often, for months, cannot fill the disk.
/// </summary>
public sealed record RecordingCap(int Keep, long MaxBytes)
{
    /// <summary>16 files, 256 MB.</summary>
    public static readonly RecordingCap Default = new(16, 256L << 20);
}

/// <summary>
/// The flight recorder: at each frame's end the loop's thread copies what the frame saw and did —
/// each source's input as it emitted it, the stamps, each model node's output tensors, each sink's
/// command and what reached its outputs, the watchdog's decision — into the next slot of a ring
/// preallocated for <c>capacity</c> frames (single producer, no lock, no allocation: a per-slot
/// sequence tells the reader a slot it was copying was overwritten). A writer thread at normal
/// priority drains the ring into MCAP (<see cref="McapWriter"/>): every frame into one file, or,
/// around misses, the <c>capacity/2</c> frames before and after each into a file of its own in a
/// folder (<c>miss-TIME-fFRAME.mcap</c>; a miss inside an open window extends it, so misses close
/// together share a file). <see cref="RequestSnapshot"/> (SIGHUP) writes the ring as it is now into
/// <c>sighup-TIME-fFRAME.mcap</c> beside them; the folder keeps what <see cref="RecordingCap"/> allows.
/// Frames the writer could not keep up with are counted, never waited for.
/// </summary>
public sealed class FlightRecorder : LoopInstrument, IDisposable
{
    private readonly GraphLoop _loop;
    private readonly Tap[] _inputs;
    private readonly (Node Node, OutputPort Port, TensorPayload Payload)[] _tensors;
    private readonly SinkNode[] _sinks;
    private readonly Slot[] _ring;
    private readonly RecordingMode _mode;
    private readonly int _around;
    private long _published;
    private readonly Thread _thread;
    private volatile bool _stopping;
    // The file being written: the one of every frame, or the open miss window's.
    private McapWriter? _mcap;
    private readonly string? _path;
    private readonly string? _folder;
    private readonly RecordingCap _cap;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _metadata;
    private readonly ushort[] _inputChannels;
    private readonly ushort[] _modelChannels;
    private ushort _timing, _commands, _watchdog, _events;
    private readonly long[] _counts = new long[64];
    private long _messages;
    // The folder's own files (this run's and earlier ones'), oldest first, with their sizes; this run's by name.
    private readonly List<(string Path, long Bytes)> _kept = new();
    private readonly List<string> _mine = new();
    private int _deleted, _snapshotsWritten;
    private long _snapshotFrames;
    private int _snapshotsAsked, _snapshotsDone;
    private Slot? _snapshot;
    private string? _pruneError;
    // Writer thread only.
    private long _next;
    private long _lost, _seen, _written, _writerTicks;
    private readonly Slot _scratch;
    private readonly Slot[] _history;
    private int _historyCount;
    private long _writeUntil = -1;
    private ulong _hash = OutputHash.Seed;
    private Exception? _writerError;
    private uint _sequence;

    private sealed class Tap(SourceNode node, OutputPort port, string kind, int bytes)
    {
        public readonly SourceNode Node = node;
        public readonly OutputPort Port = port;
        public readonly string Kind = kind;
        public readonly int Bytes = bytes;
    }

    /// <summary>
    /// A recorder of <paramref name="loop"/>'s frames. <see cref="RecordingMode.All"/>: into the file
    /// <paramref name="path"/> (null: none written, the output hash alone), snapshots beside it;
    /// <see cref="RecordingMode.AroundMisses"/>: into files in the folder <paramref name="path"/>, snapshots too.
    /// <paramref name="metadata"/> goes into each file's <see cref="RecordingSchemas.RunMetadata"/> record;
    /// <paramref name="cap"/> (default <see cref="RecordingCap.Default"/>) bounds the folder's miss and snapshot files.
    /// </summary>
    public FlightRecorder(GraphLoop loop, string? path, RecordingMode mode, int capacity, IReadOnlyList<KeyValuePair<string, string>> metadata, RecordingCap? cap = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        if (capacity < 2) throw new ArgumentOutOfRangeException(nameof(capacity), "a recorder keeps at least 2 frames");
        if (mode == RecordingMode.AroundMisses && path is null) throw new ArgumentNullException(nameof(path), "a recording around misses needs its folder");
        _loop = loop;
        _mode = mode;
        _around = capacity / 2;
        _cap = cap ?? RecordingCap.Default;
        if (_cap.Keep < 1 || _cap.MaxBytes < 1) throw new ArgumentOutOfRangeException(nameof(cap), "a cap keeps at least one file of one byte");
        _metadata = metadata;
        _path = path;
        _folder = path is null ? null : mode == RecordingMode.AroundMisses ? path : Path.GetDirectoryName(Path.GetFullPath(path));
        var taps = new List<Tap>();
        foreach (SourceNode s in loop.Graph.Sources)
            foreach (OutputPort o in s.Outputs)
            {
                switch (o.Untyped)
                {
                    case ImagePayload img: taps.Add(new Tap(s, o, "image", FrameBuffer.FrameBytes(img.Frame.Format, img.Frame.Width, img.Frame.Height))); break;
                    case AudioPayload a: taps.Add(new Tap(s, o, "audio", a.Samples.Length * sizeof(float))); break;
                    case ImuPayload: taps.Add(new Tap(s, o, "imu", Marshal.SizeOf<Sensors.ImuSample>())); break;
                    case TensorPayload t: taps.Add(new Tap(s, o, "tensor", t.Bytes.Length)); break;
                }
            }
        _inputs = taps.ToArray();
        var tensors = new List<(Node, OutputPort, TensorPayload)>();
        foreach (Node n in loop.Graph.Nodes)
            if (n.Stage == Stage.Infer && mode != RecordingMode.Sources)
                foreach (OutputPort o in n.Outputs)
                    if (o.Untyped is TensorPayload t) tensors.Add((n, o, t));
        _tensors = tensors.ToArray();
        _sinks = loop.Graph.Sinks;
        _ring = new Slot[capacity];
        for (int i = 0; i < capacity; i++) _ring[i] = NewSlot();
        _scratch = NewSlot();
        _history = new Slot[mode == RecordingMode.AroundMisses ? Math.Max(1, _around) : 0];
        for (int i = 0; i < _history.Length; i++) _history[i] = NewSlot();
        _inputChannels = new ushort[_inputs.Length];
        _modelChannels = new ushort[_tensors.Length];

        if (path is not null)
        {
            if (mode != RecordingMode.AroundMisses) _mcap = Open(path, ModeName(mode));
            else
            {
                // The channels' ids are the same in every file: laid out once here (on no file) for the report's topics.
                using (Open(null, "around-misses")) { }
                Directory.CreateDirectory(path);
            }
            // Earlier runs' miss and snapshot files count against the cap too: a service that restarts stays bounded.
            foreach (string kind in new[] { MissPrefix, SnapshotPrefix })
                foreach (string f in Directory.EnumerateFiles(_folder!, kind + "*.mcap"))
                    _kept.Add((f, new FileInfo(f).Length));
            _kept.Sort((a, b) => string.CompareOrdinal(Stamp(a.Path), Stamp(b.Path)));
        }
        _thread = new Thread(WriterLoop) { IsBackground = true, Name = "flight-recorder" };
        _thread.Start();
    }

    /// <summary>What a file's <c>recording.mode</c> metadata says of it.</summary>
    public static string ModeName(RecordingMode mode) => mode switch { RecordingMode.All => "all", RecordingMode.AroundMisses => "around-misses", _ => "sources" };

    /// <summary>The name of a miss window's file begins with this.</summary>
    public const string MissPrefix = "miss-";
    /// <summary>The name of a snapshot's file (<see cref="RequestSnapshot"/>) begins with this.</summary>
    public const string SnapshotPrefix = "sighup-";

    // A file name's time and frame, after its kind: the order the cap deletes in.
    private static string Stamp(string path)
    {
        string name = Path.GetFileName(path);
        return name[(name.IndexOf('-') + 1)..];
    }

    /// <summary>
    /// A new MCAP file at <paramref name="path"/> (null: on no file, to lay the channels out) with the
    /// run's metadata, every schema and channel; the channel ids are the same in every file.
    /// </summary>
    private McapWriter Open(string? path, string mode)
    {
        Stream to = path is null ? Stream.Null : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        var m = new McapWriter(to, RecordingSchemas.Profile, "rtapp flight recorder");
        var all = new List<KeyValuePair<string, string>>(_metadata);
        all.Add(new("recording.mode", mode));
        foreach (Tap t in _inputs) all.Add(new($"source.{t.Node.Name}", Describe(t)));
        m.AddMetadata(RecordingSchemas.RunMetadata, all);
        ushort image = 0, sample = 0;
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (_inputs[i].Kind == "image")
            {
                if (image == 0) image = m.AddSchema("foxglove.RawImage", "jsonschema", RecordingSchemas.RawImage);
                _inputChannels[i] = m.AddChannel(image, RecordingSchemas.CameraPrefix + _inputs[i].Node.Name, "json");
            }
            else
            {
                if (sample == 0) sample = m.AddSchema("rtapp.SourceSample", "jsonschema", RecordingSchemas.SourceSample);
                _inputChannels[i] = m.AddChannel(sample, RecordingSchemas.SourcePrefix + _inputs[i].Node.Name, "json");
            }
        }
        _timing = m.AddChannel(m.AddSchema("rtapp.FrameTiming", "jsonschema", RecordingSchemas.FrameTiming), RecordingSchemas.TimingTopic, "json");
        if (_tensors.Length > 0)
        {
            ushort model = m.AddSchema("rtapp.ModelOutputs", "jsonschema", RecordingSchemas.ModelOutputs);
            var byNode = new Dictionary<Node, ushort>();
            for (int i = 0; i < _tensors.Length; i++)
            {
                if (!byNode.TryGetValue(_tensors[i].Node, out ushort ch)) byNode[_tensors[i].Node] = ch = m.AddChannel(model, RecordingSchemas.ModelPrefix + _tensors[i].Node.Name, "json");
                _modelChannels[i] = ch;
            }
        }
        if (_mode == RecordingMode.Sources) return m;
        _commands = m.AddChannel(m.AddSchema("rtapp.Commands", "jsonschema", RecordingSchemas.Commands), RecordingSchemas.CommandsTopic, "json");
        _watchdog = m.AddChannel(m.AddSchema("rtapp.WatchdogDecision", "jsonschema", RecordingSchemas.WatchdogDecision), RecordingSchemas.WatchdogTopic, "json");
        _events = m.AddChannel(m.AddSchema("rtapp.Event", "jsonschema", RecordingSchemas.Event), RecordingSchemas.EventsTopic, "json");
        return m;
    }

    /// <summary>A new file of the folder's, named for its kind, the time and the frame it starts at, and said when written.</summary>
    private (McapWriter Writer, string Path) OpenInFolder(string prefix, int frame, string mode)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"{prefix}{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fff'Z'}-f{frame:D9}.mcap");
        string path = Path.Combine(_folder!, name);
        return (Open(path, mode), path);
    }

    /// <summary>Finishes a file of the folder's, counts it against the cap and deletes the oldest past it.</summary>
    private void Close(McapWriter m, string path)
    {
        try { m.Finish(); }
        finally { m.Dispose(); }
        _kept.Add((path, new FileInfo(path).Length));
        _mine.Add(path);
        long total = 0;
        foreach (var k in _kept) total += k.Bytes;
        // The newest file stays whatever its size: it is the one about to be looked at.
        while (_kept.Count > 1 && (_kept.Count > _cap.Keep || total > _cap.MaxBytes))
        {
            var (oldest, bytes) = _kept[0];
            _kept.RemoveAt(0);
            total -= bytes;
            try { File.Delete(oldest); _deleted++; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { _pruneError ??= $"could not delete {oldest}: {ex.Message}"; }
            _mine.Remove(oldest);
        }
    }

    /// <summary>
    /// Asks the writer to write the ring as it is now (the last frames, up to its capacity) into a
    /// file of its own beside the recording (SIGHUP). Only counts a request: safe from a signal handler.
    /// </summary>
    public void RequestSnapshot() => Interlocked.Increment(ref _snapshotsAsked);

    /// <summary>Snapshots written and closed so far.</summary>
    public int SnapshotsWritten => Volatile.Read(ref _snapshotsWritten);

    /// <summary>How a source's output is described in the run's metadata (what replay rebuilds it from).</summary>
    private static string Describe(Tap t)
    {
        var c = CultureInfo.InvariantCulture;
        return t.Port.Untyped switch
        {
            ImagePayload i => string.Create(c, $"port={t.Port.Name};kind=image;format={i.Frame.Format};width={i.Frame.Width};height={i.Frame.Height}"),
            AudioPayload a => string.Create(c, $"port={t.Port.Name};kind=audio;rate={a.Type.SampleRateHz};samples={a.Samples.Length}"),
            TensorPayload tp => string.Create(c, $"port={t.Port.Name};kind=tensor;element={tp.Type.Element};shape={string.Join('x', tp.Type.Shape.ToArray())}"),
            _ => $"port={t.Port.Name};kind={t.Kind}",
        };
    }

    private Slot NewSlot()
    {
        var s = new Slot
        {
            Inputs = new byte[_inputs.Length][],
            InputSequence = new long[_inputs.Length],
            InputCaptureNs = new long[_inputs.Length],
            Tensors = new byte[_tensors.Length][],
            Next = new ActuatorCommand[_sinks.Length],
            Applied = new ActuatorCommand[_sinks.Length],
        };
        for (int i = 0; i < _inputs.Length; i++) s.Inputs[i] = new byte[_inputs[i].Bytes];
        for (int i = 0; i < _tensors.Length; i++) s.Tensors[i] = new byte[_tensors[i].Payload.Bytes.Length];
        return s;
    }

    private sealed class Slot
    {
        public long Seq = -1;
        public int Frame;
        public long TickNs;
        public FrameRecord Record;
        public FaultAction Action;
        public int FaultMask;
        public bool CaptureForced;
        public byte[][] Inputs = [];
        public long[] InputSequence = [];
        public long[] InputCaptureNs = [];
        public byte[][] Tensors = [];
        public ActuatorCommand[] Next = [];
        public ActuatorCommand[] Applied = [];

        public void CopyFrom(Slot s)
        {
            Frame = s.Frame;
            TickNs = s.TickNs;
            Record = s.Record;
            Action = s.Action;
            FaultMask = s.FaultMask;
            CaptureForced = s.CaptureForced;
            for (int i = 0; i < Inputs.Length; i++) s.Inputs[i].AsSpan().CopyTo(Inputs[i]);
            s.InputSequence.AsSpan().CopyTo(InputSequence);
            s.InputCaptureNs.AsSpan().CopyTo(InputCaptureNs);
            for (int i = 0; i < Tensors.Length; i++) s.Tensors[i].AsSpan().CopyTo(Tensors[i]);
            s.Next.AsSpan().CopyTo(Next);
            s.Applied.AsSpan().CopyTo(Applied);
        }
    }

    private long _tickNs;

    /// <inheritdoc/>
    public override void OnTick(long tick) => _tickNs = _loop.NextTickNs;

    /// <summary>A frame that <see cref="SourceRecording"/> captured itself (the loop never ran it), ticked at <paramref name="tickNs"/>.</summary>
    internal void Publish(int frame, long tickNs, ref FrameRecord record)
    {
        _tickNs = tickNs;
        OnFrameEnd(frame, ref record);
    }

    /// <inheritdoc/>
    public override void OnFrameEnd(int frame, ref FrameRecord record)
    {
        Slot s = _ring[frame % _ring.Length];
        // Marks the slot as being written before any byte of it changes (a full fence: the reader sees -1 or a whole frame).
        Interlocked.Exchange(ref s.Seq, -1);
        s.Frame = frame;
        s.TickNs = _tickNs;
        s.Record = record;
        s.Action = _loop.LastAction;
        s.FaultMask = _loop.LastFaultMask;
        s.CaptureForced = _loop.LastCaptureForcedFailed;
        for (int i = 0; i < _inputs.Length; i++)
        {
            Payload p = _inputs[i].Port.Untyped;
            Span<byte> to = s.Inputs[i];
            switch (p)
            {
                case ImagePayload img: img.Frame.Pixels.AsSpan(0, to.Length).CopyTo(to); s.InputSequence[i] = img.Frame.Sequence; break;
                case AudioPayload a: MemoryMarshal.AsBytes(a.Samples.AsSpan()).CopyTo(to); s.InputSequence[i] = a.Sequence; break;
                case ImuPayload u: MemoryMarshal.AsBytes(new ReadOnlySpan<Sensors.ImuSample>(in u.Sample)).CopyTo(to); break;
                case TensorPayload t: t.Bytes.CopyTo(to); break;
            }
            s.InputCaptureNs[i] = _inputs[i].Node.CaptureNs;
        }
        for (int i = 0; i < _tensors.Length; i++) _tensors[i].Payload.Bytes.CopyTo(s.Tensors[i]);
        for (int i = 0; i < _sinks.Length; i++)
        {
            s.Next[i] = _sinks[i].Command.Payload.Next;
            s.Applied[i] = _loop.AppliedTo(i);
        }
        Volatile.Write(ref s.Seq, frame);
        Volatile.Write(ref _published, frame + 1L);
    }

    private void WriterLoop()
    {
        try
        {
            while (!_stopping)
            {
                Drain();
                Snapshots();
                Thread.Sleep(5);
            }
            Drain();
            Snapshots();
            if (_mode == RecordingMode.AroundMisses) CloseWindow();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _writerError = ex;
        }
    }

    private void Drain()
    {
        long published = Volatile.Read(ref _published);
        while (_next < published)
        {
            if (published - _next > _ring.Length)
            {
                // The loop lapped the writer: those frames are gone.
                _lost += published - _ring.Length - _next;
                _next = published - _ring.Length;
            }
            Slot s = _ring[_next % _ring.Length];
            bool ok = Volatile.Read(ref s.Seq) == _next;
            if (ok)
            {
                _scratch.CopyFrom(s);
                Interlocked.MemoryBarrier();
                ok = Volatile.Read(ref s.Seq) == _next;
            }
            if (ok) Handle(_scratch);
            else _lost++;
            Volatile.Write(ref _next, _next + 1);
            published = Volatile.Read(ref _published);
        }
    }

    /// <summary>Writes each snapshot asked for: the ring's frames still whole, oldest first.</summary>
    private void Snapshots()
    {
        int asked = Volatile.Read(ref _snapshotsAsked);
        if (_snapshotsDone == asked || _folder is null) { _snapshotsDone = asked; return; }
        _snapshotsDone = asked;
        _snapshot ??= NewSlot();
        long published = Volatile.Read(ref _published);
        long first = Math.Max(0, published - _ring.Length);
        var (m, path) = OpenInFolder(SnapshotPrefix, (int)Math.Max(0, published - 1), "snapshot");
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            for (long f = first; f < published; f++)
            {
                Slot s = _ring[f % _ring.Length];
                if (Volatile.Read(ref s.Seq) != f) continue;
                _snapshot.CopyFrom(s);
                Interlocked.MemoryBarrier();
                // Overwritten while copied: the loop went on, the frame is left out.
                if (Volatile.Read(ref s.Seq) != f) continue;
                Write(m, _snapshot, counted: false);
                _snapshotFrames++;
            }
        }
        finally
        {
            Close(m, path);
            Interlocked.Increment(ref _snapshotsWritten);
            _writerTicks += Stopwatch.GetTimestamp() - t0;
        }
    }

    // The open miss window's file.
    private string? _windowPath;

    private void CloseWindow()
    {
        if (_mcap is null || _mode != RecordingMode.AroundMisses) return;
        McapWriter m = _mcap;
        _mcap = null;
        Close(m, _windowPath!);
    }

    private void WriteInWindow(Slot s)
    {
        if (_mcap is null) (_mcap, _windowPath) = OpenInFolder(MissPrefix, s.Frame, "around-misses");
        Write(_mcap, s, counted: true);
        // A window that never closes (a loop missing every frame) goes on in a new file, so the cap can delete its start.
        if (_mcap.Position > _cap.MaxBytes / 2) CloseWindow();
    }

    private static bool Triggers(Slot s) =>
        (s.Record.Flags & (FrameFlags.DeadlineMiss | FrameFlags.SourceFault)) != 0 || s.FaultMask != 0 || s.Action != FaultAction.Ignore;

    private void Handle(Slot s)
    {
        _seen++;
        _hash = OutputHash.Mix(_hash, s.Frame, s.Action, s.Applied);
        if (_path is null) return;
        long t0 = Stopwatch.GetTimestamp();
        if (_mode != RecordingMode.AroundMisses) Write(_mcap!, s, counted: true);
        else if (Triggers(s))
        {
            // The frames kept before it, oldest first, then this one; the next ones until the window closes.
            int start = (int)(_historyCount > _history.Length ? _historyCount - _history.Length : 0);
            for (int i = start; i < _historyCount; i++) WriteInWindow(_history[i % _history.Length]);
            _historyCount = 0;
            WriteInWindow(s);
            _writeUntil = s.Frame + _around;
        }
        else if (s.Frame <= _writeUntil) WriteInWindow(s);
        else
        {
            CloseWindow();
            if (_history.Length > 0) _history[_historyCount++ % _history.Length].CopyFrom(s);
        }
        _writerTicks += Stopwatch.GetTimestamp() - t0;
    }

    private void Write(McapWriter m, Slot s, bool counted)
    {
        _counting = counted;
        if (counted) _written++;
        ref FrameRecord r = ref s.Record;
        ulong at = (ulong)Math.Max(0, r.StartNs);
        for (int i = 0; i < _inputs.Length; i++)
        {
            Tap tap = _inputs[i];
            string status = (r.Flags & FrameFlags.SourceFault) != 0 ? (s.CaptureForced ? "forced-failed" : tap.Node.Status == CaptureStatus.Ok ? "ok" : "failed") : "ok";
            ReadOnlySpan<byte> json;
            if (tap.Port.Untyped is ImagePayload img)
            {
                FrameBuffer f = img.Frame;
                json = Json(new RawImageMessage
                {
                    Timestamp = new FoxgloveTime { Sec = s.InputCaptureNs[i] / 1_000_000_000, Nsec = (int)(s.InputCaptureNs[i] % 1_000_000_000) },
                    FrameId = tap.Node.Name,
                    Width = f.Width,
                    Height = f.Height,
                    Encoding = f.Format switch { PixelFormat.Bgr24 => "bgr8", PixelFormat.Grey8 => "mono8", PixelFormat.Yuyv => "yuyv", PixelFormat.Nv12 => "nv12", _ => "32FC1" },
                    Step = f.Stride,
                    Data = s.Inputs[i],
                    Frame = s.Frame,
                    Sequence = s.InputSequence[i],
                    CaptureNs = s.InputCaptureNs[i],
                    Status = status,
                }, RecordingJsonContext.Default.RawImageMessage);
            }
            else
            {
                json = Json(new SourceSampleMessage
                {
                    Frame = s.Frame,
                    Source = tap.Node.Name,
                    Kind = tap.Kind,
                    Sequence = s.InputSequence[i],
                    CaptureNs = s.InputCaptureNs[i],
                    Status = status,
                    Data = s.Inputs[i],
                }, RecordingJsonContext.Default.SourceSampleMessage);
            }
            Add(m, _inputChannels[i], _sequence++, at, json);
        }
        Add(m, _timing, _sequence++, at, Json(new FrameTimingMessage
        {
            Frame = s.Frame,
            TickNs = s.TickNs,
            StartNs = r.StartNs,
            CaptureNs = r.CaptureNs,
            CaptureEndNs = r.CaptureEndNs,
            PreprocessEndNs = r.PreprocessEndNs,
            InferEndNs = r.InferEndNs,
            DecodeEndNs = r.DecodeEndNs,
            ControlEndNs = r.ControlEndNs,
            ActuateEndNs = r.ActuateEndNs,
            DroppedBefore = r.DroppedBefore,
            Flags = (int)r.Flags,
            Warmup = (r.Flags & FrameFlags.Warmup) != 0,
            CaptureForcedFailed = s.CaptureForced,
        }, RecordingJsonContext.Default.FrameTimingMessage));
        for (int i = 0; i < _tensors.Length;)
        {
            Node node = _tensors[i].Node;
            var msg = new ModelOutputsMessage { Frame = s.Frame, Node = node.Name };
            ushort channel = _modelChannels[i];
            for (; i < _tensors.Length && _tensors[i].Node == node; i++)
                msg.Outputs.Add(new TensorMessage
                {
                    Port = _tensors[i].Port.Name,
                    Element = _tensors[i].Payload.Type.Element.ToString(),
                    Shape = _tensors[i].Payload.Type.Shape.ToArray(),
                    Data = s.Tensors[i],
                });
            Add(m, channel, _sequence++, at, Json(msg, RecordingJsonContext.Default.ModelOutputsMessage));
        }
        if (_mode == RecordingMode.Sources) return;
        var commands = new CommandsMessage { Frame = s.Frame };
        for (int i = 0; i < _sinks.Length; i++)
            commands.Sinks.Add(new SinkCommandMessage { Sink = _sinks[i].Name, Next = Values(s.Next[i]), Applied = Values(s.Applied[i]) });
        Add(m, _commands, _sequence++, (ulong)Math.Max(0, r.ActuateEndNs), Json(commands, RecordingJsonContext.Default.CommandsMessage));
        var decision = new WatchdogDecisionMessage { Frame = s.Frame, Action = LoopWatchdog.ActionName(s.Action), SafeState = (r.Flags & FrameFlags.SafeState) != 0 };
        for (int k = 0; k < LoopWatchdog.KindCount; k++)
            if ((s.FaultMask & (1 << k)) != 0) decision.Faults.Add(LoopWatchdog.KindName((FaultKind)k));
        Add(m, _watchdog, _sequence++, (ulong)Math.Max(0, r.ControlEndNs), Json(decision, RecordingJsonContext.Default.WatchdogDecisionMessage));
        if (Triggers(s))
        {
            string kind = (r.Flags & FrameFlags.SourceFault) != 0 ? "source-fault"
                : (s.FaultMask & (1 << (int)FaultKind.DeadlineMiss)) != 0 || (r.Flags & FrameFlags.DeadlineMiss) != 0 ? "deadline-miss"
                : (s.FaultMask & (1 << (int)FaultKind.StageOverrun)) != 0 ? "stage-overrun" : "watchdog";
            Add(m, _events, _sequence++, at, Json(
                new EventMessage { Frame = s.Frame, Kind = kind, Action = LoopWatchdog.ActionName(s.Action), EndToEndNs = r.EndToEndNs },
                RecordingJsonContext.Default.EventMessage));
        }
    }

    private bool _counting;

    /// <summary>One message; counted for the report unless it is a snapshot's.</summary>
    private void Add(McapWriter m, ushort channel, uint sequence, ulong at, ReadOnlySpan<byte> json)
    {
        m.AddMessage(channel, sequence, at, json);
        if (!_counting) return;
        _counts[channel]++;
        _messages++;
    }

    // One buffer for every message: an image's JSON (hundreds of KB) as a fresh array each frame would land on the
    // large-object heap and make the process collect, which stops the loop's thread too.
    private readonly System.Buffers.ArrayBufferWriter<byte> _json = new(1 << 16);
    private Utf8JsonWriter? _jsonWriter;

    private ReadOnlySpan<byte> Json<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        _json.ResetWrittenCount();
        if (_jsonWriter is null) _jsonWriter = new Utf8JsonWriter(_json);
        else _jsonWriter.Reset(_json);
        JsonSerializer.Serialize(_jsonWriter, message, type);
        _jsonWriter.Flush();
        return _json.WrittenSpan;
    }

    private static float[] Values(in ActuatorCommand c)
    {
        var v = new float[Math.Clamp(c.Count, 0, ChannelValues.MaxChannels)];
        for (int i = 0; i < v.Length; i++) v[i] = c.Values[i];
        return v;
    }

    /// <summary>Frames published that the writer has not read yet: a producer that may wait (<see cref="SourceRecording"/>) keeps it under the ring's size, so none is lost.</summary>
    public long Behind => Volatile.Read(ref _published) - Volatile.Read(ref _next);

    /// <summary>Whether the writer has stopped on an error (a full disk): a producer waiting for it must not wait any more.</summary>
    public bool WriterFailed => Volatile.Read(ref _writerError) is not null;

    /// <summary>The ring's size in frames.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Whether the writer has read every frame published so far (a test ticking the loop by hand waits on it, as a paced loop would give the writer time).</summary>
    public bool CaughtUp => Volatile.Read(ref _next) >= Volatile.Read(ref _published);

    /// <summary>Stops the writer after it drained every frame published, finishes the file and says what it holds.</summary>
    public RecordingReport Finish()
    {
        if (!_stopping)
        {
            _stopping = true;
            _thread.Join();
            if (_writerError is null)
            {
                try { _mcap?.Finish(); }
                catch (IOException ex) { _writerError = ex; }
            }
            // A full disk fails the close too (the last buffered bytes): the recording's error, not the run's crash.
            try { _mcap?.Dispose(); }
            catch (IOException ex) { _writerError ??= ex; }
            _mcap = null;
        }
        long bytes = _mode != RecordingMode.AroundMisses && _path is not null && File.Exists(_path) ? new FileInfo(_path).Length : 0;
        foreach (string f in _mine) bytes += new FileInfo(f).Length;
        var report = new RecordingReport
        {
            File = _path,
            Mode = ModeName(_mode),
            RingFrames = _ring.Length,
            FramesSeen = _seen,
            FramesWritten = _written,
            FramesLost = _lost,
            Messages = _messages,
            Bytes = bytes,
            Files = _path is null ? null : new List<string>(_mine),
            FilesDeleted = _deleted,
            Snapshots = _snapshotsWritten,
            SnapshotFrames = _snapshotFrames,
            // A recording of the sources saw no output.
            OutputHash = _lost == 0 && _mode != RecordingMode.Sources ? OutputHash.Format(_hash) : null,
            WriterUsPerFrame = _written + _snapshotFrames > 0 ? Math.Round(_writerTicks * 1e6 / Stopwatch.Frequency / (_written + _snapshotFrames), 1) : 0,
            Error = _writerError?.Message ?? _pruneError,
        };
        if (_path is not null)
        {
            report.Channels = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (ushort c = 0; c < 64; c++)
            {
                string? topic = TopicOf(c);
                if (topic is null) break;
                report.Channels[topic] = _counts[c];
            }
        }
        return report;
    }

    private string? TopicOf(ushort channel)
    {
        for (int i = 0; i < _inputs.Length; i++)
            if (_inputChannels[i] == channel) return (_inputs[i].Kind == "image" ? RecordingSchemas.CameraPrefix : RecordingSchemas.SourcePrefix) + _inputs[i].Node.Name;
        for (int i = 0; i < _tensors.Length; i++)
            if (_modelChannels[i] == channel) return RecordingSchemas.ModelPrefix + _tensors[i].Node.Name;
        if (channel == _timing) return RecordingSchemas.TimingTopic;
        if (channel == _commands) return RecordingSchemas.CommandsTopic;
        if (channel == _watchdog) return RecordingSchemas.WatchdogTopic;
        if (channel == _events) return RecordingSchemas.EventsTopic;
        return null;
    }

    /// <summary>Finishes the recording if <see cref="Finish"/> was not called.</summary>
    public void Dispose() => Finish();
}

/// <summary>The hash of what reached the outputs, frame by frame: FNV-1a 64 over the frame, the watchdog's action and each sink's applied values (their bits).</summary>
public static class OutputHash
{
    /// <summary>The starting value.</summary>
    public const ulong Seed = 14695981039346656037UL;

    /// <summary>Mixes one frame in.</summary>
    public static ulong Mix(ulong h, int frame, FaultAction action, ReadOnlySpan<ActuatorCommand> applied)
    {
        h = Word(h, (uint)frame);
        h = Word(h, (uint)action);
        for (int i = 0; i < applied.Length; i++)
        {
            int n = Math.Clamp(applied[i].Count, 0, ChannelValues.MaxChannels);
            h = Word(h, (uint)n);
            for (int c = 0; c < n; c++) h = Word(h, BitConverter.SingleToUInt32Bits(applied[i].Values[c]));
        }
        return h;
    }

    private static ulong Word(ulong h, uint w)
    {
        for (int b = 0; b < 4; b++) { h ^= (byte)(w >> (8 * b)); h *= 1099511628211UL; }
        return h;
    }

    /// <summary>As the reports write it: 16 hex digits.</summary>
    public static string Format(ulong h) => h.ToString("x16", CultureInfo.InvariantCulture);
}
