using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BorderWatch.Contracts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Live;
using static BorderWatch.Tests.Alerts.SpikeFeed;

namespace BorderWatch.Tests.Alerts;

/// <summary>A server of its own, with webhooks: delivery to dashboards and webhooks, dead letters, and a kill -9.</summary>
[Collection(ServerCollection.Name)]
public sealed class AlertDeliveryTests(ServerFixture fixture)
{
    [Fact]
    public async Task An_alert_reaches_dashboards_and_webhooks_a_dead_webhook_is_dead_lettered_and_a_restart_keeps_the_alert()
    {
        using var hook = new WebhookReceiver();
        var dead = $"http://127.0.0.1:{Paths.FreePort()}/nobody";
        var settings = new Dictionary<string, string>
        {
            ["BorderWatch:Alerts:Webhooks:0:Url"] = hook.Url,
            ["BorderWatch:Alerts:Webhooks:1:Url"] = dead,
            ["BorderWatch:Alerts:Webhooks:1:Attempts"] = "2",
            ["BorderWatch:Alerts:Webhooks:1:FirstRetry"] = "00:00:00.1",
        };
        var scenario = ClusterFixture.NewScenario();
        string id;
        await using (var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, settings))
        {
            await PostAsync(server.Http, scenario, Lines(0, SurgeFrom).Select(l => l.Line));
            await using var dashboard = await DashboardClient.SubscribeAsync(server.Address, new Subscription(scenario));
            Assert.Empty(dashboard.Read(d => d.Alerts!.Alerts));

            await PostAsync(server.Http, scenario, Lines(SurgeFrom, SurgeFrom + 1).Select(l => l.Line));
            await dashboard.WaitUntilAsync(d => d.Alerts!.Alerts.Any(a => a.Target == "route" && a.State == AlertState.Firing), TimeSpan.FromSeconds(30));
            var pushed = dashboard.Read(d => d.Alerts!);
            id = pushed.Alerts.Single(a => a.Target == "route").Id;
            Assert.Equal("high", pushed.ImpactLevels["pozzallo"]);

            var fired = await hook.WaitForAsync(n => n.Text("event") == "fired" && n["alert"]!.Text("id") == id);
            Assert.Equal(scenario, fired.Text("scenario"));
            await Eventually.HoldsAsync(async () => (await AlertAsync(server.Http, scenario, id))["deliveries"]!.AsArray()
                .Any(d => d!.Text("webhook") == dead && !d!["delivered"]!.GetValue<bool>() && d!["attempts"]!.GetValue<int>() == 2),
                "the notice to the dead webhook is dead-lettered after 2 tries", seconds: 30);

            using var ack = await server.Http.PostAsJsonAsync($"/api/alerts/{Uri.EscapeDataString(id)}/ack?scenario={scenario}", new { comment = "night shift" });
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            await hook.WaitForAsync(n => n.Text("event") == "acknowledged" && n["alert"]!.Text("id") == id);
            await dashboard.WaitUntilAsync(d => d.Alerts!.Alerts.Any(a => a.Id == id && a.State == AlertState.Acknowledged), TimeSpan.FromSeconds(30));
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, settings);
        var kept = await AlertAsync(restarted.Http, scenario, id);
        Assert.Equal(("acknowledged", "test-admin"), (kept.Text("state"), kept["acknowledgement"]!.Text("by")));
        Assert.Contains(kept["deliveries"]!.AsArray(), d => d!.Text("webhook") == hook.Url && d!["delivered"]!.GetValue<bool>());
    }

    private static async Task<JsonNode> AlertAsync(HttpClient http, string scenario, string id) =>
        (await http.GetJsonAsync($"/api/alerts?scenario={scenario}"))["alerts"]!.AsArray().Single(a => a!.Text("id") == id)!;

    /// <summary>A webhook endpoint on 127.0.0.1 that keeps every notice it is sent.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<JsonNode> _notices = new();

        public WebhookReceiver()
        {
            Url = $"http://127.0.0.1:{Paths.FreePort()}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        using (var reader = new StreamReader(context.Request.InputStream)) _notices.Enqueue(JsonNode.Parse(await reader.ReadToEndAsync())!);
                        context.Response.StatusCode = 204;
                        context.Response.Close();
                    }
                    catch (Exception) when (!_listener.IsListening)
                    {
                        return;
                    }
                }
            });
        }

        public string Url { get; }

        public async Task<JsonNode> WaitForAsync(Func<JsonNode, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                if (_notices.FirstOrDefault(match) is { } notice) return notice;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No such notice; got: {string.Join(", ", _notices.Select(n => n.ToJsonString()))}");
                await Task.Delay(100);
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
