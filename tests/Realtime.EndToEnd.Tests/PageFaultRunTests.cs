using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Page faults injected under the loop, through the published binary: every tenth frame a 32 MB
/// buffer is dropped (MADV_DONTNEED, as reclaim would) and touched back in the preprocess stage,
/// 8,192 minor faults on the pipeline thread. Each injected frame misses its deadline and is
/// labelled <c>page_faults</c>, with the fault count the kernel gave for the frame; the run's
/// resource samples are in the report.
/// </summary>
public sealed class PageFaultRunTests : IDisposable
{
    private const int Warmup = 5, Frames = 200, Every = 10, From = 20, Mb = 32;
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissesOnFramesWhoseMemoryWasDroppedAreLabelledPageFaults()
    {
        string report = Path.Combine(_dir, "report.json");
        // 8,192 faults: about 8 ms on a bare machine, far more under a hypervisor; the model takes about 2 ms of the 6 ms deadline.
        RtappResult r = Rtapp.Run(TimeSpan.FromMinutes(4), "run", "--board", Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "face-presence.json"),
            "--frames", $"{Frames}", "--warmup", $"{Warmup}", "--assets", TestAssets.Dir, "--report", report,
            "--set", "app.loop.deadline_us=6000", "--set", "app.loop.rate_hz=100",
            "--inject", $"drop-memory:preprocess:{Mb}:every={Every}:from={From}");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        JsonElement j = doc.RootElement;
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble()); // the drops and the cause recorder allocate nothing per frame
        JsonElement causes = j.GetProperty("miss_causes");
        Assert.False(causes.TryGetProperty("counters_unavailable", out _), causes.ToString());
        Assert.True(causes.GetProperty("minor_fault_us").GetDouble() > 0);
        var byFrame = new Dictionary<int, JsonElement>();
        foreach (JsonElement f in causes.GetProperty("frames").EnumerateArray()) byFrame[f.GetProperty("frame").GetInt32()] = f;
        int injected = 0;
        long pages = Mb * 1024L * 1024 / 4096;
        for (int frame = From; frame < Warmup + Frames; frame += Every)
        {
            injected++;
            Assert.True(byFrame.TryGetValue(frame, out JsonElement miss), $"injected frame {frame} did not miss\n{causes}");
            Assert.True(miss.GetProperty("minor_faults").GetInt64() >= pages / 2, $"frame {frame}: {miss}");
            Assert.Equal("page_faults", miss.GetProperty("cause").GetString());
        }
        int total = 0;
        foreach (JsonProperty c in causes.GetProperty("by_cause").EnumerateObject()) total += c.Value.GetInt32();
        Assert.Equal(j.GetProperty("deadline_misses").GetInt32(), total);
        Assert.True(causes.GetProperty("by_cause").GetProperty("page_faults").GetInt32() >= injected);
        // The machine was sampled beside the run: the process's memory and CPU at least.
        JsonElement resources = j.GetProperty("resources");
        Assert.True(resources.GetProperty("samples").GetInt64() >= 1, resources.ToString());
        Assert.True(resources.GetProperty("trace").GetArrayLength() >= 1);
        Assert.True(resources.GetProperty("summary").GetProperty("rss_max_mb").GetDouble() > Mb, resources.ToString());
    }
}
