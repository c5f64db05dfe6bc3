using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.Tests;

/// <summary>
/// One fuzz case: a board (built-in name), optionally a mutated copy of its file written to disk,
/// <c>--set</c> overrides and an <c>--inject</c> spec, and what was done, in words, to reproduce it.
/// </summary>
public sealed record ProfileFuzzCase(int Index, string Board, string? FilePath, string[] Sets, string? Inject, string Description)
{
    /// <summary>What a command line would give as <c>--board</c>: the mutated file, else the built-in name.</summary>
    public string BoardArgument => FilePath ?? Board;

    /// <summary>The case as a reproducible line.</summary>
    public override string ToString() =>
        $"case {Index} ({Description}): --board {BoardArgument}{(Sets.Length == 0 ? "" : " --set " + string.Join(" --set ", Sets))}{(Inject is null ? "" : " --inject " + Inject)}";
}

/// <summary>
/// A seeded mutation fuzzer over the shipped board profiles, <c>--set</c> and <c>--inject</c>: the
/// mistakes a careless user or an attacker makes. Mutations: delete a field, null it, change its
/// type, huge, negative, out-of-range and tiny numbers, long text, control characters, lone
/// surrogates, a field given twice, deep nesting, unknown fields, list entries removed, doubled or
/// nulled, and <c>extends</c> to odd files (devices, a FIFO, a folder, a huge or binary file, itself).
/// The same seed gives the same cases. Text the JSON writer cannot produce (1e400, "\ud800", a key
/// twice) goes in through placeholders replaced in the written text.
/// </summary>
public sealed class ProfileMutator
{
    private readonly Random _random;
    private readonly string _scratch;
    private readonly List<string> _boards = new();
    private readonly Dictionary<string, JsonObject> _trees = new(StringComparer.Ordinal);
    private readonly List<string> _oddFiles = new();
    private int _index;

    /// <summary>Numbers as JSON text: beyond double, beyond long and int, negative, zero, fractions where whole numbers go, denormals.</summary>
    public static readonly string[] HostileNumbers =
    {
        "1e400", "-1e400", "1e308", "-1e308", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "2147483647", "2147483648", "-2147483649", "-1", "0", "0.5", "1e-320", "4.9e-324", "-0.0", "123456789012345678901234567890", "1e9",
    };

