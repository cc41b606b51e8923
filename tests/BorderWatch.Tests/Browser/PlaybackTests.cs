using System.Globalization;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Replay;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// Playback of the demo in a real Chromium (Browser/playback-check.mjs): a page paused at 11 Sep 2023 04:00 shows
/// the route counters the API gives for that moment and a vessel where its track had it then, while another page
/// on the same scenario stays live; playing at 3600x moves its clock on, and "Live" returns it to now.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PlaybackTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset Moment = new(2023, 9, 11, 4, 0, 0, TimeSpan.Zero);

    private static readonly string[] DemoFeeds = ["demo-2023-07-background.ndjson.gz", "demo-2023-09.ndjson.gz"];

    [Fact]
    public async Task A_page_paused_at_a_moment_of_the_demo_shows_the_counts_of_that_moment_while_another_stays_live()
    {
        var (http, scenario) = (fixture.Server.Http, await fixture.Server.NewScenarioAsync());
        // The demo's records up to 06:00 on 11 September 2023, as the demo feeds them (detections and positions).
        var lines = DemoFeeds.SelectMany(f => FeedFixtures.GzipLines(Path.Combine(Paths.ServerProject, "Demo", f)))
            .Where(l => string.CompareOrdinal(Time(l), "2023-09-11T06:00") < 0).ToList();
        await PostAsync(http, scenario, lines.Where(l => l.Contains("\"type\":\"detection\"")));
        await http.PostPositionsAsync(scenario, lines.Where(l => l.Contains("\"type\":\"position\"")));
        var asOf = await http.GetJsonAsync($"/api/routes?scenario={scenario}&asOf={Uri.EscapeDataString(Moment.ToString("O"))}");
        var then = asOf["routes"]!.AsArray().Single(r => r!.Text("id") == "central-med")!;
        var now = (await http.GetJsonAsync($"/api/routes?scenario={scenario}"))["routes"]!.AsArray().Single(r => r!.Text("id") == "central-med")!;
        Assert.NotEqual(Persons(then, "last24h"), Persons(now, "last24h")); // the moment is worth showing
        var track = (await http.GetJsonAsync($"/api/assets/{Vessel}/track?scenario={scenario}"))["points"]!.AsArray();
        var atMoment = track.Last(p => p!["time"]!.GetValue<DateTimeOffset>() <= Moment)!;

        await using var browser = BrowserScript.Run("playback-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(),
            Moment.ToString("yyyy-MM-ddTHH:mm:ssZ"), "central-med", Vessel);
        var paused = await browser.ReadAsync("paused");
        Assert.Equal(("2023-09-11 04:00:00 UTC", "paused"), (paused.Text("clock"), paused.Text("state")));
        Assert.Equal((Persons(then, "lastHour"), Persons(then, "last24h")), (paused["route"]!.Text("lastHour"), paused["route"]!.Text("last24h")));
        Assert.Equal(atMoment["time"]!.GetValue<DateTimeOffset>(), paused["position"]!["time"]!.GetValue<DateTimeOffset>());
        // The other page, live on the same scenario, kept its own clock and counts.
        Assert.Equal(("live", Persons(now, "last24h")), (paused.Text("liveState"), paused["liveRoute"]!.Text("last24h")));
        Assert.True(Clock(paused.Text("liveClock")) > Moment.AddHours(1), paused.Text("liveClock"));

        var played = await browser.ReadAsync("played");
        Assert.True(played["movedMs"]!.GetValue<double>() > TimeSpan.FromHours(1).TotalMilliseconds, $"3600x for 5 s moved the clock {played["movedMs"]} ms");
        Assert.True(Clock(played.Text("backLive")) > Moment.AddHours(1), $"back to live: {played.Text("backLive")}");
        Assert.True(played["fps"]!.GetValue<double>() > 0);
        Assert.Empty(played["problems"]!.AsArray());
    }

    // A vessel of the demo reporting every 7.5 minutes through the night: its kept track (100 points) holds 04:00.
    private const string Vessel = "sim-boat-a-202309";

    private static string Persons(JsonNode route, string window) =>
        route[window]!["persons"]!.GetValue<long>().ToString("N0", CultureInfo.GetCultureInfo("en-GB"));

    private static DateTimeOffset Clock(string shown) => DateTimeOffset.Parse(shown.Replace(" UTC", "Z"), CultureInfo.InvariantCulture);

    private static string Time(string line) => line[(line.IndexOf("\"time\":\"", StringComparison.Ordinal) + 8)..][..16];
}
