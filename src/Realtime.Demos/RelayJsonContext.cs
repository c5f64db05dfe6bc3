using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Realtime.Demos;

/// <summary>Source-generated JSON for the relay's per-phrase records (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<RelayPhraseReport>))]
public sealed partial class RelayJsonContext : JsonSerializerContext
{
}
