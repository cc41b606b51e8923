using System.Globalization;
using System.Text.Json;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Browser;

/// <summary>
/// The dashboard's maritime picture in a real Chromium (Browser/picture-check.mjs): detections sized by persons and
/// fading with age, a click showing the nearest patrols, a vessel alert with its track, and the coverage gaps.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MaritimePictureTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
    private static readonly (double Lat, double Lon) Zuwara = Places.Inside("zuwara"), Lampedusa = Places.Inside("lampedusa");


    [Fact]
    public async Task Detections_fade_by_age_and_size_by_persons_a_click_shows_the_nearest_patrol_and_vessel_alerts_and_gaps_are_drawn()
    {
        var http = fixture.Server.Http;
        var scenario = await fixture.Server.NewScenarioAsync();
        var now = T0.AddMinutes(90);
        // V-1 goes dark off Zuwara (silent 85 min on the scenario clock); P-1 patrols at Lampedusa.
        await http.PostPositionsAsync(scenario, [ApiClient.Position("V-1", "vessel", Zuwara, T0), ApiClient.Position("V-1", "vessel", (Zuwara.Lat + 0.05, Zuwara.Lon + 0.05), T0.AddMinutes(5)),
            ApiClient.Position("P-1", "patrol", (Lampedusa.Lat + 0.1, Lampedusa.Lon), now.AddMinutes(-5))]);
        var big = (Lat: Lampedusa.Lat - 0.05, Lon: Lampedusa.Lon + 0.05);
        using (var posted = await http.PostNdjsonAsync($"/api/detections?scenario={scenario}",
                   [ApiClient.Detection("small", now, Lampedusa.Lat, Lampedusa.Lon, 5), ApiClient.Detection("big", now, big.Lat, big.Lon, 60),
                    ApiClient.Detection("old", now.AddHours(-20), Lampedusa.Lat + 0.05, Lampedusa.Lon - 0.1, 5)]))
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        await Eventually.HoldsAsync(async () => (await http.AlertsOfKindAsync(scenario, "dark")).Count == 1, "V-1 dark");
        var nearest = (await http.GetJsonAsync($"/api/coverage?scenario={scenario}&lat={big.Lat.ToString(CultureInfo.InvariantCulture)}&lon={big.Lon.ToString(CultureInfo.InvariantCulture)}"))["patrols"]![0]!;
        var gaps = (await http.GetJsonAsync($"/api/coverage/gaps?scenario={scenario}"))["sectors"]!.AsArray();

        var screenshot = Path.Combine(Paths.Root, "TestResults", "maritime-picture.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await using var browser = BrowserScript.Run("picture-check.mjs", new Uri(fixture.Server.Address, $"/?scenario={scenario}#key={TestKeys.Operator}").ToString(), screenshot);
        await browser.WriteAsync(JsonSerializer.Serialize(new { small = "small", big = "big", old = "old", live = "live" }));
        var shown = await browser.ReadAsync("shown");

        Assert.Equal(3, shown["count"]!.GetValue<int>());
        var (small, large, old) = (shown["small"]!, shown["big"]!, shown["old"]!);
        Assert.True(large["radius"]!.GetValue<double>() > 2 * small["radius"]!.GetValue<double>(), "60 persons draw larger than 5");
        Assert.True(old["opacity"]!.GetValue<double>() < small["opacity"]!.GetValue<double>() / 3, "a detection 20 h old has faded");
        var popup = shown["popup"]!.GetValue<string>();
        Assert.Contains("60 persons", popup);
        Assert.Contains($"P-1: {nearest["distanceKm"]!.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture)} km", popup);
        Assert.Equal(1, shown["lines"]!.GetValue<int>());   // one line, to the one patrol
        Assert.Equal(1, shown["rings"]!.GetValue<int>());   // V-1, where it went dark
        var rows = shown["gaps"]!.AsArray().Select(g => g!.GetValue<string>()).ToList();
        Assert.Equal(gaps.Take(10).Select(g => g!["sector"]!.GetValue<string>()), rows);
        Assert.DoesNotContain("lampedusa", rows);
        Assert.Contains("zuwara", gaps.Select(g => g!["sector"]!.GetValue<string>()));
        Assert.StartsWith($"{gaps.Count} sectors", shown["summary"]!.GetValue<string>());
        Assert.True(File.Exists(screenshot), "the screenshot is kept as a test artifact");

        using (var posted = await http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [ApiClient.Detection("live", now.AddMinutes(1), Zuwara.Lat, Zuwara.Lon, 12)]))
            Assert.True(posted.IsSuccessStatusCode);
        await browser.WriteAsync("posted");
        var live = await browser.ReadAsync("live");
        Assert.Equal(4, live["count"]!.GetValue<int>());
        Assert.Empty(live["problems"]!.AsArray());
    }
}
