using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Alerts;

/// <summary>Spike alerts on the real server: one alert per surge, its lifecycle, silences, impact levels, replay = live.</summary>
[Collection(ServerCollection.Name)]
public sealed class AlertApiTests(ServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task One_surge_raises_exactly_one_alert_for_its_route_in_its_window_which_is_acknowledged_and_then_resolves()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var firing = await SurgeAsync(Http, scenario);

        var alert = Assert.Single(firing.Route());
        Assert.Equal(("central-med", "day", "firing", "spike"), (alert.Text("targetId"), alert.Text("bucket"), alert.Text("state"), alert.Text("direction")));
        Assert.Equal(Day(SurgeFrom), alert["start"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["pozzallo"], alert["sectors"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.True(alert["observed"]!.GetValue<long>() > 3 * alert["expected"]!.GetValue<double>());
        Assert.True(alert["score"]!.GetValue<double>() >= alert["threshold"]!.GetValue<double>());
        Assert.All(firing.Select(a => a!), a => Assert.Equal("central-med", a.Text("route")));   // nothing on the steady eastern-med
        // The evidence: which detector, and where the rise began.
        Assert.Contains(alert.Text("detector"), new[] { "rise", "count" });
        Assert.Equal(Day(SurgeFrom), alert["changePoint"]!.GetValue<DateTimeOffset>());

        // The baseline the days were judged by, in detections: 10 a day expected, 30 the level listened for, the surge abnormal.
        string At(int day) => Uri.EscapeDataString(Day(day).ToString("O"));
        var baseline = await Http.GetJsonAsync($"/api/routes/central-med/baseline?scenario={scenario}&bucket=day&from={At(60)}&to={At(SurgeTo + 1)}");
        var points = baseline["points"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal("detections", baseline.Text("metric"));
        Assert.Equal(SurgeTo + 1 - 60, points.Count);
        foreach (var point in points)
        {
            var surge = point["start"]!.GetValue<DateTimeOffset>() >= Day(SurgeFrom);
            Assert.Equal(surge, point["abnormal"]!.GetValue<bool>());
            Assert.Equal(surge ? 100 : 10, point["observed"]!.GetValue<long>());
            if (!surge) Assert.Equal((10.0, 30.0), (point["expected"]!.GetValue<double>(), point["upper"]!.GetValue<double>()));
        }

        var id = alert.Text("id");
        using (var ack = await Http.PostAsJsonAsync($"/api/alerts/{Uri.EscapeDataString(id)}/ack?scenario={scenario}", new { comment = "patrol boats sent", by = "someone else" }))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var acked = await ack.JsonAsync();
            Assert.Equal(("acknowledged", "test-admin"), (acked.Text("state"), acked["acknowledgement"]!.Text("by")));
        }

        // The surge ends; the following calm days resolve the alert, which keeps its acknowledgement.
        await PostAsync(Http, scenario, Lines(SurgeTo + 1).Select(l => l.Line));
        var after = await SettledAlertsAsync(Http, scenario, a => a.Route().Single().Text("state") == "resolved");
        var resolved = after.Route().Single();
        Assert.Equal(id, resolved.Text("id"));
        Assert.Equal("test-admin", resolved["acknowledgement"]!.Text("by"));
        Assert.True(resolved["resolvedAt"]!.GetValue<DateTimeOffset>() > Day(SurgeTo));

        var byState = await Http.GetJsonAsync($"/api/alerts?scenario={scenario}&state=resolved&route=central-med");
        Assert.Contains(byState["alerts"]!.AsArray(), a => a!.Text("id") == id);
        Assert.Empty((await Http.GetJsonAsync($"/api/alerts?scenario={scenario}&route=eastern-med"))["alerts"]!.AsArray());
    }

    [Fact]
    public async Task A_silence_holds_back_delivery_but_keeps_the_alert_and_a_firing_alert_raises_its_sectors_impact_level()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        using (var created = await Http.PostAsJsonAsync($"/api/silences?scenario={scenario}",
            new { route = "central-med", from = Day(80), to = Day(90), reason = "planned exercise" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var silence = Assert.Single((await Http.GetJsonAsync($"/api/silences?scenario={scenario}")).AsArray())!;
        var alert = (await SurgeAsync(Http, scenario)).Route().Single();
        Assert.Equal(silence.Text("id"), alert.Text("silencedBy"));

        var pozzallo = await Http.GetJsonAsync($"/api/sectors/pozzallo/impact?scenario={scenario}");
        Assert.Equal(("high", "medium"), (pozzallo.Text("impactLevel"), pozzallo.Text("cataloguedImpactLevel")));
        Assert.Equal("system", pozzallo["audit"]!.AsArray().Last()!.Text("by"));

        using (var set = await Http.PutAsJsonAsync($"/api/sectors/pozzallo/impact?scenario={scenario}", new { level = "critical", reason = "Schengen at risk" }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        var sectors = await Http.GetJsonAsync($"/api/sectors?scenario={scenario}");
        Assert.Equal("critical", sectors["features"]!.AsArray().Single(f => f!.Text("id") == "pozzallo")!["properties"]!.Text("impactLevel"));
        var audit = (await Http.GetJsonAsync($"/api/sectors/pozzallo/impact?scenario={scenario}"))["audit"]!.AsArray().Last()!;
        Assert.Equal(("test-admin", "high", "critical", "Schengen at risk"), (audit.Text("by"), audit.Text("from"), audit.Text("to"), audit.Text("why")));

        using (var bad = await Http.PutAsJsonAsync($"/api/sectors/pozzallo/impact?scenario={scenario}", new { level = "purple", reason = "y" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("level", (await bad.JsonAsync()).Text("field"));
        }
        using (var gone = await Http.DeleteAsync($"/api/silences/{silence.Text("id")}?scenario={scenario}")) Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        Assert.Empty((await Http.GetJsonAsync($"/api/silences?scenario={scenario}")).AsArray());
        // Gone, it holds back nothing more: the open alert it covered says so at once.
        Assert.Null(RouteAlert(await Http.GetJsonAsync($"/api/alerts?scenario={scenario}"))["silencedBy"]);
    }

    [Fact]
    public async Task A_silence_made_while_an_alert_fires_covers_it_at_once()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var alert = (await SurgeAsync(Http, scenario)).Route().Single();
        Assert.Null(alert["silencedBy"]);
        using var created = await Http.PostAsJsonAsync($"/api/silences?scenario={scenario}",
            new { route = "central-med", from = alert["start"], to = Day(120), reason = "known surge" });
        var silence = await created.JsonAsync();
        Assert.Equal(silence.Text("id"), RouteAlert(await Http.GetJsonAsync($"/api/alerts?scenario={scenario}")).Text("silencedBy"));
    }

    private static JsonNode RouteAlert(JsonNode list) => list["alerts"]!.AsArray().Route().Single();

    [Fact]
    public async Task Replaying_a_feed_in_order_and_receiving_it_live_out_of_order_raise_the_same_alerts()
    {
        var lines = Lines();
        var replay = await fixture.Server.NewScenarioAsync();
        var live = await fixture.Server.NewScenarioAsync();
        await PostAsync(Http, replay, lines.Select(l => l.Line), batch: 5000);
        // Live: small batches, each three-day stretch shuffled, so records arrive late and out of order.
        var random = new Random(5);
        var shuffled = lines.GroupBy(l => (l.Time - Start).Days / 3).SelectMany(g => g.OrderBy(_ => random.Next())).Select(l => l.Line);
        await PostAsync(Http, live, shuffled, batch: 100);

        static string Shape(JsonArray alerts) => string.Join("\n", alerts.Select(a => a!)
            .Select(a => $"{a.Text("id")} {a["end"]} {a["observed"]} {a["expected"]} {a.Text("state")} {a["resolvedAt"]}").Order());
        var inOrder = await SettledAlertsAsync(Http, replay, a => a.Route().Any(r => r.Text("state") == "resolved"));
        var outOfOrder = await SettledAlertsAsync(Http, live, a => a.Route().Any(r => r.Text("state") == "resolved"));
        // Settled is "the same twice a second apart": on a busy machine one book may still be judging its sectors,
        // so both are read again until they agree, or a minute is up.
        for (var deadline = DateTime.UtcNow.AddSeconds(60); Shape(inOrder) != Shape(outOfOrder) && DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            inOrder = (await Http.GetJsonAsync($"/api/alerts?scenario={replay}"))["alerts"]!.AsArray();
            outOfOrder = (await Http.GetJsonAsync($"/api/alerts?scenario={live}"))["alerts"]!.AsArray();
        }
        Assert.Equal(Shape(inOrder), Shape(outOfOrder));
    }

    [Fact]
    public async Task Bad_alert_requests_are_refused_naming_the_field()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        using (var r = await Http.GetAsync($"/api/alerts?scenario={scenario}&state=sleeping"))
            Assert.Equal((HttpStatusCode.BadRequest, "state"), (r.StatusCode, (await r.JsonAsync()).Text("field")));
        using (var r = await Http.PostAsJsonAsync($"/api/alerts/nope/ack?scenario={scenario}", new { comment = "seen" }))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await Http.PostAsJsonAsync($"/api/silences?scenario={scenario}", new { route = "central-med", from = Day(2), to = Day(1), reason = "x" }))
            Assert.Equal((HttpStatusCode.BadRequest, "from"), (r.StatusCode, (await r.JsonAsync()).Text("field")));
    }
}
