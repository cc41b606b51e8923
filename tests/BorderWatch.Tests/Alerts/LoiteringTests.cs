using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Geography;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Alerts;

/// <summary>Loitering on the real server: slow for hours far offshore alerts; in port, under way, or one of ours does not.</summary>
[Collection(ServerCollection.Name)]
public sealed class LoiteringTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
    private static readonly Coastline Coast = Coastline.Load(Paths.Coastline);
    // Off Nouadhibou, well out at sea; and the port itself, by the shore.
    private static readonly (double Lat, double Lon) Offshore = new[] { (20.4, -17.6), (20.3, -18.0), (20.0, -18.5) }.First(p => Coast.IsOffshore(p.Item1, p.Item2, 30));
    private static readonly (double Lat, double Lon) Port = (20.91, -17.05);

    private static string At(string asset, string kind, (double Lat, double Lon) where, int minutes, double speed, double drift = 0.0002) =>
        JsonSerializer.Serialize(new { asset, kind, time = T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ssZ"), lat = where.Lat + drift * minutes / 10, lon = where.Lon, speedKn = speed, courseDeg = 0 });

    // Every 10 minutes for 2 h 30 min: L-1 drifts offshore at 0.8 kn, then leaves at 10 kn; L-2 lies in port; L-3 passes at 12 kn; P-1 is a patrol waiting offshore.
    private static readonly string[] Feed =
    [
        .. Enumerable.Range(0, 16).Select(i => At("L-1", "vessel", Offshore, 10 * i, 0.8)),
        At("L-1", "vessel", (Offshore.Lat + 0.05, Offshore.Lon), 160, 10),
        .. Enumerable.Range(0, 16).Select(i => At("L-2", "vessel", Port, 10 * i, 0.2)),
        .. Enumerable.Range(0, 16).Select(i => At("L-3", "vessel", (Offshore.Lat - 0.5, Offshore.Lon), 10 * i, 12, drift: 0.033)),
        .. Enumerable.Range(0, 16).Select(i => At("P-1", "patrol", (Offshore.Lat + 0.2, Offshore.Lon), 10 * i, 0.5)),
    ];

    // A ship moored offshore for three hours, as it says over AIS (status 5): lying where ships lie, not loitering.
    private static readonly string Moored = string.Join('\n', Enumerable.Range(0, 19).SelectMany(i => BorderWatch.Ais.AisWriter.Position(
        new BorderWatch.Ais.PositionReport(1, 247_555_001, BorderWatch.Ais.AisClass.A, 5, 0, 0, true, Offshore.Lon + 0.3, Offshore.Lat, null, null, 0), T0.AddMinutes(10 * i))));

    private async Task PostMooredAsync(string scenario)
    {
        using var response = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", new StringContent(Moored, System.Text.Encoding.ASCII, "text/plain"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_vessel_slow_for_two_hours_far_offshore_loiters_until_it_moves_on_and_a_replay_gives_the_same()
    {
        var live = await fixture.Server.NewScenarioAsync();
        await PostMooredAsync(live);
        // In time order, a report at a time, as a live feed.
        foreach (var line in Feed.OrderBy(l => JsonNode.Parse(l)!["time"]!.GetValue<DateTimeOffset>())) await fixture.Server.Http.PostPositionsAsync(live, [line]);
        List<JsonNode> alerts = [];
        await Eventually.HoldsAsync(async () => (alerts = await fixture.Server.Http.AlertsOfKindAsync(live, "loitering")) is [{ } a] && a["state"]!.GetValue<string>() == "resolved", "L-1 loitered, then moved on");
        var alert = alerts[0];
        Assert.Equal(("L-1", T0, T0.AddHours(2), T0.AddMinutes(160)), (alert["targetId"]!.GetValue<string>(), alert["start"]!.GetValue<DateTimeOffset>(),
            alert["firedAt"]!.GetValue<DateTimeOffset>(), alert["resolvedAt"]!.GetValue<DateTimeOffset>()));
        Assert.Contains("more than 10 km from any coast", alert["reason"]!.GetValue<string>());

        var replay = await fixture.Server.NewScenarioAsync();
        await PostMooredAsync(replay);
        await fixture.Server.Http.PostPositionsAsync(replay, Feed);
        List<JsonNode> replayed = [];
        await Eventually.HoldsAsync(async () => (replayed = await fixture.Server.Http.AlertsOfKindAsync(replay, "loitering")).Count == 1 && replayed[0]["state"]!.GetValue<string>() == "resolved", "the replay's alert");
        string Summary(JsonNode a) => $"{a["id"]} {a["firedAt"]} {a["resolvedAt"]} {a["reason"]} {a["resolution"]}";
        Assert.Equal(Summary(alert), Summary(replayed[0]));
    }
}
