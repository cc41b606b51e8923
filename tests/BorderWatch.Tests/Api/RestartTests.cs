using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Api;

/// <summary>Server processes of their own: these kill and restart them.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Every_acknowledged_detection_survives_kill_9_of_the_server()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var scenario = ClusterFixture.NewScenario();
        var t0 = new DateTimeOffset(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
        long acknowledged = 0;
        // Snapshots every 10 minutes: whatever counts after the restart came back from the journal.
        var settings = new Dictionary<string, string> { ["BorderWatch:Counting:SnapshotInterval"] = "00:10:00" };

        await using (var server = await ServerProcess.StartAsync(azurite.ConnectionString, settings))
        {
            await server.Http.CreateScenarioAsync(scenario);
            for (var batch = 0; batch < 20; batch++)
            {
                var lines = Enumerable.Range(0, 50).Select(i => Detection($"k-{batch}-{i}", t0.AddMinutes(batch * 50 + i), 39.11, 26.55, 1 + i % 5));
                var body = await (await server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", lines)).JsonAsync();
                acknowledged += body["accepted"]!.GetValue<int>();
            }
            await server.KillAsync();
        }
        Assert.Equal(1000, acknowledged);

        await using var restarted = await ServerProcess.StartAsync(azurite.ConnectionString, settings);
        Assert.Equal((1000L, 3000L), await restarted.Http.RouteTotalAsync(scenario, "eastern-med"));
    }

    [Fact]
    public async Task An_invalid_catalogue_stops_start_up_naming_the_feature()
    {
        var catalogue = Path.Combine(Path.GetTempPath(), $"bad-catalogue-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(catalogue, """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"bowtie","name":"Bow tie","route":"r","kind":"area",
             "domain":"sea","country":"IT","impactLevel":"low"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]}
            """);
        try
        {
            await using var server = await ServerProcess.StartAsync("UseDevelopmentStorage=true",
                new Dictionary<string, string> { ["BorderWatch:Catalogue"] = catalogue }, waitHealthy: false);
            Assert.NotEqual(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("'bowtie'", server.Output);
            Assert.Contains("Self-intersection", server.Output);
        }
        finally
        {
            File.Delete(catalogue);
        }
    }

    [Fact]
    public async Task ASPNETCORE_URLS_sets_the_address_the_server_listens_on()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString, addressByEnvironment: true);
        Assert.True((await server.Http.GetAsync("/health")).IsSuccessStatusCode); // on the port ASPNETCORE_URLS named
    }
}
