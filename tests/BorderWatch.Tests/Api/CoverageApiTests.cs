using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Geography;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Api;

/// <summary>GET /api/coverage and /api/coverage/gaps on the real server, against answers worked out here.</summary>
[Collection(ServerCollection.Name)]
public sealed class CoverageApiTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
    private HttpClient Http => fixture.Server.Http;

    private static string Position(string asset, string kind, double lat, double lon, double? speed, DateTimeOffset time) =>
        JsonSerializer.Serialize(new { asset, kind, time = time.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat, lon, speedKn = speed, courseDeg = 90 });

    /// <summary>The spherical law of cosines: another formula than the server's, for the same sphere.</summary>
    private static double Km(double lat1, double lon1, double lat2, double lon2)
    {
        double R(double d) => d * Math.PI / 180;
        var c = Math.Sin(R(lat1)) * Math.Sin(R(lat2)) + Math.Cos(R(lat1)) * Math.Cos(R(lat2)) * Math.Cos(R(lon2 - lon1));
        return 6371.0 * Math.Acos(Math.Clamp(c, -1, 1));
    }

    private async Task<string> ScenarioWithPatrolsAsync()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        string[] positions =
        [
            Position("P-near", "patrol", 35.62, 12.71, 15, T0),
            Position("P-air", "aircraft", 36.5, 14.0, 150, T0.AddMinutes(-2)),
            Position("P-anchor", "patrol", 35.9, 12.4, 0, T0.AddMinutes(-5)),
            Position("P-stale", "vehicle", 35.5, 12.61, 10, T0.AddHours(-1)),   // silent for an hour: not sent for
            Position("M-1", "vessel", 35.51, 12.6, 12, T0),                      // other traffic is not a patrol
        ];
        using (var posted = await Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", positions))
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        // Three boats at Lampedusa, one off Lesvos: the scenario clock is T0.
        using (var posted = await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}",
                   [ApiClient.Detection("c-1", T0, 35.5, 12.6, 40), ApiClient.Detection("c-2", T0, 35.51, 12.61, 30), ApiClient.Detection("c-3", T0, 35.52, 12.62, 20),
                    ApiClient.Detection("c-4", T0, 39.2, 26.4, 35)]))
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        return scenario;
    }

    [Fact]
    public async Task The_nearest_patrols_to_a_boat_are_those_a_brute_force_search_finds_with_their_distance_bearing_and_time_to_arrive()
    {
        var scenario = await ScenarioWithPatrolsAsync();
        JsonNode answer = null!;
        await Eventually.HoldsAsync(async () =>
        {
            answer = await Http.GetJsonAsync($"/api/coverage?scenario={scenario}&lat=35.5&lon=12.6");
            return answer["patrols"]!.AsArray().Count == 3;
        }, "three patrols in the index");

        (string Id, double Lat, double Lon, double Knots)[] candidates = [("P-near", 35.62, 12.71, 15), ("P-air", 36.5, 14.0, 150), ("P-anchor", 35.9, 12.4, 20)];
        var expected = candidates.Select(c => (c.Id, Km: Km(c.Lat, c.Lon, 35.5, 12.6), c.Knots)).OrderBy(c => c.Km).ToList();
        var patrols = answer["patrols"]!.AsArray();
        Assert.Equal(expected.Select(e => e.Id), patrols.Select(p => p!["asset"]!.GetValue<string>()));
        foreach (var (e, p) in expected.Zip(patrols))
        {
            Assert.Equal(e.Km, p!["distanceKm"]!.GetValue<double>(), 1);
            Assert.Equal(e.Knots, p["atKnots"]!.GetValue<double>());                         // at anchor: the cruise speed
            Assert.Equal(e.Km / 1.852 / e.Knots * 60, p["etaMinutes"]!.GetValue<double>(), 0);
        }
        Assert.InRange(patrols[0]!["bearingDeg"]!.GetValue<double>(), 180, 270); // Lampedusa lies south-west of P-near

        using var bad = await Http.GetAsync($"/api/coverage?scenario={scenario}&lat=95&lon=12.6");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"lat\"", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sectors_no_patrol_watched_in_the_last_hour_are_gaps_the_busiest_first()
    {
        var scenario = await ScenarioWithPatrolsAsync();
        var catalogue = SectorCatalogue.Load(Paths.Catalogue);
        // Brute force: a sector is covered when a patrol position of the last hour is within 30 km of a point of its
        // outline (densified to a point every ~1 km) or inside it.
        (double Lat, double Lon)[] watched = [(35.62, 12.71), (36.5, 14.0), (35.9, 12.4)];
        bool Covered(Sector s) => watched.Any(w => s.Geometry.Covers(new NetTopologySuite.Geometries.Point(w.Lon, w.Lat))
            || NetTopologySuite.Densify.Densifier.Densify(s.Geometry.Boundary, 0.01).Coordinates.Any(c => Km(w.Lat, w.Lon, c.Y, c.X) <= 30));
        var expected = catalogue.Sectors.Where(s => !Covered(s)).Select(s => s.Id).ToHashSet();
        Assert.Contains("lesvos", expected);
        Assert.DoesNotContain("lampedusa", expected);

        JsonNode answer = null!;
        await Eventually.HoldsAsync(async () =>
        {
            answer = await Http.GetJsonAsync($"/api/coverage/gaps?scenario={scenario}");
            return answer["sectors"]!.AsArray().Count == expected.Count;
        }, $"{expected.Count} gaps");
        var gaps = answer["sectors"]!.AsArray();
        Assert.True(expected.SetEquals(gaps.Select(g => g!["sector"]!.GetValue<string>())));
        // Lesvos had a boat in the last 24 hours (its area does not count it twice): it comes first.
        Assert.Equal(("lesvos", 1), (gaps[0]!["sector"]!.GetValue<string>(), gaps[0]!["last24h"]!["detections"]!.GetValue<int>()));
        Assert.All(gaps.Skip(1), g => Assert.Equal(0, g!["last24h"]!["detections"]!.GetValue<int>()));
    }
}
