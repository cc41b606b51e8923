using System.Text.Json;
using BorderWatch.Geography;
using BorderWatch.Server.Ingest;
using BorderWatch.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace BorderWatch.Tests.Replay;

/// <summary>The bundled demo: a new user's first sight of BorderWatch.</summary>
[Collection(ServerCollection.Name)]
public sealed class DemoFeedTests(ServerFixture fixture)
{
    private static readonly string Feed = Path.Combine(Paths.ServerProject, "Demo", "demo-2023-09.ndjson.gz");
    private static readonly string AisLog = Path.Combine(Paths.ServerProject, "Demo", "demo-2023-09.nm4.gz");
    private static readonly string TotalsCsv = Path.Combine(Paths.ServerProject, "Demo", "demo-2023-09.totals.csv");
    private static readonly string Background = Path.Combine(Paths.ServerProject, "Demo", "demo-2023-07-background.ndjson.gz");

    [Fact]
    public void The_bundled_demo_feed_is_valid_and_holds_the_Lampedusa_landings()
    {
        var parser = new RecordParser(SectorCatalogue.Load(Paths.Catalogue), TimeProvider.System, Options.Create(new IngestOptions()));
        var persons = new Dictionary<(string Sector, int Day), long>();
        var (detections, positions) = (0, 0);
        foreach (var (line, number) in FeedFixtures.GzipLines(Feed).Select((l, i) => (l, i + 1)))
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("type").GetString() == "position")
            {
                Assert.Null(parser.TryPosition(number, json.RootElement, out _));
                positions++;
                continue;
            }
            Assert.Null(parser.TryDetection(number, json.RootElement, out var detection));
            Assert.InRange(detection.Time, new DateTimeOffset(2023, 9, 10, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2023, 9, 15, 0, 0, 0, TimeSpan.Zero));
            var key = (detection.Sector, detection.Time.Day);
            persons[key] = persons.GetValueOrDefault(key) + detection.Persons;
            detections++;
        }
        var totals = FeedFixtures.Totals(TotalsCsv);
        Assert.Equal((totals.Values.Sum(t => t.Detections), totals.Values.Sum(t => t.Positions)), (detections, positions));

        // The AIS log: every line a sentence, every message whole, as many as simulate said, the patrol vessels among them.
        var reader = new BorderWatch.Ais.AisReader(TimeSpan.FromMinutes(1));
        var (messages, mmsis) = (0, new HashSet<uint>());
        foreach (var line in FeedFixtures.GzipLines(AisLog))
        {
            var read = reader.Read(line, DateTimeOffset.UtcNow);
            Assert.True(read.Status != BorderWatch.Ais.ReadStatus.Rejected, $"{line}: {read.Error}");
            if (read.Status != BorderWatch.Ais.ReadStatus.Message) continue;
            messages++;
            mmsis.Add(read.Message.Kind == BorderWatch.Ais.DecodedKind.Static ? read.Message.Static!.Mmsi : read.Message.Position.Mmsi);
        }
        Assert.Equal(File.ReadLines(TotalsCsv).Skip(1).Sum(l => long.Parse(l.Split(',')[5])), messages);
        Assert.Contains(247301000u, mmsis); // IT-CP-301, the own fleet of appsettings.Development.json
        Assert.True(mmsis.Count > 100, $"{mmsis.Count} vessels");

        // 11-14 September: thousands landed on Lampedusa, many times an ordinary day.
        var landings = Enumerable.Range(11, 4).Sum(day => persons.GetValueOrDefault(("lampedusa", day)));
        Assert.True(landings > 5_000, $"{landings} persons on Lampedusa on 11-14 September");
        Assert.True(landings / 4 > 3 * persons.GetValueOrDefault(("lampedusa", 10)), "no surge on 11-14 September");
    }

    [Fact]
    public async Task A_server_with_the_demo_on_fills_the_demo_scenario_at_once_keeps_it_moving_raises_the_Lampedusa_alert_and_opens_the_page_on_it()
    {
        var scenario = ClusterFixture.NewScenario();
        await using var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, new Dictionary<string, string>
        {
            ["BorderWatch:Demo:Enabled"] = "true",
            ["BorderWatch:Demo:Scenario"] = scenario,
            ["BorderWatch:Demo:Speed"] = "3600",
        });
        var settings = await Api.ApiClient.GetJsonAsync(server.Http, "/api/dashboard");
        Assert.Equal(scenario, settings["defaultScenario"]!.GetValue<string>());

        // The history up to 11 September arrives at once, then an hour of the feed per second.
        var preloaded = FeedFixtures.GzipLines(Background).Concat(FeedFixtures.GzipLines(Feed)).Count(l => l.Contains("\"type\":\"detection\"") && string.CompareOrdinal(l, l.IndexOf("\"time\":\"", StringComparison.Ordinal) + 8, "2023-09-11", 0, 10) < 0);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await server.Http.GetAsync($"/api/scenarios/{scenario}");
            if (response.IsSuccessStatusCode)
            {
                var summary = await Api.ApiClient.JsonAsync(response);
                if (summary["detections"]!.GetValue<long>() > preloaded && summary["lastEvent"]!.GetValue<DateTimeOffset>() > new DateTimeOffset(2023, 9, 11, 6, 0, 0, TimeSpan.Zero)) break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the demo did not move on past its preloaded history:\n{server.Output}");
            await Task.Delay(200);
        }
        // The landings on Lampedusa in the night of 11 September raise an alert on the central Mediterranean.
        await Alerts.SpikeFeed.SettledAlertsAsync(server.Http, scenario, alerts => alerts.Any(a => a!["route"]!.GetValue<string>() == "central-med"));

        // The sea around the patrols comes in over AIS: merchant ships with their names and types.
        var assets = (await Api.ApiClient.GetJsonAsync(server.Http, $"/api/assets?scenario={scenario}"))["features"]!.AsArray();
        var named = assets.Count(a => a!["properties"]!["vessel"]?["shipTypeText"] is not null && a["properties"]!["vessel"]!["name"] is not null);
        Assert.True(named > 20, $"{named} named vessels of {assets.Count} assets");
    }

}
