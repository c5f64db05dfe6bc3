using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Realtime.Core.Reporting;

/// <summary>
/// The application's own figures: the report's <c>demo_metrics</c> object (BENCHMARKS.md), named figures in
/// the order they were added, filled by the nodes that know them (<see cref="Graph.IApplicationMetrics"/>).
/// Core knows none of their names. Also holds the lines a person reads about them at the end of a run.
/// </summary>
[JsonConverter(typeof(ApplicationMetricsConverter))]
public sealed class ApplicationMetrics
{
    private readonly JsonObject _figures = new();
    private readonly List<string> _lines = new();

    /// <summary>The figure named <paramref name="name"/>, or null when there is none.</summary>
    public JsonNode? this[string name] => _figures.TryGetPropertyValue(name, out JsonNode? value) ? value : null;

    /// <summary>How many figures there are.</summary>
    public int Count => _figures.Count;

    /// <summary>The figures, by name (snake_case, as the report writes them), in the order added.</summary>
    public IEnumerable<KeyValuePair<string, JsonNode?>> Figures => _figures;

    /// <summary>The lines a person reads about these figures (the run's summary prints them; not in the JSON).</summary>
    public IReadOnlyList<string> SummaryLines => _lines;

    /// <summary>Adds or replaces a number.</summary>
    public void Add(string name, double value) => Set(name, double.IsFinite(value) ? JsonValue.Create(value) : null);

    /// <summary>Adds or replaces a count.</summary>
    public void Add(string name, long value) => Set(name, JsonValue.Create(value));

    /// <summary>Adds or replaces a yes/no.</summary>
    public void Add(string name, bool value) => Set(name, JsonValue.Create(value));

    /// <summary>Adds or replaces a text; null leaves the figure out.</summary>
    public void Add(string name, string? value) => Set(name, value is null ? null : JsonValue.Create(value));

    /// <summary>Adds or replaces percentiles of a value; null (nothing measured) leaves the figure out.</summary>
    public void Add(string name, ValueSummary? summary) => Set(name, summary is null ? null : new JsonObject
    {
        ["count"] = summary.Count,
        ["p50"] = summary.P50,
        ["p95"] = summary.P95,
        ["max"] = summary.Max,
        ["mean"] = summary.Mean,
    });

    /// <summary>Adds or replaces any JSON (a list of per-event records, say; a copy is kept); null leaves the figure out.</summary>
    public void Add(string name, JsonNode? value) => Set(name, value);

    /// <summary>Adds a line a person reads at the end of the run.</summary>
    public void AddSummaryLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _lines.Add(line);
    }

    private void Set(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value is null) _figures.Remove(name);
        // Kept as parsed JSON, so a figure reads back as any numeric type that holds it ((int) of a count added as long).
        else _figures[name] = JsonNode.Parse(value.ToJsonString());
    }

    /// <summary>Writes the figures as one JSON object.</summary>
    internal void WriteTo(Utf8JsonWriter writer) => _figures.WriteTo(writer);

    /// <summary>Reads figures written by <see cref="WriteTo"/> (a report read back).</summary>
    internal static ApplicationMetrics ReadFrom(JsonObject figures)
    {
        var metrics = new ApplicationMetrics();
        foreach (var (name, value) in figures) metrics.Set(name, value);
        return metrics;
    }
}

/// <summary>Writes <see cref="ApplicationMetrics"/> as its figures' object (source-generated contexts use it; no reflection).</summary>
public sealed class ApplicationMetricsConverter : JsonConverter<ApplicationMetrics>
{
    /// <inheritdoc/>
    public override ApplicationMetrics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonNode.Parse(ref reader) is JsonObject o ? ApplicationMetrics.ReadFrom(o) : throw new JsonException("demo_metrics must be an object");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ApplicationMetrics value, JsonSerializerOptions options) => value.WriteTo(writer);
}
