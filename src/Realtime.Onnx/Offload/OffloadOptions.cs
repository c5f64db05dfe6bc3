namespace Realtime.Onnx.Offload;

/// <summary>How an <see cref="OffloadClient"/> decides and how long it waits (an <c>offload-model</c> node's config).</summary>
public sealed record OffloadOptions
{
    /// <summary>The server's model.</summary>
    public required OffloadTarget Target { get; init; }
    /// <summary>Round trips (and local runs) whose p99 the decision uses.</summary>
    public int Window { get; init; } = 32;
    /// <summary>While the server is judged too slow, every this many local frames one is sent without waiting, to measure it again.</summary>
    public int ProbeEvery { get; init; } = 10;
    /// <summary>Time kept free beside the round trip's and the local model's p99 (copies, scheduling), ns.</summary>
    public long MarginNs { get; init; } = 1_000_000;
    /// <summary>After a failure, how long frames stay local before the server is tried again, ns.</summary>
    public long RetryNs { get; init; } = 1_000_000_000;
    /// <summary>The longest the network thread waits to connect, send or receive, ms (the reply is counted late long before).</summary>
    public int TimeoutMs { get; init; } = 2000;
    /// <summary>Local runs measured before any frame waits for the server (the local model's time must be known to be reserved).</summary>
    public int MinLocalRuns { get; init; } = 3;
}
