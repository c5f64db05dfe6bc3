using System.Text.Json.Serialization;

namespace Realtime.Core.Profiles;

/// <summary>Source-generated JSON for profiles (NativeAOT: no reflection). Unknown fields are errors; nulls are not written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(BoardProfile))]
public sealed partial class ProfileJsonContext : JsonSerializerContext
{
}
