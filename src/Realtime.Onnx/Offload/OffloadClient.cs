using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Threading;
using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Onnx.Offload;

/// <summary>
/// Sends a model's inputs to a KServe v2 server (Triton, KServe, <c>rtapp serve</c>) and hands back
/// its outputs, under a deadline, with the local model as the fallback.
/// <para>
/// Two threads, one hand-off. The pipeline thread decides per frame (<see cref="Decide"/>: a few
/// reads and one comparison, no lock, no allocation), copies the inputs into the pre-formatted
/// request (<see cref="InputSlot"/>), wakes the network thread (<see cref="Send"/>) and waits at
/// most until the local model's reserved time (<see cref="Await"/>). The network thread owns the
/// connection (HTTP/1.1 keep-alive, Triton's binary tensor extension, so a frame is bytes, not JSON
/// numbers), the reply buffer and the round-trip window; it publishes the window's p99 and the
/// reply's outcome through <c>_state</c> (Idle → Busy by the pipeline, Busy → Done by the network
/// thread, Done → Idle by the pipeline), so each buffer has one writer at a time. A reply that comes
/// after the pipeline gave up is dropped at the next decision; its round trip still counts, so a
/// slow path stops being chosen. A failure (no connection, a closed one, an error status, a reply
/// whose tensors are not the model's) closes the connection and keeps frames local for
/// <see cref="OffloadOptions.RetryNs"/>.
/// </para>
/// </summary>
public sealed class OffloadClient : IDisposable
{
    private const int Idle = 0, Busy = 1, Done = 2;
    // Room for the reply's HTTP head and JSON header beside its tensors.
    private const int HeaderRoom = 64 * 1024;
    private const int MaxDims = 8;

    private readonly OffloadOptions _options;
    private readonly IClock _clock;
    private readonly OffloadTensor[] _outputs;
    private readonly byte[][] _outputNames;
    private readonly byte[][] _outputTypes;
    private readonly byte[] _request;
    private readonly int[] _inputOffsets;
    private readonly OffloadTensor[] _inputs;
    private readonly byte[] _reply;
    private readonly int[] _outputOffsets;
    private readonly RecentPercentile _roundTrips;
    private readonly RecentPercentile _localRuns;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    // The connection's descriptor, -1 when closed: the kernel's calls on it allocate nothing (a Socket's receive on .NET's
    // async engine would, on every round trip).
    private int _fd = -1;
    private volatile bool _stopping;
    private bool _started;

    private int _state;
    private OffloadOutcome _outcome;
    private long _rttP99Ns;
    private long _retryAtNs;
    private int _sinceProbe;

    // Frames, counted by the pipeline thread (each frame is one of the four).
    private long _remote, _local, _late, _failed, _probes;
    // Round trips, counted by the network thread.
    private long _roundTripCount, _connectFailures, _badReplies, _ioBaseline = -1, _ioLatest;
    private string _lastProblem = "";

    /// <summary>
    /// A client for <paramref name="inputs"/> → <paramref name="outputs"/> (the local model's, in its
    /// order), with every buffer sized here: the request (head, JSON header, the inputs' bytes) and
    /// the reply (room for its head and JSON header, and the outputs' bytes).
    /// </summary>
    public OffloadClient(OffloadOptions options, OffloadTensor[] inputs, OffloadTensor[] outputs, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        _options = options;
        _clock = clock ?? SystemClock.Instance;
        _inputs = inputs;
        _outputs = outputs;
        _outputNames = Array.ConvertAll(outputs, o => Encoding.UTF8.GetBytes(o.Name));
        _outputTypes = Array.ConvertAll(outputs, o => Encoding.ASCII.GetBytes(KServeDataType.Name(o.Type) ?? throw new ArgumentException($"output '{o.Name}' is {o.Type}, which the protocol does not carry")));
        _outputOffsets = new int[outputs.Length];
        _roundTrips = new RecentPercentile(options.Window);
        _localRuns = new RecentPercentile(options.Window);

        byte[] json = RequestHeader(inputs, outputs);
        long binary = 0;
        foreach (var t in inputs) binary += t.Bytes;
        string head = $"POST {options.Target.InferPath} HTTP/1.1\r\nHost: {options.Target.Authority}\r\nContent-Type: application/octet-stream\r\n" +
            $"Inference-Header-Content-Length: {json.Length}\r\nContent-Length: {json.Length + binary}\r\n\r\n";
        byte[] headBytes = Encoding.ASCII.GetBytes(head);
        _request = new byte[checked(headBytes.Length + json.Length + (int)binary)];
        headBytes.CopyTo(_request, 0);
        json.CopyTo(_request, headBytes.Length);
        _inputOffsets = new int[inputs.Length];
        int at = headBytes.Length + json.Length;
        for (int i = 0; i < inputs.Length; i++) { _inputOffsets[i] = at; at += inputs[i].Bytes; }
        long replyBytes = HeaderRoom;
        foreach (var t in outputs) replyBytes += t.Bytes;
        _reply = new byte[checked((int)replyBytes)];
        _thread = new Thread(Serve) { IsBackground = true, Name = "rtapp-offload" };
    }

