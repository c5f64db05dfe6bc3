using System.Text.Json.Serialization;

namespace Realtime.Core.Scheduling;

/// <summary>Source-generated JSON for timing files (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TimingFile))]
public sealed partial class TimingJsonContext : JsonSerializerContext
{
}
