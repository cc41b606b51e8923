using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Geography;
using BorderWatch.Grains.Alerting;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Alerts;

/// <summary>Encounters on the real server: two boats together south of Crete, on either side of a cell's edge.</summary>
[Collection(ServerCollection.Name)]
public sealed class EncounterTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 2, 0, 0, TimeSpan.Zero);

    private static string At(string asset, double lat, double lon, int minutes, double speed) =>
        JsonSerializer.Serialize(new { asset, kind = "vessel", time = T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ssZ"), lat, lon, speedKn = speed, courseDeg = 0 });

    // Every 5 minutes for 45 min: E-1 and E-2 drift 200 m apart (the 34.50° parallel between them is a cell's edge),
    // then E-2 leaves at 10 kn; E-3 waits 3.5 km off; M-1 passes close by at 12 kn.
    private static readonly string[] Feed =
    [
        .. Enumerable.Range(0, 10).Select(i => At("E-1", 34.4995 + i * 1e-5, 24.5, 5 * i, 1)),
        .. Enumerable.Range(0, 10).Select(i => At("E-2", 34.5012 + i * 1e-5, 24.5005, 5 * i, 1)),
        At("E-2", 34.52, 24.5005, 50, 10),
        .. Enumerable.Range(0, 10).Select(i => At("E-3", 34.52, 24.53, 5 * i, 0.5)),
        .. Enumerable.Range(0, 10).Select(i => At("M-1", 34.45 + i * 0.017, 24.501, 5 * i, 12)),
    ];

    [Fact]
    public void A_report_near_a_cells_edge_goes_to_the_cell_across_it_too()
    {
        var rule = new EncounterOptions();
        Assert.Equal([("689:490", true)], rule.CellsOf(34.47, 24.52));
        Assert.Equal(["689:490", "690:490"], rule.CellsOf(34.4995, 24.52).Select(c => c.Cell).Order());
        Assert.Equal(3 + 1, rule.CellsOf(34.4999, 24.5001).Count()); // by a corner: its own cell and three neighbours
    }

    [Fact]
    public async Task Two_vessels_together_offshore_for_half_an_hour_meet_across_a_cell_edge_and_part_and_a_replay_in_any_order_gives_the_same()
    {
        Assert.NotEqual(Math.Floor(34.4995 / 0.05), Math.Floor(34.5012 / 0.05)); // in neighbouring cells
        Assert.True(SectorCatalogue.Load(Paths.Catalogue) is not null && Coastline.Load(Paths.Coastline).IsOffshore(34.5, 24.5, 10));
        var http = fixture.Server.Http;
        var live = await fixture.Server.NewScenarioAsync();
        foreach (var line in Feed.OrderBy(l => JsonNode.Parse(l)!["time"]!.GetValue<DateTimeOffset>())) await http.PostPositionsAsync(live, [line]);
        List<JsonNode> alerts = [];
        await Eventually.HoldsAsync(async () => (alerts = await http.AlertsOfKindAsync(live, "encounter")) is [{ } a] && a["state"]!.GetValue<string>() == "resolved",
            "E-1 and E-2 met, then parted");
        var alert = alerts[0];
        Assert.Equal(("E-1", T0, T0.AddMinutes(30), T0.AddMinutes(50)), (alert["targetId"]!.GetValue<string>(), alert["start"]!.GetValue<DateTimeOffset>(),
            alert["firedAt"]!.GetValue<DateTimeOffset>(), alert["resolvedAt"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(["E-1", "E-2"], alert["assets"]!.AsArray().Select(a => a!["asset"]!.GetValue<string>()));

        var replay = await fixture.Server.NewScenarioAsync();
        await http.PostPositionsAsync(replay, Feed);
        List<JsonNode> replayed = [];
        await Eventually.HoldsAsync(async () => (replayed = await http.AlertsOfKindAsync(replay, "encounter")).Count == 1 && replayed[0]["state"]!.GetValue<string>() == "resolved",
            "the replay's encounter");
        string Summary(JsonNode a) => $"{a["id"]} {a["firedAt"]} {a["resolvedAt"]} {a["reason"]} {a["resolution"]}";
        Assert.Equal(Summary(alert), Summary(replayed[0]));

        // A replay's batches in flight together land in either order: the later half first, then the earlier.
        var disordered = await fixture.Server.NewScenarioAsync();
        var later = Feed.Where(l => JsonNode.Parse(l)!["time"]!.GetValue<DateTimeOffset>() >= T0.AddMinutes(25)).ToList();
        await http.PostPositionsAsync(disordered, later);
        await http.PostPositionsAsync(disordered, Feed.Except(later));
        await Eventually.HoldsAsync(async () => (replayed = await http.AlertsOfKindAsync(disordered, "encounter")).Count == 1 && replayed[0]["state"]!.GetValue<string>() == "resolved",
            "the encounter from batches out of order");
        Assert.Equal(Summary(alert), Summary(replayed[0]));
    }
}
