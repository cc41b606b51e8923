using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Observability;

/// <summary>OpenTelemetry over OTLP/HTTP to a receiver in the test, as a collector would take it.</summary>
[Collection(ServerCollection.Name)]
public sealed class TelemetryTests(ServerFixture fixture)
{
    [Fact]
    public async Task With_an_OTLP_endpoint_ingest_exports_BorderWatch_metrics_and_one_trace_from_the_API_through_a_grain_to_storage()
    {
        await using var receiver = new OtlpReceiver();
        await using var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, environment: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_TRACES_SAMPLER"] = "always_on", // the default keeps one request in a hundred
            ["BorderWatch__Telemetry__Detailed"] = "true",
        });
        var scenario = await server.NewScenarioAsync();
        await using var dashboard = await Live.DashboardClient.SubscribeAsync(server.Address, new BorderWatch.Contracts.Subscription(scenario));
        var t0 = new DateTimeOffset(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
        using (var posted = await server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", [Detection("otel-1", t0, 35.5, 12.6, 7), "{not json"]))
            Assert.True(posted.IsSuccessStatusCode);
        var position = System.Text.Json.JsonSerializer.Serialize(new { asset = "IT-CP-301", time = t0, lat = 35.5, lon = 12.6, kind = "patrol" });
        using (var posted = await server.Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", [position]))
            Assert.True(posted.IsSuccessStatusCode);

        string[] wanted = ["borderwatch.records.received", "borderwatch.records.accepted", "borderwatch.records.rejected", "borderwatch.ingest.duration",
            "borderwatch.journal.appends", "borderwatch.journal.append.duration", "borderwatch.alerts.evaluations", "borderwatch.alerts.firing",
            "borderwatch.assets.active", "borderwatch.live.lag", "borderwatch.live.dashboards", "http.server.request.duration", "dotnet.gc.collections"];
        await Eventually.HoldsAsync(() => Task.FromResult(wanted.All(receiver.Metrics.Contains) && receiver.Metrics.Any(m => m.StartsWith("orleans", StringComparison.Ordinal))),
            $"the receiver got {string.Join(", ", wanted)} and Orleans' metrics; it has {string.Join(", ", receiver.Metrics.Order())}", 30);

        // The POST's trace: the API's span, a grain call under it, and a storage call under that.
        List<OtlpReceiver.Span> trace = [];
        await Eventually.HoldsAsync(() =>
        {
            var spans = receiver.Spans;
            var post = spans.FirstOrDefault(s => s.Scope == "Microsoft.AspNetCore" && s.Name.StartsWith("POST /api/detections", StringComparison.Ordinal));
            trace = post is null ? [] : spans.Where(s => s.TraceId == post.TraceId).ToList();
            return Task.FromResult(trace.Any(s => s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.Name.Contains("ISectorGrain"))
                                   && trace.Any(s => s.Scope.StartsWith("Azure", StringComparison.Ordinal)));
        }, $"one trace holds the POST, a sector grain call and a storage call; spans seen: {string.Join("; ", receiver.Spans.Select(s => $"{s.Scope} {s.Name}").Distinct().Take(40))}", 30);
        Assert.All(trace.Where(s => s.ParentId != ""), s => Assert.Contains(trace, p => p.SpanId == s.ParentId));
    }
}