    /// <summary>The options it was made with.</summary>
    public OffloadOptions Options => _options;
    /// <summary>Frames whose result came from the server.</summary>
    public long RemoteFrames => _remote;
    /// <summary>Frames run on the local model without waiting for the server (probes' frames included).</summary>
    public long LocalFrames => _local;
    /// <summary>Frames sent whose reply did not come in time (the local result was used).</summary>
    public long LateFrames => _late;
    /// <summary>Frames sent whose round trip failed (the local result was used).</summary>
    public long FailedFrames => _failed;
    /// <summary>Frames sent only to measure the round trip.</summary>
    public long Probes => _probes;
    /// <summary>Round trips completed with a reply that fits.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTripCount);
    /// <summary>Connections that could not be made or broke.</summary>
    public long ConnectionFailures => Interlocked.Read(ref _connectFailures);
    /// <summary>Replies refused: an error status, a tensor of another name, type, shape or size, or not the protocol at all.</summary>
    public long BadReplies => Interlocked.Read(ref _badReplies);
    /// <summary>The last failure, in words ("" when none).</summary>
    public string LastProblem => Volatile.Read(ref _lastProblem);
    /// <summary>The p99 of recent round trips, ns (0 before the first).</summary>
    public long RoundTripP99Ns => Volatile.Read(ref _rttP99Ns);
    /// <summary>The p99 of recent local runs, ns: the time reserved for the fallback.</summary>
    public long LocalP99Ns => _localRuns.P99;
    /// <summary>Bytes the network thread allocated since its 10th round trip (-1 before it): its steady state's cost, which should be 0.</summary>
    public long NetworkThreadSteadyBytes { get { long b = Interlocked.Read(ref _ioBaseline); return b < 0 ? -1 : Interlocked.Read(ref _ioLatest) - b; } }

    /// <summary>Starts the network thread (it connects on the first request).</summary>
    public void Start()
    {
        if (_started) return;
        _started = true;
        _thread.Start();
    }

    /// <summary>
    /// The frame's choice, before anything is sent: remote when the network thread is free, no
    /// failure is being waited out, the local model's time is known, and now + the round trip's p99
    /// + the local model's p99 + the margin is not past <paramref name="finishByNs"/> (so the local
    /// model can still run after a reply that never comes). A reply left from an earlier frame is
    /// dropped here. Lock-free, allocation-free, constant time.
    /// </summary>
    public OffloadChoice Decide(long nowNs, long finishByNs)
    {
        int state = Volatile.Read(ref _state);
        if (state == Done) { Volatile.Write(ref _state, Idle); state = Idle; }
        if (state != Idle || nowNs < Volatile.Read(ref _retryAtNs)) { _local++; return OffloadChoice.Local; }
        long rtt = Volatile.Read(ref _rttP99Ns);
        if (_localRuns.Count >= _options.MinLocalRuns && nowNs + rtt + _localRuns.P99 + _options.MarginNs <= finishByNs) return OffloadChoice.Remote;
        _local++;
        if (rtt == 0 || ++_sinceProbe >= _options.ProbeEvery)
        {
            _sinceProbe = 0;
            _probes++;
            return OffloadChoice.Probe;
        }
        return OffloadChoice.Local;
    }

    /// <summary>Where input <paramref name="index"/>'s bytes go in the request (write it after a choice other than local, before <see cref="Send"/>).</summary>
    public Span<byte> InputSlot(int index) => _request.AsSpan(_inputOffsets[index], _inputs[index].Bytes);

    /// <summary>Hands the request to the network thread (after <see cref="Decide"/> said remote or probe).</summary>
    public void Send()
    {
        Volatile.Write(ref _state, Busy);
        _wake.Release();
    }

    /// <summary>
    /// Waits for the reply until the local model must start (<paramref name="finishByNs"/> less the
    /// local p99 and the margin). <see cref="OffloadOutcome.Replied"/>: read <see cref="Output"/>,
    /// then <see cref="Release"/>. Otherwise the caller runs the local model (<see cref="RanLocally"/>).
    /// </summary>
    public OffloadOutcome Await(long finishByNs)
    {
        long until = finishByNs - _localRuns.P99 - _options.MarginNs;
        while (Volatile.Read(ref _state) != Done)
        {
            if (_clock.NowNs() >= until) { _late++; return OffloadOutcome.Late; }
            Thread.Yield();
        }
        if (_outcome == OffloadOutcome.Replied) { _remote++; return OffloadOutcome.Replied; }
        _failed++;
        Volatile.Write(ref _state, Idle);
        return OffloadOutcome.Failed;
    }

