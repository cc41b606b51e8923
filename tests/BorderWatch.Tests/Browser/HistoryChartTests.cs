using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// The dashboard's charts in a real Chromium (Browser/history-check.mjs), against the API: a route's chart holds
/// exactly the series and baseline the API gives for its window, its CSV the same rows, and an alert opens its
/// route's chart at its window with the observed peak in it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HistoryChartTests(ServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task A_route_chart_draws_the_APIs_series_and_baseline_its_CSV_holds_the_same_rows_and_an_alert_opens_its_window()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var alert = (await SurgeAsync(Http, scenario)).Route().Single();

        var screenshot = Path.Combine(Paths.Root, "TestResults", "dashboard-chart.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await using var browser = BrowserScript.Run("history-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(),
            "central-med", alert.Text("id"), screenshot);

        // 48 hours up to the scenario clock (the surge's last day), hour by hour.
        var first = await browser.ReadAsync("chart");
        var chart = first["chart"]!;
        Assert.Equal(("route", "central-med", "hour", 48), (chart.Text("kind"), chart.Text("id"), chart.Text("bucket"), chart["x"]!.AsArray().Count));
        var series = await SeriesAsync(scenario, chart);
        AssertDrawn(series, chart);
        var baseline = await Http.GetJsonAsync($"/api/routes/central-med/baseline?{Window(scenario, chart)}");
        Assert.Equal(baseline["points"]!.AsArray().Select(p => (double?)p!["expected"]!.GetValue<double>()), chart["expected"]!.AsArray().Select(v => v?.GetValue<double>()));
        Assert.Contains(chart["persons"]!.AsArray(), v => v!.GetValue<long>() > 0);

        var csv = first.Text("csv").TrimEnd('\n').Split('\n');
        Assert.Equal($"start,persons,detections,expected_{baseline.Text("metric")},alert_level_{baseline.Text("metric")}", csv[0]);
        Assert.Equal(baseline.Text("metric"), chart.Text("metric"));
        Assert.Equal(series.Select(p => $"{p!.Text("start")},{p!["persons"]},{p!["detections"]}"), csv[1..].Select(l => string.Join(',', l.Split(',')[..3])));
        Assert.EndsWith(".csv", first.Text("file"));

        // A year, day by day: the surge's days stand out, and the alert's window is drawn.
        var year = (await browser.ReadAsync("year"))["chart"]!;
        Assert.Equal(("day", 365), (year.Text("bucket"), year["x"]!.AsArray().Count));
        AssertDrawn(await SeriesAsync(scenario, year), year);
        Assert.Contains(year["windows"]!.AsArray(), w => w!.Text("id") == alert.Text("id"));

        // The alert's evidence: its window in its bucket, the observed peak in the chart.
        var drill = await browser.ReadAsync("drill");
        var focused = drill["chart"]!;
        Assert.Equal((alert.Text("id"), alert.Text("bucket")), (focused.Text("focus"), focused.Text("bucket")));
        var (start, end) = (alert["start"]!.GetValue<DateTimeOffset>(), alert["end"]!.GetValue<DateTimeOffset>());
        Assert.True(focused["from"]!.GetValue<DateTimeOffset>() < start && focused["to"]!.GetValue<DateTimeOffset>() > end, focused.ToJsonString());
        AssertDrawn(await SeriesAsync(scenario, focused), focused);
        var metric = alert.Text("metric");
        var inWindow = focused["x"]!.AsArray().Select((x, i) => (At: x!.GetValue<DateTimeOffset>(), Value: focused[metric]!.AsArray()[i]!.GetValue<long>()))
            .Where(p => p.At >= start && p.At <= end);
        Assert.Equal(alert["observed"]!.GetValue<long>(), inWindow.Max(p => p.Value));
        Assert.Empty(drill["problems"]!.AsArray());
        Assert.True(File.Exists(screenshot));
    }

    private static string Window(string scenario, JsonNode chart) =>
        $"scenario={scenario}&bucket={chart.Text("bucket")}&from={Uri.EscapeDataString(chart.Text("from"))}&to={Uri.EscapeDataString(chart.Text("to"))}";

    private async Task<JsonArray> SeriesAsync(string scenario, JsonNode chart) =>
        (await Http.GetJsonAsync($"/api/routes/{chart.Text("id")}/series?{Window(scenario, chart)}"))["points"]!.AsArray();

    /// <summary>The chart's points are the API's, bucket for bucket.</summary>
    private static void AssertDrawn(JsonArray series, JsonNode chart)
    {
        Assert.Equal(series.Select(p => p!["start"]!.GetValue<DateTimeOffset>()), chart["x"]!.AsArray().Select(x => x!.GetValue<DateTimeOffset>()));
        Assert.Equal(series.Select(p => p!["persons"]!.GetValue<long>()), chart["persons"]!.AsArray().Select(v => v!.GetValue<long>()));
        Assert.Equal(series.Select(p => p!["detections"]!.GetValue<long>()), chart["detections"]!.AsArray().Select(v => v!.GetValue<long>()));
    }
}
