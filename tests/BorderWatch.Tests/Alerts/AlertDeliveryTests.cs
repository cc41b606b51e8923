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
    private const string Secret = "webhook-secret-for-tests-0001";

    [Fact]
    public async Task An_alert_reaches_dashboards_and_signed_webhooks_by_name_a_dead_one_is_dead_lettered_and_a_restart_delivers_what_waited()
    {
        using var hook = new WebhookReceiver();
        using var liveOnly = new WebhookReceiver();
        var dead = $"http://127.0.0.1:{Paths.FreePort()}/nobody";
        var latePort = Paths.FreePort();
        var scenario = ClusterFixture.NewScenario();
        var settings = new Dictionary<string, string>();
        void Hook(int i, string name, string url, string? scenarios, params (string Key, string Value)[] more)
        {
            settings[$"BorderWatch:Alerts:Webhooks:{i}:Name"] = name;
            settings[$"BorderWatch:Alerts:Webhooks:{i}:Url"] = url;
            settings[$"BorderWatch:Alerts:Webhooks:{i}:Secret"] = Secret;
            if (scenarios is not null) settings[$"BorderWatch:Alerts:Webhooks:{i}:Scenarios:0"] = scenarios;
            foreach (var (key, value) in more) settings[$"BorderWatch:Alerts:Webhooks:{i}:{key}"] = value;
        }
        Hook(0, "ops-room", hook.Url, scenario);
        Hook(1, "old-pager", dead, scenario, ("Attempts", "2"), ("FirstRetry", "00:00:00.1"));
        Hook(2, "live-channel", liveOnly.Url, null); // live only: hears nothing of this scenario
        Hook(3, "late-receiver", $"http://127.0.0.1:{latePort}/late/", "*", ("Attempts", "3"), ("FirstRetry", "00:00:30"));
        string id;
        await using (var server = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, settings))
        {
            await server.Http.CreateScenarioAsync(scenario);
            await PostAsync(server.Http, scenario, Lines(0, SurgeFrom).Select(l => l.Line));
            await using var dashboard = await DashboardClient.SubscribeAsync(server.Address, new Subscription(scenario));
            Assert.Empty(dashboard.Read(d => d.Alerts!.Alerts));

            await PostAsync(server.Http, scenario, Lines(SurgeFrom, SurgeFrom + 1).Select(l => l.Line));
            await dashboard.WaitUntilAsync(d => d.Alerts!.Alerts.Any(a => a.Target == "route" && a.State == AlertState.Firing), TimeSpan.FromSeconds(30));
            var pushed = dashboard.Read(d => d.Alerts!);
            id = pushed.Alerts.Single(a => a.Target == "route").Id;
            Assert.Equal("high", pushed.ImpactLevels["pozzallo"]);

            var fired = await hook.WaitForAsync(n => n.Body.Text("event") == "fired" && n.Body["alert"]!.Text("id") == id);
            Assert.Equal(scenario, fired.Body.Text("scenario"));
            Assert.True(WebhookReceiver.SignedWith(fired, Secret), $"signature {fired.Signature} checks out");
            Assert.False(WebhookReceiver.SignedWith(fired, "another-secret-0000000"));
            await Eventually.HoldsAsync(async () => (await AlertAsync(server.Http, scenario, id))["deliveries"]!.AsArray()
                .Any(d => d!.Text("webhook") == "old-pager" && !d!["delivered"]!.GetValue<bool>() && d!["attempts"]!.GetValue<int>() == 2),
                "the notice to the dead webhook is dead-lettered after 2 tries", seconds: 30);

            // Nobody reading alerts, dashboards or another receiver's body learns a webhook's address.
            var alerts = await server.Http.GetStringAsync($"/api/alerts?scenario={scenario}");
            foreach (var url in new[] { hook.Url, dead, liveOnly.Url, $":{latePort}/" })
            {
                Assert.DoesNotContain(url, alerts);
                Assert.DoesNotContain(url, fired.Body.ToJsonString());
            }

            using var ack = await server.Http.PostAsJsonAsync($"/api/alerts/{Uri.EscapeDataString(id)}/ack?scenario={scenario}", new { comment = "night shift" });
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            await hook.WaitForAsync(n => n.Body.Text("event") == "acknowledged" && n.Body["alert"]!.Text("id") == id);
            await dashboard.WaitUntilAsync(d => d.Alerts!.Alerts.Any(a => a.Id == id && a.State == AlertState.Acknowledged), TimeSpan.FromSeconds(30));
            Assert.Empty(liveOnly.Notices);

            // Admins read each webhook's log; operators may not.
            var log = (await server.Http.GetJsonAsync("/api/webhooks")).AsArray();
            Assert.Contains(log.Single(h => h!.Text("name") == "ops-room")!["log"]!.AsArray(), e => e!.Text("alertId") == id && e!["delivery"]!["delivered"]!.GetValue<bool>());
            Assert.Contains(log.Single(h => h!.Text("name") == "old-pager")!["log"]!.AsArray(), e => e!.Text("alertId") == id && !e!["delivery"]!["delivered"]!.GetValue<bool>());
            Assert.True(log.Single(h => h!.Text("name") == "late-receiver")!["waiting"]!.GetValue<int>() >= 2, "the late receiver's notices wait in its outbox");
            Assert.Equal(HttpStatusCode.Forbidden, (await server.ClientWith(TestKeys.Operator).GetAsync("/api/webhooks")).StatusCode);
            await server.KillAsync();
        }

        // The late receiver comes up while the server is down: what waited in its outbox reaches it after the restart.
        using var late = new WebhookReceiver($"http://127.0.0.1:{latePort}/late/");
        await using var restarted = await ServerProcess.StartAsync(fixture.Azurite!.ConnectionString, settings);
        var kept = await AlertAsync(restarted.Http, scenario, id);
        Assert.Equal(("acknowledged", "test-admin"), (kept.Text("state"), kept["acknowledgement"]!.Text("by")));
        Assert.Contains(kept["deliveries"]!.AsArray(), d => d!.Text("webhook") == "ops-room" && d!["delivered"]!.GetValue<bool>());
        var waited = await late.WaitForAsync(n => n.Body.Text("event") == "fired" && n.Body["alert"]!.Text("id") == id);
        Assert.True(WebhookReceiver.SignedWith(waited, Secret));
        await late.WaitForAsync(n => n.Body.Text("event") == "acknowledged" && n.Body["alert"]!.Text("id") == id);
    }

    private static async Task<JsonNode> AlertAsync(HttpClient http, string scenario, string id) =>
        (await http.GetJsonAsync($"/api/alerts?scenario={scenario}"))["alerts"]!.AsArray().Single(a => a!.Text("id") == id)!;

    /// <summary>A webhook endpoint on 127.0.0.1 that keeps every notice it is sent.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<Received> _notices = new();

        public sealed record Received(JsonNode Body, string Raw, string? Signature, string? Delivery);

        public WebhookReceiver(string? url = null)
        {
            Url = url ?? $"http://127.0.0.1:{Paths.FreePort()}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        using (var reader = new StreamReader(context.Request.InputStream))
                        {
                            var raw = await reader.ReadToEndAsync();
                            _notices.Enqueue(new Received(JsonNode.Parse(raw)!, raw, context.Request.Headers["X-BorderWatch-Signature"], context.Request.Headers["X-BorderWatch-Delivery"]));
                        }
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
        public IReadOnlyCollection<Received> Notices => _notices;

        /// <summary>As README tells a receiver to check it: HMAC-SHA256 of "t.body" with the shared secret, in hex.</summary>
        public static bool SignedWith(Received notice, string secret)
        {
            var parts = (notice.Signature ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)) return false;
            var expected = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes($"{t}.{notice.Raw}"));
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
        }

        public async Task<Received> WaitForAsync(Func<Received, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                if (_notices.FirstOrDefault(match) is { } notice) return notice;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No such notice; got: {string.Join(", ", _notices.Select(n => n.Raw))}");
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
