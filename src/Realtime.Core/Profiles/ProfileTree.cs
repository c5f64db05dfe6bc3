using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.Core.Profiles;

/// <summary>
/// Checks on the composed profile as JSON, before it becomes a <see cref="BoardProfile"/>: what the
/// typed object can no longer tell. A field set to <c>null</c> is cleared (the field's default, as
/// if it were left out); a number must be finite (<c>1e400</c> would read as Infinity); the fields
/// that decide what an output does must be given, not defaulted.
/// </summary>
public static class ProfileTree
{
    /// <summary>
    /// Fields every <c>pwm[]</c> entry must give: a default chip, channel, frequency or pulse would
    /// drive some other output. Only <c>pin</c> may be left out (it is required where the board has a
    /// header pin map); the angles are a servo's (<see cref="AngleFields"/>).
    /// </summary>
    public static readonly string[] RequiredPwmFields =
        { "name", "channel", "frequency_hz", "min_pulse_us", "max_pulse_us" };

    /// <summary>
    /// A servo's angles: an entry gives all three (a servo's) or none (a motor's, whose speed runs
    /// from one pulse limit through stop halfway to the other); one given without the others is a
    /// servo whose travel would be assumed.
    /// </summary>
    public static readonly string[] AngleFields = { "min_angle_deg", "max_angle_deg", "safe_angle_deg" };

    /// <summary>
    /// Top-level sections a profile no longer has, each with where its settings live now: an old
    /// profile is told where to move them instead of only that the field is unknown.
    /// </summary>
    public static readonly (string Field, string MovedTo)[] RetiredSections =
    {
        ("model", "an onnx-model node of the app graph carries its model (app.nodes[].config: path, sha256, intra_op_threads, ...)"),
        ("camera", "a source node of the app graph carries its camera (a v4l2-camera node's config.device, format, width, height, rate_hz; a sim-video node's config.video)"),
    };

    /// <summary>Where an output lives: a sysfs PWM <c>chip</c>, required unless the output is on a <c>pca9685</c> board.</summary>
    public const string ChipField = "chip", Pca9685Field = "pca9685";

    /// <summary>
    /// Clears the <c>null</c> fields of <paramref name="root"/> (in place) and returns its problems as
    /// "field: problem" lines (empty when it may be deserialized). <paramref name="cleared"/> says whether a null was removed.
    /// </summary>
    public static List<string> Check(JsonObject root, out bool cleared)
    {
        var problems = new List<string>();
        cleared = false;
        foreach (var (field, movedTo) in RetiredSections)
            if (root[field] is not null) problems.Add($"{field}: the top-level {field} section is gone: {movedTo}");
        Walk(root, "", problems, ref cleared);
        if (root["pwm"] is JsonArray pwm)
        {
            for (int i = 0; i < pwm.Count; i++)
            {
                if (pwm[i] is not JsonObject output) continue; // the deserializer names a wrong type
                foreach (string field in RequiredPwmFields)
                    if (!output.ContainsKey(field))
                        problems.Add($"pwm[{i}].{field}: required (an output's chip, channel, frequency, pulses and angles are never assumed)");
                bool servo = false;
                foreach (string field in AngleFields) servo |= output.ContainsKey(field);
                if (servo)
                    foreach (string field in AngleFields)
                        if (!output.ContainsKey(field))
                            problems.Add($"pwm[{i}].{field}: required (a servo's entry gives all three angles, a motor's none: angles are never assumed)");
                if (!output.ContainsKey(ChipField) && !output.ContainsKey(Pca9685Field))
                    problems.Add($"pwm[{i}].{ChipField}: required (an output's chip, channel, frequency, pulses and angles are never assumed; give chip, or pca9685 for a servo board)");
            }
        }
        return problems;
    }

    private static void Walk(JsonNode node, string at, List<string> problems, ref bool cleared)
    {
        switch (node)
        {
            case JsonObject obj:
                List<string>? nulls = null;
                foreach (var (name, child) in obj)
                {
                    string path = ProfileComposer.Field(at, name);
                    if (child is null) (nulls ??= new List<string>()).Add(name);
                    else Walk(child, path, problems, ref cleared);
                }
                if (nulls is not null)
                {
                    foreach (string name in nulls) obj.Remove(name);
                    cleared = true;
                }
                break;
            case JsonArray list:
                for (int i = 0; i < list.Count; i++)
                {
                    string path = $"{at}[{i}]";
                    if (list[i] is JsonNode item) Walk(item, path, problems, ref cleared);
                    else problems.Add($"{path}: a list entry cannot be null (leave it out, or null the whole list to clear it)");
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                if (!value.TryGetValue(out double d) || !double.IsFinite(d))
                    problems.Add($"{at}: {value.ToJsonString()} is out of range (a number in a profile must be finite)");
                break;
        }
    }
}
