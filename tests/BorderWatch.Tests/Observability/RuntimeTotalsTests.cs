using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Observability;

/// <summary>GET /api/diagnostics/runtime: the totals `bench` reads around a measurement, moving with the work done.</summary>
[Collection(ServerCollection.Name)]
public sealed class RuntimeTotalsTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_totals_grow_with_the_records_ingested_between_two_readings()
    {
        using var admin = fixture.Server.ClientWith(TestKeys.Admin);
        var before = (await admin.GetFromJsonAsync<JsonNode>("/api/diagnostics/runtime"))!;
        var scenario = await fixture.Server.NewScenarioAsync();
        var t0 = new DateTimeOffset(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
        using (var posted = await fixture.Server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}",
                   Enumerable.Range(0, 2_000).Select(i => ApiClient.Detection($"r-{i}", t0.AddSeconds(i), 35.5, 12.6, 3))))
            Assert.True(posted.IsSuccessStatusCode);
        var after = (await admin.GetFromJsonAsync<JsonNode>("/api/diagnostics/runtime"))!;

        long Allocated(JsonNode n) => n["allocatedBytes"]!.GetValue<long>();
        // 2,000 detections parsed, judged, journalled and counted allocate at least their own bytes.
        Assert.True(Allocated(after) - Allocated(before) > 2_000 * 100, $"{Allocated(after) - Allocated(before)} bytes allocated");
        Assert.True(after["cpuSeconds"]!.GetValue<double>() > before["cpuSeconds"]!.GetValue<double>());
        Assert.True(after["uptimeSeconds"]!.GetValue<double>() > before["uptimeSeconds"]!.GetValue<double>());
        Assert.True(after["gcPauseSeconds"]!.GetValue<double>() >= before["gcPauseSeconds"]!.GetValue<double>());
        Assert.Equal(3, after["collections"]!.AsArray().Count);
    }
}
