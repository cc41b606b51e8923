using System.Net;
using System.Net.Http.Json;
using System.Text;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Api.ApiClient;
using BorderWatch.Tests.Alerts;

namespace BorderWatch.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class IngestApiTests(ServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 10, 0, TimeSpan.Zero);

    [Fact]
    public async Task Posted_detections_show_in_route_and_sector_counts_and_a_retry_counts_once()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        string[] batch =
        [
            Detection("d-1", T0, 35.50, 12.60, 42),        // Lampedusa
            Detection("d-2", T0.AddMinutes(5), 36.0, 13.5, 8), // open sea of the Central Mediterranean
            Detection("d-3", T0, 48.85, 2.35, 3),            // Paris: in no sector
        ];
        var first = await (await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", batch)).JsonAsync();
        Assert.Equal((3, 0), (first["accepted"]!.GetValue<int>(), first["duplicates"]!.GetValue<int>()));

        var retry = await (await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", batch)).JsonAsync();
        Assert.Equal((0, 3), (retry["accepted"]!.GetValue<int>(), retry["duplicates"]!.GetValue<int>()));

        Assert.Equal((2L, 50L), await Http.RouteTotalAsync(scenario, "central-med"));
        var routes = await Http.GetJsonAsync($"/api/routes?scenario={scenario}");
        Assert.Equal(3, routes["unassigned"]!["allTime"]!["persons"]!.GetValue<long>());
        Assert.Equal(50, routes["routes"]![0]!["lastHour"]!["persons"]!.GetValue<long>()); // clock follows the scenario's events

        var sectors = await Http.GetJsonAsync($"/api/sectors?scenario={scenario}");
        Assert.Equal("FeatureCollection", sectors["type"]!.GetValue<string>());
        var lampedusa = sectors["features"]!.AsArray().Single(f => f!["id"]!.GetValue<string>() == "lampedusa")!;
        Assert.Equal("Polygon", lampedusa["geometry"]!["type"]!.GetValue<string>());
        Assert.Equal((42L, "high"), (lampedusa["properties"]!["allTime"]!["persons"]!.GetValue<long>(), lampedusa["properties"]!["impactLevel"]!.GetValue<string>()));

        var series = await Http.GetJsonAsync($"/api/routes/central-med/series?scenario={scenario}&bucket=minute&from=2023-09-12T06:00:00Z&to=2023-09-12T06:20:00Z");
        var points = series["points"]!.AsArray();
        Assert.Equal(20, points.Count);
        Assert.Equal(42, points[10]!["persons"]!.GetValue<long>());
        Assert.Equal(8, points[15]!["persons"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_detection_sent_again_with_coordinates_in_another_sector_is_a_duplicate_naming_the_sector_that_counts_it()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("d-1", T0, 35.50, 12.60, 42)]); // Lampedusa
        var corrected = await (await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}",
            [Detection("d-2", T0, 35.9, 14.45, 5), Detection("d-1", T0, 35.9, 14.45, 42)])).JsonAsync(); // Malta
        Assert.Equal((1, 1), (corrected["accepted"]!.GetValue<int>(), corrected["duplicates"]!.GetValue<int>()));
        var elsewhere = corrected["duplicatesElsewhere"]!.AsArray().Single()!;
        Assert.Equal((2, "d-1", "lampedusa"), (elsewhere["line"]!.GetValue<int>(), elsewhere["id"]!.GetValue<string>(), elsewhere["sector"]!.GetValue<string>()));
        Assert.Equal((2L, 47L), await Http.RouteTotalAsync(scenario, "central-med"));

        var storage = (await Http.GetJsonAsync($"/api/scenarios/{scenario}"))["storage"]!;
        Assert.Equal(2, storage["idsRemembered"]!.GetValue<int>());
        Assert.InRange(storage["archiveBytes"]!.GetValue<long>(), 150, 2_000); // two records and their headers
        Assert.Equal(storage["bytes"]!.GetValue<long>(), storage["archiveBytes"]!.GetValue<long>() + storage["stateBytes"]!.GetValue<long>());
        // Retention counts from when a record was stored: the archive says since when it holds each type.
        Assert.InRange(DateTimeOffset.UtcNow - storage["detectionsStoredSince"]!.GetValue<DateTimeOffset>(), TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.Null(storage["positionsStoredSince"]);
    }

    [Fact]
    public async Task One_bad_line_is_reported_by_line_and_field_and_the_rest_is_accepted()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        string[] lines =
        [
            Detection("ok-1", T0, 35.5, 12.6, 2),
            """{"id":"bad-lat","time":"2023-09-12T06:10:00Z","lat":"north","lon":12.6,"persons":2}""",
            "{not json",
            Detection("ok-2", T0, 35.5, 12.6, 3),
            """{"id":"bad-sector","time":"2023-09-12T06:10:00Z","lat":35.5,"lon":12.6,"persons":2,"sector":"atlantis"}""",
        ];
        using var response = await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", lines);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(2, body["accepted"]!.GetValue<int>());
        var rejected = body["rejected"]!.AsArray().Select(r => (r!["line"]!.GetValue<int>(), r["field"]!.GetValue<string>())).ToArray();
        Assert.Equal([(2, "lat"), (3, "json"), (5, "sector")], rejected);
        Assert.Equal((2L, 5L), await Http.RouteTotalAsync(scenario, "central-med"));
    }

    [Fact]
    public async Task A_json_array_is_accepted_and_a_batch_with_nothing_valid_is_a_400_problem()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var array = $"[{Detection("a-1", T0, 36.73, 14.85, 11)},{Detection("a-2", T0, 36.73, 14.85, 4)}]";
        using var ok = await Http.PostAsync($"/api/detections?scenario={scenario}", new StringContent(array, Encoding.UTF8, "application/json"));
        Assert.Equal(2, (await ok.JsonAsync())["accepted"]!.GetValue<int>());

        using var bad = await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", ["""{"id":"x","time":"yesterday","lat":1,"lon":1,"persons":1}"""]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.JsonAsync();
        Assert.Equal("time", problem["rejected"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(1, problem["rejected"]![0]!["line"]!.GetValue<int>());
        Assert.Equal((2L, 15L), await Http.RouteTotalAsync(scenario, "central-med"));
    }

    [Fact]
    public async Task Duplicate_ids_inside_one_batch_count_once_or_are_refused_when_they_differ()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var body = await (await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}",
            [Detection("same", T0, 35.5, 12.6, 5), Detection("same", T0, 35.5, 12.6, 5), Detection("same", T0, 35.5, 12.6, 9)])).JsonAsync();
        Assert.Equal((1, 1), (body["accepted"]!.GetValue<int>(), body["duplicates"]!.GetValue<int>()));
        Assert.Equal(3, body["rejected"]![0]!["line"]!.GetValue<int>());
        Assert.Equal((1L, 5L), await Http.RouteTotalAsync(scenario, "central-med"));
    }

    [Fact]
    public async Task Oversized_bodies_wrong_content_types_and_bad_scenarios_are_refused_with_problems()
    {
        var big = new string(' ', 10 * 1024 * 1024 + 1);
        using var tooLarge = await Http.PostAsync("/api/detections", new StringContent(big, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        using var csv = await Http.PostAsync("/api/detections", new StringContent("id,lat\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, csv.StatusCode);

        using var traversal = await Http.PostNdjsonAsync("/api/detections?scenario=..%2F..%2Fetc", [Detection("t", T0, 35.5, 12.6, 1)]);
        Assert.Equal(HttpStatusCode.BadRequest, traversal.StatusCode);
        Assert.Equal("scenario", (await traversal.JsonAsync())["field"]!.GetValue<string>());

        using var truncated = await Http.PostAsync("/api/detections", new StringContent("[{\"id\":\"x\",", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        foreach (var path in new[] { "/api/routes/atlantis/series", "/api/sectors/atlantis/series", "/api/assets/nobody/track" })
        {
            using var response = await Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Positions_make_assets_with_a_track_and_a_sector()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var positions = new[]
        {
            new { asset = "IT-CP-301", time = "2023-09-12T06:10:00Z", lat = 36.0, lon = 13.5, speedKn = 14.2, courseDeg = 210, kind = "vessel" },
            new { asset = "IT-CP-301", time = "2023-09-12T06:12:00Z", lat = 35.5, lon = 12.6, speedKn = 13.0, courseDeg = 215, kind = "vessel" },
        };
        using var post = await Http.PostAsJsonAsync($"/api/positions?scenario={scenario}", positions);
        Assert.Equal(2, (await post.JsonAsync())["accepted"]!.GetValue<int>());

        // The listing reads the scenario's asset index, which trails ingest by a publish round.
        System.Text.Json.Nodes.JsonNode assets = null!;
        await Eventually.HoldsAsync(async () => (assets = await Http.GetJsonAsync($"/api/assets?scenario={scenario}"))["features"]!.AsArray().Count == 1, "the asset is listed", 10);
        var asset = assets["features"]!.AsArray().Single()!;
        Assert.Equal([12.6, 35.5], asset["geometry"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));
        Assert.Equal("lampedusa", asset["properties"]!["sector"]!.GetValue<string>());
        Assert.False(asset["properties"]!["stale"]!.GetValue<bool>());

        var track = await Http.GetJsonAsync($"/api/assets/IT-CP-301/track?scenario={scenario}");
        Assert.Equal(2, track["points"]!.AsArray().Count);
        Assert.Equal("lampedusa", track["transitions"]!.AsArray().Last()!["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assets_are_listed_newest_report_first_a_page_at_a_time()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var lines = Enumerable.Range(0, 25).Select(i => System.Text.Json.JsonSerializer.Serialize(
            new { asset = $"boat-{i:D2}", time = T0.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ssZ"), lat = 35.5, lon = 12.6, kind = "vessel" }));
        Assert.True((await Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", lines)).IsSuccessStatusCode);
        await Eventually.HoldsAsync(async () => (await Http.GetJsonAsync($"/api/assets?scenario={scenario}"))["features"]!.AsArray().Count == 25, "all 25 are indexed", 10);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Http.GetJsonAsync($"/api/assets?scenario={scenario}&limit=10" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page["features"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()));
            cursor = page["next"]?.GetValue<string>();
            pages++;
        } while (cursor is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"boat-{i:D2}"), seen);

        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=10001", "limit"), ("cursor=%25%25", "cursor"), ("cursor=bm90LWEtY3Vyc29y", "cursor") })
        {
            using var response = await Http.GetAsync($"/api/assets?scenario={scenario}&{query}");
            Assert.Equal((HttpStatusCode.BadRequest, field), (response.StatusCode, (await response.JsonAsync()).Text("field")));
        }
    }

    [Fact]
    public async Task The_scenario_listing_answers_from_stored_summaries_and_one_scenario_is_counted_when_asked()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        Assert.True((await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("l-1", T0, 35.50, 12.60, 4)])).IsSuccessStatusCode);
        var counted = await Http.GetJsonAsync($"/api/scenarios/{scenario}");
        Assert.Equal(1, counted["detections"]!.GetValue<long>());

        // More arrives: the listing shows the summary as counted (and when), asking for the scenario counts again.
        Assert.True((await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("l-2", T0, 35.50, 12.60, 4)])).IsSuccessStatusCode);
        var listed = (await Http.GetJsonAsync("/api/scenarios")).AsArray().Single(s => s!.Text("name") == scenario)!;
        Assert.Equal((1L, counted.Text("summarizedAt")), (listed["detections"]!.GetValue<long>(), listed.Text("summarizedAt")));
        Assert.Equal(2, (await Http.GetJsonAsync($"/api/scenarios/{scenario}"))["detections"]!.GetValue<long>());
        listed = (await Http.GetJsonAsync("/api/scenarios")).AsArray().Single(s => s!.Text("name") == scenario)!;
        Assert.Equal(2, listed["detections"]!.GetValue<long>());
    }
}