    /// <summary>Output <paramref name="index"/> of the reply <see cref="Await"/> returned (valid until <see cref="Release"/>).</summary>
    public ReadOnlySpan<byte> Output(int index) => _reply.AsSpan(_outputOffsets[index], _outputs[index].Bytes);

    /// <summary>Gives the reply buffer back to the network thread.</summary>
    public void Release() => Volatile.Write(ref _state, Idle);

    /// <summary>Records a local run's time (the fallback's reserve).</summary>
    public void RanLocally(long elapsedNs) => _localRuns.Add(elapsedNs);

    private void Serve()
    {
        while (true)
        {
            _wake.Wait();
            if (_stopping) return;
            long sent = _clock.NowNs();
            bool ok = RoundTrip();
            long now = _clock.NowNs();
            if (ok)
            {
                Volatile.Write(ref _rttP99Ns, Math.Max(1, _roundTrips.Add(now - sent)));
                long done = Interlocked.Increment(ref _roundTripCount);
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                if (done == 10) Interlocked.Exchange(ref _ioBaseline, allocated);
                Interlocked.Exchange(ref _ioLatest, allocated);
                _outcome = OffloadOutcome.Replied;
            }
            else
            {
                CloseConnection();
                Volatile.Write(ref _retryAtNs, now + _options.RetryNs);
                _outcome = OffloadOutcome.Failed;
            }
            Volatile.Write(ref _state, Done);
        }
    }

    private bool RoundTrip()
    {
        if (_fd < 0 && !Connect()) return false;
        int fd = _fd;
        if (ConnectionCalls.SendAll(fd, _request) != 0) return Broke("the connection broke or timed out sending");
        return ReadReply(fd);
    }

    private bool Connect()
    {
        int fd = ConnectionCalls.Connect(_options.Target.Endpoint, _options.TimeoutMs);
        if (fd < 0)
        {
            Problem(ref _connectFailures, "cannot connect to the server");
            return false;
        }
        _fd = fd;
        return true;
    }

