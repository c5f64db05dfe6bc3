using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Reporting;
using Xunit;

namespace Realtime.Core.Tests.Reporting;

public class ApplicationMetricsTests
{
    private static JsonElement MetricsOf(RunReport report) =>
        JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport)).RootElement.GetProperty("demo_metrics");

    [Fact]
    public void FiguresAreWrittenUnderDemoMetricsInTheOrderAddedWithTheirJsonTypes()
    {
        var report = new RunReport();
        report.Metrics.Add("lap_completed", true);
        report.Metrics.Add("frames_with_target", 290L);
        report.Metrics.Add("lap_time_s", 31.25);
        report.Metrics.Add("audio_failure", "gone");
        report.Metrics.Add("tracking_error_px", new ValueSummary { Count = 3, P50 = 1.5, P95 = 2, Max = 4, Mean = 2.5 });
        report.Metrics.Add("relay_phrases", new JsonArray(new JsonObject { ["phrase"] = 0 }));
        report.Metrics.AddSummaryLine("Lap: completed");

        var m = MetricsOf(report);
        var names = new System.Collections.Generic.List<string>();
        foreach (var p in m.EnumerateObject()) names.Add(p.Name);
        Assert.Equal(new[] { "lap_completed", "frames_with_target", "lap_time_s", "audio_failure", "tracking_error_px", "relay_phrases" }, names);
        Assert.True(m.GetProperty("lap_completed").GetBoolean());
        Assert.Equal(290, m.GetProperty("frames_with_target").GetInt32());
        Assert.Equal(31.25, m.GetProperty("lap_time_s").GetDouble());
        Assert.Equal("gone", m.GetProperty("audio_failure").GetString());
        Assert.Equal(1.5, m.GetProperty("tracking_error_px").GetProperty("p50").GetDouble());
        Assert.Equal(3, m.GetProperty("tracking_error_px").GetProperty("count").GetInt32());
        Assert.Equal(0, m.GetProperty("relay_phrases")[0].GetProperty("phrase").GetInt32());
        // The lines are for the person at the terminal, not the contract.
        Assert.Equal(new[] { "Lap: completed" }, report.Metrics.SummaryLines);
        Assert.DoesNotContain("Lap: completed", JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport));
    }

    [Fact]
    public void NothingMeasuredIsLeftOutRatherThanWrittenAsZeroOrNull()
    {
        var report = new RunReport();
        report.Metrics.Add("tracking_error_px", new ValueSummary { Count = 1 });
        report.Metrics.Add("tracking_error_px", (ValueSummary?)null);
        report.Metrics.Add("audio_failure", (string?)null);
        report.Metrics.Add("lap_time_s", double.NaN);
        var m = MetricsOf(report);
        Assert.Empty(m.EnumerateObject());
        Assert.Null(report.Metrics["tracking_error_px"]);
    }

    [Fact]
    public void AReportReadBackKeepsItsFigures()
    {
        var report = new RunReport();
        report.Metrics.Add("phrases", 7L);
        string json = JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport);
        var back = JsonSerializer.Deserialize(json, ReportJsonContext.Default.RunReport)!;
        Assert.Equal(7, (int)back.Metrics["phrases"]!);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("{\"demo_metrics\": [1]}", ReportJsonContext.Default.RunReport));
    }
}