    /// <summary>
    /// Creates the fuzzer over the profiles in <paramref name="boardsDir"/>; mutated files and the odd
    /// files <c>extends</c> points at go in <paramref name="scratch"/> (created).
    /// </summary>
    public ProfileMutator(int seed, string boardsDir, string scratch)
    {
        _random = new Random(seed);
        _scratch = scratch;
        Directory.CreateDirectory(scratch);
        foreach (string f in Directory.GetFiles(boardsDir, "*.json"))
        {
            if (f.EndsWith(".schema.json", StringComparison.Ordinal)) continue;
            string name = Path.GetFileNameWithoutExtension(f);
            _boards.Add(name);
            _trees[name] = (JsonObject)JsonNode.Parse(File.ReadAllText(f), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        }
        _boards.Sort(StringComparer.Ordinal);
        MakeOddFiles();
    }

    private void MakeOddFiles()
    {
        string Put(string name, byte[] bytes)
        {
            string p = Path.Combine(_scratch, name);
            File.WriteAllBytes(p, bytes);
            return p;
        }
        _oddFiles.Add("/dev/zero");
        _oddFiles.Add("/dev/null");
        _oddFiles.Add("/dev/urandom");
        _oddFiles.Add("/proc/self/status");
        _oddFiles.Add("/etc");
        _oddFiles.Add("/nonexistent/base.json");
        _oddFiles.Add("../../../../../../etc/hostname");
        _oddFiles.Add(Put("empty.json", Array.Empty<byte>()));
        _oddFiles.Add(Put("huge.json", Encoding.UTF8.GetBytes("{\"description\": \"" + new string('x', 3 << 20) + "\"}")));
        var garbage = new byte[4096];
        new Random(1).NextBytes(garbage);
        _oddFiles.Add(Put("binary.json", garbage));
        _oddFiles.Add(Put("latin1.json", new byte[] { (byte)'{', (byte)'"', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xE9, (byte)'"', (byte)'}' }));
        _oddFiles.Add(Put("array.json", Encoding.UTF8.GetBytes("[1, 2, 3]")));
        _oddFiles.Add(Put("self.json", Encoding.UTF8.GetBytes("{ \"extends\": \"self.json\" }")));
        _oddFiles.Add(Put("ping.json", Encoding.UTF8.GetBytes("{ \"extends\": \"pong.json\" }")));
        Put("pong.json", Encoding.UTF8.GetBytes("{ \"extends\": \"ping.json\" }"));
        _oddFiles.Add(Put("bom.json", Encoding.UTF8.GetBytes("\uFEFF{ \"extends\": \"sim\" }")));
        string folder = Path.Combine(_scratch, "folder.json");
        Directory.CreateDirectory(folder);
        _oddFiles.Add(folder);
        string link = Path.Combine(_scratch, "zero-link.json");
        if (!File.Exists(link)) File.CreateSymbolicLink(link, "/dev/zero");
        _oddFiles.Add(link);
        string fifo = Path.Combine(_scratch, "fifo.json");
        if (!File.Exists(fifo))
        {
            using var mk = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!;
            mk.WaitForExit();
            if (mk.ExitCode != 0) throw new InvalidOperationException("mkfifo failed for " + fifo);
        }
        _oddFiles.Add(fifo);
    }

    /// <summary>The built-in board names mutated.</summary>
    public IReadOnlyList<string> Boards => _boards;

    /// <summary>The next case: about half mutate the file, a third use <c>--set</c> alone, the rest add an <c>--inject</c>.</summary>
    public ProfileFuzzCase Next()
    {
        int index = _index++;
        string board = Pick(_boards);
        int roll = _random.Next(100);
        if (roll < 50) return FileCase(index, board);
        if (roll < 85)
        {
            var sets = new string[1 + _random.Next(3)];
            var words = new List<string>();
            for (int i = 0; i < sets.Length; i++) { sets[i] = NextSet(board); words.Add("--set"); }
            return new ProfileFuzzCase(index, board, null, sets, null, string.Join(" ", words));
        }
        string inject = NextInject();
        string[] withSet = _random.Next(4) == 0 ? new[] { NextSet(board) } : Array.Empty<string>();
        return new ProfileFuzzCase(index, board, null, withSet, inject, "--inject" + (withSet.Length > 0 ? " and --set" : ""));
    }

    private ProfileFuzzCase FileCase(int index, string board)
    {
        var tree = (JsonObject)_trees[board].DeepClone();
        var replacements = new List<(string Placeholder, string Text)>();
        int mutations = 1 + (_random.Next(4) == 0 ? 1 : 0);
        var what = new List<string>();
        for (int m = 0; m < mutations; m++) what.Add(Mutate(tree, replacements));
        string text = tree.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        foreach (var (placeholder, raw) in replacements) text = text.Replace(placeholder, raw, StringComparison.Ordinal);
        string path = Path.Combine(_scratch, $"case-{index}-{board}.json");
        File.WriteAllText(path, text);
        return new ProfileFuzzCase(index, board, path, Array.Empty<string>(), null, string.Join("; ", what));
    }

    /// <summary>Applies one mutation to <paramref name="root"/>; returns it in words.</summary>
    private string Mutate(JsonObject root, List<(string, string)> replacements)
    {
        var places = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
        Collect(root, "", places);
        if (_random.Next(12) == 0)
        {
            string target = Pick(_oddFiles);
            root["extends"] = target;
            return $"extends {target}";
        }
        var (parent, key, idx, path) = Pick(places);
        JsonNode? Current() => key is not null ? parent[key] : parent[idx];
        void Set(JsonNode? value)
        {
            if (key is not null) parent[key] = value;
            else parent[idx] = value;
        }
        string Raw(string text)
        {
            string placeholder = $"@@raw{replacements.Count}@@";
            replacements.Add(($"\"{placeholder}\"", text));
            return placeholder;
        }
        switch (_random.Next(13))
        {
            case 0:
                if (key is not null) ((JsonObject)parent).Remove(key);
                else ((JsonArray)parent).RemoveAt(idx);
                return $"delete {path}";
            case 1:
                Set(null);
                return $"null {path}";
            case 2:
            {
                JsonNode?[] kinds = { "text", true, new JsonArray(), new JsonObject(), 7, new JsonArray(1, 2), "" };
                JsonNode? v = Pick(kinds);
                Set(v?.DeepClone());
                return $"{path} = {v?.ToJsonString() ?? "null"} (type)";
            }
            case 3:
            case 4:
            {
                string n = Pick(HostileNumbers);
                Set(Raw(n));
                return $"{path} = {n}";
            }
            case 5:
            {
                int length = _random.Next(2) == 0 ? 5000 : 200_000;
                Set(new string('a', length));
                return $"{path} = {length} characters";
            }
            case 6:
            {
                string[] controls = { "a\nb", "\u001b[31mred\u001b[0m", "nul\u0000byte", "tab\there\r\n", "\u2028line", "rtl\u202Eevil" };
                string c = Pick(controls);
                Set(c);
                return $"{path} = control characters";
            }
            case 7:
            {
                string[] broken = { "\"\\ud800\"", "\"x\\udfffy\"", "\"\\ud800\\ud800\"" };
                Set(Raw(Pick(broken)));
                return $"{path} = lone surrogate";
            }
            case 8:
            {
                // A field given twice: a placeholder key beside the original, renamed in the text.
                if (parent is JsonObject obj && key is not null)
                {
                    string placeholder = $"@@dup{replacements.Count}@@";
                    replacements.Add(($"\"{placeholder}\"", JsonSerializer.Serialize(key)));
                    obj[placeholder] = Current()?.DeepClone() ?? 1;
                    return $"{path} given twice";
                }
                goto case 1;
            }
            case 9:
            {
                int depth = _random.Next(2) == 0 ? 20 : 5000;
                string open = _random.Next(2) == 0 ? "[" : "{\"a\":";
                string close = open == "[" ? "]" : "}";
                var sb = new StringBuilder();
                for (int i = 0; i < depth; i++) sb.Append(open);
                sb.Append('1');
                for (int i = 0; i < depth; i++) sb.Append(close);
                Set(Raw(sb.ToString()));
                return $"{path} nested {depth} deep";
            }
            case 10:
            {
                var target = Current() as JsonObject ?? root;
                // Names the serializer might treat as its own metadata, and names a path cannot spell plainly.
                string[] unknown = { "bogus_field", "$ref", "$id", "$type", "$values", "a b", "x.y", "Name", "ünïcode" };
                target[Pick(unknown)] = 1;
                return $"unknown field in {(ReferenceEquals(target, root) ? "(top level)" : path)}";
            }
            case 11:
            {
                if (Current() is JsonArray list && list.Count > 0)
                {
                    switch (_random.Next(3))
                    {
                        case 0: list.Add(list[0]!.DeepClone()); return $"{path}: first entry doubled";
                        case 1: list.Clear(); return $"{path} emptied";
                        default: list[0] = null; return $"{path}[0] = null";
                    }
                }
                goto case 0;
            }
            default:
            {
                string[] negatives = { "-1", "-45", "-1e308", "0" };
                string n = Pick(negatives);
                Set(Raw(n));
                return $"{path} = {n}";
            }
        }
    }

    private static void Collect(JsonNode node, string at, List<(JsonNode, string?, int, string)> into)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                string p = at.Length == 0 ? name : at + "." + name;
                into.Add((obj, name, -1, p));
                if (child is not null) Collect(child, p, into);
            }
        }
        else if (node is JsonArray list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                string p = $"{at}[{i}]";
                into.Add((list, null, i, p));
                if (list[i] is JsonNode item) Collect(item, p, into);
            }
        }
    }

    /// <summary>One <c>--set key=value</c>: mostly a real field of the board with a hostile value, sometimes a broken key.</summary>
    public string NextSet(string board)
    {
        if (_random.Next(10) == 0)
        {
            string[] keys =
            {
                "pwm[999].chip=1", "pwm[-1].chip=1", "timing..rate_hz=1", "=5", "noequals", ".x=1", "timing.rate_hz.x=1", "[0]=1",
                "pwm[0=1", "pwm[99999999999].chip=1", string.Join(".", Repeat("a", 200)) + "=1", "timing.budgets_us.warp=5",
                "demos.face-tracker.timing.frames=1", "extends=sim", "extends=/dev/zero", "threads.pipeline.cores[0]=9",
            };
            return Pick(keys);
        }
        var places = new List<(JsonNode, string?, int, string)>();
        Collect(_trees[board], "", places);
        string key = Pick(places).Item4;
        string[] values =
        {
            "null", "1e400", "-1e400", "NaN", "Infinity", "9223372036854775807", "2147483648", "-1", "0", "1e308", "-1e308",
            "\"\\ud800\"", "[null]", "{}", "[]", "{\"a\":1,\"a\":2}", "{\"kind\":\"\\ud800\"}", new string('[', 300) + new string(']', 300),
            new string('x', 5000), "\u0001x\ny", "true", "\"text\"", "0.5", "-0", "1e-320", "[1e400]", "{\"min_angle_deg\":1e400}",
            "/dev/sda", "../../etc/passwd", "\u202Eevil",
        };
        return key + "=" + Pick(values);
    }

    /// <summary>One <c>--inject</c> spec: real kinds, stages and settings with hostile numbers, sometimes broken syntax.</summary>
    public string NextInject()
    {
        string[] kinds = { "slow", "crash", "stall-source", "dead-source", "garbage-source", "bogus", "" };
        string[] stages = { "capture", "preprocess", "infer", "decode", "control", "actuate", "warp", "" };
        string[] hostile = { "999999999", "2147483647", "2147483648", "-1", "1e400", "NaN", "", "abc", "3600000", "1e-9" };
        string[] plain = { "0", "1", "5", "40", "100", "929", "930", "999", "25ms" };
        string[] settings = { "every", "from", "to", "at", "bogus" };
        // Half the specs are well formed with plain numbers, so frame windows inside and past the run are reached.
        bool wellFormed = _random.Next(2) == 0;
        string Number() => wellFormed || _random.Next(3) > 0 ? Pick(plain) : Pick(hostile);
        int items = 1 + _random.Next(3);
        var parts = new List<string>();
        for (int i = 0; i < items; i++)
        {
            string kind = wellFormed ? kinds[_random.Next(5)] : Pick(kinds);
            var p = new List<string> { kind };
            if (kind is "slow" or "crash") p.Add(wellFormed ? stages[_random.Next(6)] : Pick(stages));
            if (kind is "slow" or "stall-source") p.Add(Number());
            if (wellFormed)
            {
                if (kind is "crash" or "stall-source") p.Add($"at={Number()}");
                else if (_random.Next(2) == 0) p.Add($"from={Number()}");
            }
            else
            {
                int extra = _random.Next(4);
                for (int e = 0; e < extra; e++) p.Add($"{Pick(settings)}={Number()}");
                if (_random.Next(8) == 0) p.Add(Number());
            }
            parts.Add(string.Join(':', p));
        }
        return _random.Next(20) == 0 ? string.Join(',', Repeat(parts[0], 100)) : string.Join(',', parts);
    }

    private static string[] Repeat(string s, int n)
    {
        var a = new string[n];
        Array.Fill(a, s);
        return a;
    }

    private T Pick<T>(IReadOnlyList<T> from) => from[_random.Next(from.Count)];

    /// <summary>The number of cases to run: <c>RTAPP_FUZZ_CASES</c> when set (more on demand), else <paramref name="fallback"/>.</summary>
    public static int CaseCount(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("RTAPP_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;

    /// <summary>The seed: <c>RTAPP_FUZZ_SEED</c> when set (another set of cases), else <paramref name="fallback"/>.</summary>
    public static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("RTAPP_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : fallback;
}
