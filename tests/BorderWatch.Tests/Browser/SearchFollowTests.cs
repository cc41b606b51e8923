using System.Text.Json;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Alerts;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// Search and follow in a real Chromium (Browser/search-check.mjs): a vessel found by part of its MMSI, followed
/// with its kept track as the API gives it, kept in view when it reports far away, its sector entry listed; the asset
/// list sorted by kind.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SearchFollowTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);


    [Fact]
    public async Task A_vessel_is_found_by_its_MMSI_and_following_it_keeps_it_in_view_with_its_track_and_sector_entries()
    {
        const string Mmsi = "247123450";
        var (http, scenario) = (fixture.Server.Http, await fixture.Server.NewScenarioAsync());
        var start = Places.Inside("samos");
        await http.PostPositionsAsync(scenario, [
            ApiClient.Position(Mmsi, "vessel", start, T0), ApiClient.Position(Mmsi, "vessel", (start.Lat + 0.01, start.Lon + 0.01), T0.AddMinutes(5)),
            ApiClient.Position("P-7", "patrol", Places.Inside("lesvos"), T0.AddMinutes(5)), ApiClient.Position("247000001", "vessel", Places.Inside("chios"), T0.AddMinutes(4))]);
        var track = (await http.GetJsonAsync($"/api/assets/{Mmsi}/track?scenario={scenario}"))["points"]!.AsArray();

        await using var browser = BrowserScript.Run("search-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(), Mmsi);
        var following = await browser.ReadAsync("following");
        Assert.Contains(following["offered"]!.AsArray(), o => o!.GetValue<string>().Contains(Mmsi));
        Assert.DoesNotContain(following["offered"]!.AsArray(), o => o!.GetValue<string>().Contains("P-7"));
        Assert.True(following["inView"]!.GetValue<bool>());
        Assert.Equal(track.Select(p => (p!["lat"]!.GetValue<double>(), p["lon"]!.GetValue<double>())),
            following["track"]!.AsArray().Select(p => (p![0]!.GetValue<double>(), p[1]!.GetValue<double>())));
        Assert.Contains(Mmsi, following.Text("panel"));

        // Far away, in another sector: the map follows, the track grows, the entry is listed.
        var lampedusa = Places.Inside("lampedusa");
        await http.PostPositionsAsync(scenario, [ApiClient.Position(Mmsi, "vessel", lampedusa, T0.AddMinutes(30))]);
        await browser.WriteAsync(JsonSerializer.Serialize(new { entered = Places.Catalogue.FindSector("lampedusa")!.Info.Name }));
        var moved = await browser.ReadAsync("moved");
        Assert.True(moved["inView"]!.GetValue<bool>(), "the followed vessel stays in view");
        Assert.Equal(track.Count + 1, moved["track"]!.AsArray().Count);

        var sorted = await browser.ReadAsync("sorted");
        Assert.Equal(["patrol", "vessel", "vessel"], sorted["kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Empty(sorted["problems"]!.AsArray());
    }
}