    private void CloseConnection()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) ConnectionCalls.Close(fd);
    }

    private bool ReadReply(int fd)
    {
        int length = 0, headEnd;
        while ((headEnd = _reply.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == HeaderRoom) return Bad("the reply's head is too long");
            int n = ConnectionCalls.Receive(fd, _reply.AsSpan(length, HeaderRoom - length));
            if (n <= 0) return Broke(n == 0 ? "the server closed the connection" : "the connection broke or timed out receiving");
            length += n;
        }
        int bodyStart = headEnd + 4;
        ReadOnlySpan<byte> head = _reply.AsSpan(0, headEnd);
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8)) return Bad("the reply is not HTTP");
        bool okStatus = head.Slice(9, 3).SequenceEqual("200"u8);
        long contentLength = -1, jsonLength = -1;
        bool close = false;
        foreach (Range line in head.Split("\r\n"u8))
        {
            ReadOnlySpan<byte> l = head[line];
            int colon = l.IndexOf((byte)':');
            if (colon < 0) continue;
            ReadOnlySpan<byte> name = l[..colon], value = l[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8)) { if (!Utf8Parser.TryParse(value, out contentLength, out _)) return Bad("the reply's Content-Length is not a number"); }
            else if (Ascii.EqualsIgnoreCase(name, "Inference-Header-Content-Length"u8)) { if (!Utf8Parser.TryParse(value, out jsonLength, out _)) return Bad("the reply's Inference-Header-Content-Length is not a number"); }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) return Bad("the reply is chunked (a KServe reply has a Content-Length)");
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8)) close = true;
        }
        if (!okStatus) return Bad("the server answered an error status");
        if (contentLength < 0 || bodyStart + contentLength > _reply.Length) return Bad("the reply's size is missing or larger than the model's outputs");
        if (jsonLength < 0 || jsonLength > contentLength) return Bad("the reply carries no binary tensors (no Inference-Header-Content-Length)");
        long end = bodyStart + contentLength;
        while (length < end)
        {
            int n = ConnectionCalls.Receive(fd, _reply.AsSpan(length, (int)(end - length)));
            if (n <= 0) return Broke(n == 0 ? "the server closed the connection" : "the connection broke or timed out receiving");
            length += n;
        }
        if (!Fits(_reply.AsSpan(bodyStart, (int)jsonLength), bodyStart + (int)jsonLength, (int)(contentLength - jsonLength))) return false;
        if (close) CloseConnection();
        return true;
    }

    // The JSON header names each output's type, shape and binary size, in the order of the bytes after it.
    private bool Fits(ReadOnlySpan<byte> json, int binaryStart, int binaryLength)
    {
        Span<bool> seen = stackalloc bool[_outputs.Length];
        Span<long> shape = stackalloc long[MaxDims];
        int at = binaryStart;
        try
        {
            var r = new Utf8JsonReader(json);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return Bad("the reply's header is not a JSON object");
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (!r.ValueTextEquals("outputs"u8)) { r.Skip(); continue; }
                if (!r.Read() || r.TokenType != JsonTokenType.StartArray) return Bad("the reply's outputs are not a list");
                while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                {
                    ReadOnlySpan<byte> name = default, type = default;
                    int dims = -1;
                    long size = -1;
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        if (r.ValueTextEquals("name"u8)) { r.Read(); name = r.ValueSpan; }
                        else if (r.ValueTextEquals("datatype"u8)) { r.Read(); type = r.ValueSpan; }
                        else if (r.ValueTextEquals("shape"u8))
                        {
                            r.Read();
                            if (r.TokenType != JsonTokenType.StartArray) return Bad("an output's shape is not a list");
                            dims = 0;
                            while (r.Read() && r.TokenType == JsonTokenType.Number)
                            {
                                if (dims == MaxDims) return Bad("an output's shape has too many dimensions");
                                shape[dims++] = r.GetInt64();
                            }
                        }
                        else if (r.ValueTextEquals("parameters"u8))
                        {
                            r.Read();
                            if (r.TokenType != JsonTokenType.StartObject) return Bad("an output's parameters are not an object");
                            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                            {
                                if (r.ValueTextEquals("binary_data_size"u8)) { r.Read(); size = r.GetInt64(); }
                                else r.Skip();
                            }
                        }
                        else if (r.ValueTextEquals("data"u8)) return Bad("the reply's tensors are JSON numbers, not binary data");
                        else r.Skip();
                    }
                    if (size < 0) return Bad("an output has no binary_data_size");
                    int index = -1;
                    for (int i = 0; i < _outputNames.Length; i++) if (name.SequenceEqual(_outputNames[i])) { index = i; break; }
                    if (index >= 0)
                    {
                        if (seen[index]) return Bad("the reply names an output twice");
                        OffloadTensor want = _outputs[index];
                        if (!type.SequenceEqual(_outputTypes[index])) return Bad("an output's datatype differs from the model's");
                        if (dims != want.Shape.Length || !shape[..dims].SequenceEqual(want.Shape)) return Bad("an output's shape differs from the model's");
                        if (size != want.Bytes) return Bad("an output's binary size differs from the model's");
                        seen[index] = true;
                        _outputOffsets[index] = at;
                    }
                    if (size > binaryStart + binaryLength - at) return Bad("the reply's binary data is shorter than its header says");
                    at += (int)size;
                }
            }
        }
        catch (JsonException)
        {
            return Bad("the reply's header is not valid JSON");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return Bad("the reply's header has a value of the wrong kind");
        }
        if (seen.Contains(false)) return Bad("the reply lacks an output of the model");
        return true;
    }

    private bool Bad(string what)
    {
        Problem(ref _badReplies, what);
        return false;
    }

    private bool Broke(string what)
    {
        Problem(ref _connectFailures, what);
        return false;
    }

    private void Problem(ref long counter, string what)
    {
        Interlocked.Increment(ref counter);
        Volatile.Write(ref _lastProblem, what);
    }

    private static byte[] RequestHeader(OffloadTensor[] inputs, OffloadTensor[] outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("inputs");
            foreach (var t in inputs)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteStartArray("shape");
                foreach (long d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteString("datatype", KServeDataType.Name(t.Type) ?? throw new ArgumentException($"input '{t.Name}' is {t.Type}, which the protocol does not carry"));
                w.WriteStartObject("parameters");
                w.WriteNumber("binary_data_size", t.Bytes);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("outputs");
            foreach (var t in outputs)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteStartObject("parameters");
                w.WriteBoolean("binary_data", true);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Stops the network thread and closes the connection.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        // Shut down, not closed, under a receive the network thread may be blocked in (it wakes with 0); closed once it is gone.
        int fd = Volatile.Read(ref _fd);
        if (fd >= 0) ConnectionCalls.Shutdown(fd);
        _wake.Release();
        if (_started) _thread.Join(_options.TimeoutMs + 1000);
        CloseConnection();
        _wake.Dispose();
    }
}
