using System.Text.Json.Serialization;

namespace Realtime.Core.Reporting;

/// <summary>Source-generated JSON for reports (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(IntervalReport))]
[JsonSerializable(typeof(Realtime.Core.Recording.ReplayReport))]
public sealed partial class ReportJsonContext : JsonSerializerContext
{
}
