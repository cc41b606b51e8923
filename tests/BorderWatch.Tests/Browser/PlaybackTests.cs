using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// Playback in a real Chromium (Browser/playback-check.mjs): a page paused at 11 Sep 2023 04:00 shows the route
/// counters the API gives for that moment and each asset where its track had it then, while another page on the
/// same scenario stays live; playing at 3600x moves its clock on, and "Live" returns it to now.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PlaybackTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset Moment = new(2023, 9, 11, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_page_paused_at_a_moment_shows_the_counts_of_that_moment_while_another_stays_live()
    {
        var (http, scenario) = (fixture.Server.Http, await fixture.Server.NewScenarioAsync());
        var lampedusa = Places.Inside("lampedusa");
        // A landing every hour from 10 Sep 00:15 to 11 Sep 10:15, one more person each time; a patrol reporting every 30 min.
        var start = Moment.AddHours(-28);
        await PostAsync(http, scenario, Enumerable.Range(0, 35).Select(h => ApiClient.Detection($"pb-{h}", start.AddHours(h).AddMinutes(15), lampedusa.Lat, lampedusa.Lon, h + 1)));
        await http.PostPositionsAsync(scenario, Enumerable.Range(0, 70).Select(i => ApiClient.Position("P-9", "patrol", (lampedusa.Lat, lampedusa.Lon + i * 0.01), start.AddMinutes(30 * i).AddMinutes(5))));
        var asOf = await http.GetJsonAsync($"/api/routes?scenario={scenario}&asOf={Uri.EscapeDataString(Moment.ToString("O"))}");
        var then = asOf["routes"]!.AsArray().Single(r => r!.Text("id") == "central-med")!;
        var now = (await http.GetJsonAsync($"/api/routes?scenario={scenario}"))["routes"]!.AsArray().Single(r => r!.Text("id") == "central-med")!;
        Assert.NotEqual(then["last24h"]!["persons"]!.GetValue<long>(), now["last24h"]!["persons"]!.GetValue<long>()); // the moment is worth showing
        var track = (await http.GetJsonAsync($"/api/assets/P-9/track?scenario={scenario}"))["points"]!.AsArray();
        var atMoment = track.Last(p => p!["time"]!.GetValue<DateTimeOffset>() <= Moment)!;

        await using var browser = BrowserScript.Run("playback-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(),
            Moment.ToString("yyyy-MM-ddTHH:mm:ssZ"), "central-med", "P-9");
        var paused = await browser.ReadAsync("paused");
        Assert.Equal(("2023-09-11 04:00:00 UTC", "paused"), (paused.Text("clock"), paused.Text("state")));
        Assert.Equal((then["lastHour"]!["persons"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")),
            then["last24h"]!["persons"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))),
            (paused["route"]!.Text("lastHour"), paused["route"]!.Text("last24h")));
        Assert.Equal(atMoment["time"]!.GetValue<DateTimeOffset>(), paused["position"]!["time"]!.GetValue<DateTimeOffset>());
        Assert.Equal(("live", "2023-09-11 10:", now["last24h"]!["persons"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))),
            (paused.Text("liveState"), paused.Text("liveClock")[..14], paused["liveRoute"]!.Text("last24h")));

        var played = await browser.ReadAsync("played");
        Assert.True(played["movedMs"]!.GetValue<double>() > TimeSpan.FromHours(2).TotalMilliseconds, $"3600x for 5 s moved the clock {played["movedMs"]} ms");
        Assert.StartsWith("2023-09-11 10:", played.Text("backLive"));
        Assert.True(played["fps"]!.GetValue<double>() > 0);
        Assert.Empty(played["problems"]!.AsArray());
    }
}
