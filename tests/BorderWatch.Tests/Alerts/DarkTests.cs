using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Geography;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Alerts;

/// <summary>"Went dark" on the real server: vessels silent near sectors, back near or impossibly far, and those that must not alert.</summary>
[Collection(ServerCollection.Name)]
public sealed class DarkTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
    private static readonly (double Lat, double Lon) Zuwara = Places.Inside("zuwara"), Lampedusa = Places.Inside("lampedusa"), Gavdos = Places.Inside("gavdos");
    // Open sea more than 60 km from every sector.
    private static readonly (double Lat, double Lon) Away = new[] { (43.0, 7.5), (40.5, 11.0), (39.0, 5.0) }
        .First(p => Places.Catalogue.Sectors.All(s => GreatCircle.KmTo(s, p.Item1, p.Item2) > 60));

    private static string At(string asset, (double Lat, double Lon) where, DateTimeOffset time, double speed = 10) =>
        JsonSerializer.Serialize(new { asset, kind = "vessel", time = time.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat = where.Lat, lon = where.Lon, speedKn = speed, courseDeg = 45 });

    // V-5 reports every 10 minutes for three hours near Zuwara: an ordinary vessel, and the scenario clock's mover.
    private static readonly string[] Before = [At("V-1", Zuwara, T0), At("V-2", Zuwara, T0), At("V-3", Zuwara, T0, speed: 0), At("V-4", Away, T0), At("V-6", Zuwara, T0, speed: 8),
        .. Enumerable.Range(0, 19).Select(i => At("V-5", Zuwara, T0.AddMinutes(10 * i)))];
    private static readonly string[] Back = [At("V-1", Lampedusa, T0.AddHours(5)), At("V-2", Gavdos, T0.AddHours(2)), At("V-3", Zuwara, T0.AddHours(3), speed: 0), At("V-4", Away, T0.AddHours(3))];
    private static readonly string[] Last = [At("V-6", Lampedusa, T0.AddHours(3).AddMinutes(5))];

    private static string Summary(JsonNode a) =>
        $"{a["targetId"]} {a["state"]} {a["severity"]} {a["start"]} {a["resolvedAt"]} {a["resolution"]}";

    [Fact]
    public async Task A_vessel_silent_near_a_sector_goes_dark_and_its_return_says_how_far_and_how_fast_and_a_replay_gives_the_same()
    {
        var live = await fixture.Server.NewScenarioAsync();
        await fixture.Server.Http.PostPositionsAsync(live, Before);
        // Live: the clock passes an hour after V-1, V-2 and V-6 were last seen; the asset index tells the book.
        List<JsonNode> alerts = [];
        await Eventually.HoldsAsync(async () => (alerts = await fixture.Server.Http.AlertsOfKindAsync(live, "dark")).Count == 3 && alerts.All(a => a["state"]!.GetValue<string>() == "firing"),
            "V-1, V-2 and V-6 dark while silent");
        Assert.Equal(["V-1", "V-2", "V-6"], alerts.Select(a => a["targetId"]!.GetValue<string>()));
        Assert.Equal(T0.AddHours(1), alerts[0]["firedAt"]!.GetValue<DateTimeOffset>()); // on event time: an hour after it was last seen
        Assert.Contains("inside Zuwara", alerts[0]["reason"]!.GetValue<string>());

        await fixture.Server.Http.PostPositionsAsync(live, Back);
        await fixture.Server.Http.PostPositionsAsync(live, Last);
        // Back: V-1, V-2 and V-6 resolve. Then the clock is 5 h: V-2 (at Gavdos since 2 h), V-5 (3 h) and V-6 (3 h 05) are silent now.
        await Eventually.HoldsAsync(async () => (alerts = await fixture.Server.Http.AlertsOfKindAsync(live, "dark")).Count(a => a["state"]!.GetValue<string>() == "resolved") == 3 && alerts.Count == 6,
            "three back, three silent again");
        var first = alerts.Where(a => a["start"]!.GetValue<DateTimeOffset>() == T0).ToList();
        Assert.Equal(["V-1", "V-2", "V-6"], first.Select(a => a["targetId"]!.GetValue<string>()));
        var km = GreatCircle.Km(Zuwara.Lat, Zuwara.Lon, Lampedusa.Lat, Lampedusa.Lon);
        Assert.Equal(("warning", 2), (first[0]["severity"]!.GetValue<string>(), first[0]["assets"]!.AsArray().Count));
        Assert.Contains($"{km:0.#} km from where it went dark: {km / 1.852 / 5:0.#} kn", first[0]["resolution"]!.GetValue<string>());
        Assert.Equal("major", first[1]["severity"]!.GetValue<string>()); // Zuwara to Gavdos in 2 h: no boat does that
        Assert.Contains("suspected spoofing", first[1]["resolution"]!.GetValue<string>());
        Assert.DoesNotContain(alerts, a => a["targetId"]!.GetValue<string>() is "V-3" or "V-4"); // at anchor; far from every sector

        // The same positions in one request: the grains find the silences inside the batch; the same alerts, word for word.
        var replay = await fixture.Server.NewScenarioAsync();
        await fixture.Server.Http.PostPositionsAsync(replay, [.. Before, .. Back, .. Last]);
        List<JsonNode> replayed = [];
        await Eventually.HoldsAsync(async () => (replayed = await fixture.Server.Http.AlertsOfKindAsync(replay, "dark")).Count == 6 && replayed.Count(a => a["state"]!.GetValue<string>() == "resolved") == 3,
            "six dark alerts in the replay, three resolved");
        Assert.Equal(alerts.Select(Summary), replayed.Select(Summary));
    }

    [Fact]
    public async Task Reports_that_arrive_after_later_ones_are_judged_where_they_belong_in_event_time()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        // The reappearance near Lampedusa arrives first, then the reports off Zuwara five hours before it.
        await fixture.Server.Http.PostPositionsAsync(scenario, [At("V-7", Lampedusa, T0.AddHours(5)), At("V-7", Lampedusa, T0.AddHours(5).AddMinutes(10))]);
        await fixture.Server.Http.PostPositionsAsync(scenario, [At("V-7", Zuwara, T0.AddMinutes(-10)), At("V-7", Zuwara, T0)]);
        List<JsonNode> alerts = [];
        await Eventually.HoldsAsync(async () => (alerts = await fixture.Server.Http.AlertsOfKindAsync(scenario, "dark")).Count == 1, "V-7 went dark");
        var alert = Assert.Single(alerts);
        Assert.Equal((T0, "resolved"), (alert["start"]!.GetValue<DateTimeOffset>(), alert["state"]!.GetValue<string>()));
        Assert.Contains("reported again after 5 h", alert["resolution"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resolved_alerts_months_behind_the_newest_move_from_the_book_to_its_archive_and_are_still_listed()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var later = T0.AddDays(160);
        await fixture.Server.Http.PostPositionsAsync(scenario, [At("V-8", Zuwara, T0), At("V-8", Lampedusa, T0.AddHours(5))]);
        await Eventually.HoldsAsync(async () => (await fixture.Server.Http.AlertsOfKindAsync(scenario, "dark")).Count == 1, "V-8's silence in the book");
        // 160 days later another vessel goes dark and comes back: V-8's alert is a month past KeepResolved (120 days).
        await fixture.Server.Http.PostPositionsAsync(scenario, [At("V-9", Zuwara, later), At("V-9", Lampedusa, later.AddHours(5))]);
        // Moved as the book is next written, within a round.
        List<JsonNode> alerts = [];
        await Eventually.HoldsAsync(async () => (alerts = await fixture.Server.Http.AlertsOfKindAsync(scenario, "dark")).Count == 2 && alerts[0]["archived"]!.GetValue<bool>(),
            "V-8's alert in the archive");
        Assert.Equal([("V-8", true), ("V-9", false)], alerts.Select(a => (a["targetId"]!.GetValue<string>(), a["archived"]!.GetValue<bool>())));
        Assert.Equal("resolved", alerts[0]["state"]!.GetValue<string>());
        var recent = (await fixture.Server.Http.GetJsonAsync($"/api/alerts?scenario={scenario}&from={later.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}"))["alerts"]!.AsArray();
        Assert.Equal(["V-9"], recent.Select(a => a!["targetId"]!.GetValue<string>()));
    }
}
