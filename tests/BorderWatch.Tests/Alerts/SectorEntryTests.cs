using System.Text;
using System.Text.Json.Nodes;
using BorderWatch.Ais;
using BorderWatch.Geography;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Alerts;

/// <summary>Behaviour alerts in the alert book: a fishing boat into a high-impact sector, over AIS on the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class SectorEntryTests(ServerFixture fixture)
{
    private const uint Fishing = 247_999_001, Merchant = 247_999_002;
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);

    // Outside every sector, then in Lampedusa (high), then out again, ten minutes apart.
    private static readonly (double Lat, double Lon) Outside = new[] { (43.0, 7.5), (40.0, 12.0), (38.5, 10.0) }.First(p => Places.Catalogue.Locate(p.Item1, p.Item2) is null);
    private static readonly (double Lat, double Lon) Inside = Places.Inside("lampedusa");

    private static string Static(uint mmsi, string name, int shipType) =>
        string.Join('\n', AisWriter.Voyage(new StaticReport(5, mmsi, AisClass.A) { Name = name, ShipType = shipType }, T0.AddMinutes(-5), (int)(mmsi % 10)));

    private static string Report(uint mmsi, int step)
    {
        var (lat, lon) = step == 1 ? Inside : Outside;
        var time = T0.AddMinutes(10 * step);
        return string.Join('\n', AisWriter.Position(new PositionReport(1, mmsi, AisClass.A, 7, 0, 3, true, lon, lat, 90, 90, time.Second), time));
    }

    private async Task PostAsync(string scenario, params string[] lines)
    {
        using var response = await fixture.Server.Http.PostAsync($"/api/ais?scenario={scenario}", new StringContent(string.Join('\n', lines), Encoding.ASCII, "text/plain"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_fishing_boat_entering_a_high_impact_sector_alerts_with_why_and_leaving_resolves_it_and_merchant_traffic_does_not()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await PostAsync(scenario, Static(Fishing, "PESCATORE", 30), Static(Merchant, "CARGO ONE", 70),
            Report(Fishing, 0), Report(Merchant, 0), Report(Fishing, 1), Report(Merchant, 1));
        List<JsonNode> entries = [];
        await Eventually.HoldsAsync(async () => (entries = await fixture.Server.Http.AlertsOfKindAsync(scenario, "sector-entry")).Count == 1, "one sector-entry alert");
        var alert = entries[0];
        Assert.Equal(("asset", $"{Fishing}", "firing", "central-med"), (alert["target"]!.GetValue<string>(), alert["targetId"]!.GetValue<string>(),
            alert["state"]!.GetValue<string>(), alert["route"]!.GetValue<string>()));
        Assert.Equal(["lampedusa"], alert["sectors"]!.AsArray().Select(s => s!.GetValue<string>()));
        var seen = alert["assets"]!.AsArray().Single()!;
        Assert.Equal((Inside.Lat, Inside.Lon, T0.AddMinutes(10)), (seen["lat"]!.GetValue<double>(), seen["lon"]!.GetValue<double>(), seen["time"]!.GetValue<DateTimeOffset>()), new Near());
        Assert.Contains("PESCATORE", alert["reason"]!.GetValue<string>());
        Assert.Contains("impact high", alert["reason"]!.GetValue<string>());

        // Sent again, it counts once; out of the sector, the alert resolves.
        await PostAsync(scenario, Report(Fishing, 0), Report(Fishing, 1));
        await PostAsync(scenario, Report(Fishing, 2), Report(Merchant, 2));
        await Eventually.HoldsAsync(async () => (entries = await fixture.Server.Http.AlertsOfKindAsync(scenario, "sector-entry")).Count == 1 && entries[0]!["state"]!.GetValue<string>() == "resolved",
            "the alert resolved when the boat left");
        Assert.Equal(T0.AddMinutes(20), entries[0]!["resolvedAt"]!.GetValue<DateTimeOffset>());

        // Another scenario fed a sentence a request gives the same alert, with the same id.
        var single = await fixture.Server.NewScenarioAsync();
        await PostAsync(single, Static(Fishing, "PESCATORE", 30));
        foreach (var step in new[] { 0, 1, 2 }) await PostAsync(single, Report(Fishing, step));
        await Eventually.HoldsAsync(async () => (await fixture.Server.Http.AlertsOfKindAsync(single, "sector-entry")) is [{ } a] && a["id"]!.GetValue<string>() == alert["id"]!.GetValue<string>()
            && a["state"]!.GetValue<string>() == "resolved", "the same alert from sentences sent one by one");
    }

    private sealed class Near : IEqualityComparer<(double, double, DateTimeOffset)>
    {
        public bool Equals((double, double, DateTimeOffset) a, (double, double, DateTimeOffset) b) =>
            Math.Abs(a.Item1 - b.Item1) < 1e-4 && Math.Abs(a.Item2 - b.Item2) < 1e-4 && a.Item3 == b.Item3;

        public int GetHashCode((double, double, DateTimeOffset) obj) => 0;
    }
}
