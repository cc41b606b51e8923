using BorderWatch.Server.Live;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BorderWatch.Contracts;
using BorderWatch.Tests.Api;
using BorderWatch.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Live;

[Collection(ServerCollection.Name)]
public sealed class LiveHubTests(ServerFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 10, 0, TimeSpan.Zero);
    private HttpClient Http => fixture.Server.Http;
    private Uri Server => fixture.Server.Address;

    [Fact]
    public async Task A_dashboard_gets_a_snapshot_then_the_sector_and_route_counts_a_detection_changed()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        var snapshot = dashboard.Snapshot!;
        Assert.Equal(47, snapshot.Sectors.Count); // 46 sectors and "unassigned"
        Assert.Equal(8, snapshot.Routes.Count);
        Assert.All(snapshot.Sectors, s => Assert.Equal(0, s.Counts.AllTime.Detections));

        await PostAsync(scenario, Detection("d-1", T0, 35.50, 12.60, 42)); // Lampedusa, Central Mediterranean
        await dashboard.WaitUntilAsync(d => d.Sectors["lampedusa"].Counts.AllTime.Persons == 42
                                            && d.Routes["central-med"].Counts.LastHour.Persons == 42, Patience);

        var route = dashboard.Read(d => d.Routes["central-med"]);
        Assert.Equal(24, route.Hourly.Count);
        Assert.Equal((T0.AddMinutes(-10), 42L), (route.Hourly[^1].Start, route.Hourly[^1].Persons)); // the clock's hour, last
        Assert.Equal(0, dashboard.Read(d => d.Routes["eastern-med"].Counts.AllTime.Persons));
    }

    [Fact]
    public async Task A_dashboard_subscribed_to_one_route_hears_only_of_that_route()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario, Routes: ["eastern-med"]));
        Assert.DoesNotContain(dashboard.Snapshot!.Routes, r => r.Id == "central-med");

        await PostAsync(scenario, Detection("c-1", T0, 35.50, 12.60, 5));   // Lampedusa: Central Mediterranean
        await PostAsync(scenario, Detection("e-1", T0, 36.43, 28.22, 7));   // off Rhodes: Eastern Mediterranean
        await dashboard.WaitUntilAsync(d => d.Routes["eastern-med"].Counts.AllTime.Persons == 7, Patience);

        Assert.DoesNotContain("lampedusa", dashboard.Read(d => d.Messages.SelectMany(m => m.Changes.Sectors).Select(s => s.Id).ToList()));
        Assert.False(dashboard.Read(d => d.Routes.ContainsKey("central-med")));
    }

    [Fact]
    public async Task Asset_positions_reach_the_dashboard_and_a_silent_asset_shows_as_stale()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        await PostPositionsAsync(scenario, Position("IT-CP-301", T0, 35.40, 12.50, 14.2, 210));
        await dashboard.WaitUntilAsync(d => d.Assets.ContainsKey("IT-CP-301"), Patience);
        var moved = dashboard.Read(d => d.Assets["IT-CP-301"]);
        Assert.Equal((35.40, 12.50, 210.0, "lampedusa", false), (moved.Latest.Lat, moved.Latest.Lon, moved.Latest.CourseDeg!.Value, moved.Sector, moved.Stale));

        // An hour later on the scenario clock another asset reports; the first has been silent longer than 10 minutes.
        await PostPositionsAsync(scenario, Position("GR-HCG-12", T0.AddHours(1), 36.40, 28.30, 9.0, 90));
        await dashboard.WaitUntilAsync(d => d.Assets.ContainsKey("GR-HCG-12"), Patience); // and so the index has it
        await using var late = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        Assert.True(late.Snapshot!.Assets.Single(a => a.Asset == "IT-CP-301").Stale);
        Assert.False(late.Snapshot!.Assets.Single(a => a.Asset == "GR-HCG-12").Stale);
    }

    [Fact]
    public async Task New_detections_reach_the_dashboard_once_each_with_the_patrols_nearest_them_and_a_later_dashboard_finds_them_in_its_snapshot()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        string Asset(string id, string kind, double lat, double lon, double speedKn) =>
            JsonSerializer.Serialize(new { asset = id, time = T0.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat, lon, speedKn, courseDeg = 0, kind });
        await PostPositionsAsync(scenario, Asset("P-near", "patrol", 35.62, 12.71, 15), Asset("P-far", "aircraft", 36.5, 14.0, 150),
            Asset("M-1", "vessel", 35.51, 12.61, 12));
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        await dashboard.WaitUntilAsync(d => d.Assets.Count == 3, Patience);   // the index has the patrols

        await PostAsync(scenario, Detection("d-1", T0, 35.50, 12.60, 42));
        await PostAsync(scenario, Detection("d-1", T0, 35.50, 12.60, 42));   // a retry: counted once, shown once
        await PostAsync(scenario, Detection("d-2", T0.AddMinutes(1), 36.43, 28.22, 7));
        await dashboard.WaitUntilAsync(d => d.Detections.Any(x => x.Detection.Id == "d-2"), Patience);

        var seen = dashboard.Read(d => d.Detections.ToList());
        var d1 = Assert.Single(seen, x => x.Detection.Id == "d-1");
        Assert.Equal((42, "lampedusa"), (d1.Detection.Persons, d1.Detection.Sector));
        var api = await Http.GetJsonAsync($"/api/coverage?scenario={scenario}&lat=35.5&lon=12.6");
        Assert.Equal(api["patrols"]!.AsArray().Select(p => (p!["asset"]!.GetValue<string>(), p["distanceKm"]!.GetValue<double>())),
            d1.Nearest.Select(p => (p.Asset, p.DistanceKm)));
        Assert.Equal(["P-near", "P-far"], d1.Nearest.Select(p => p.Asset));   // the merchant vessel is no patrol

        await using var later = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        Assert.Equal(["d-2", "d-1"], later.Snapshot!.Detections.Select(x => x.Detection.Id));   // newest first
        Assert.Equal("P-near", later.Snapshot.Detections[1].Nearest[0].Asset);

        await using var eastern = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario, Routes: ["eastern-med"]));
        Assert.Equal(["d-2"], eastern.Snapshot!.Detections.Select(x => x.Detection.Id));
    }

    [Fact]
    public async Task Snapshots_list_the_most_recently_reporting_assets_first()
    {
        // Names that sort first alphabetically do not push a real asset out of the snapshot.
        var scenario = await fixture.Server.NewScenarioAsync();
        await PostPositionsAsync(scenario, [.. Enumerable.Range(0, 5).Select(i => Position($"!junk-{i}", T0, 35.40, 12.50, 0, 0)),
            Position("IT-CP-301", T0.AddMinutes(30), 35.40, 12.50, 14.2, 210)]);
        await Eventually.HoldsAsync(async () => (await Http.GetJsonAsync($"/api/assets?scenario={scenario}"))["features"]!.AsArray().Count == 6, "all six are indexed", 10);
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        Assert.Equal("IT-CP-301", dashboard.Snapshot!.Assets[0].Asset);
        Assert.Equal(6, dashboard.Snapshot.Assets.Count);
    }

    [Fact]
    public async Task Play_sends_this_connection_pictures_of_the_past_from_the_buckets_until_it_subscribes_again()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        var t0 = new DateTimeOffset(2023, 9, 11, 0, 0, 0, TimeSpan.Zero);
        await fixture.Server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}",
            [ApiClient.Detection("p-1", t0.AddMinutes(10), 35.5, 12.6, 7), ApiClient.Detection("p-2", t0.AddHours(5), 35.5, 12.6, 11)]);
        await using var player = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));
        await using var watcher = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));

        var tooFast = await Assert.ThrowsAsync<HubException>(() => player.InvokeAsync("Play", new PlaybackRequest(scenario, t0, 7200)));
        Assert.Contains("speed", tooFast.Message);
        var nowhere = await Assert.ThrowsAsync<HubException>(() => player.InvokeAsync("Play", new PlaybackRequest("no-such-scenario-here", t0, 1)));
        Assert.Contains("there is no scenario", nowhere.Message);

        await player.InvokeAsync("Play", new PlaybackRequest(scenario, t0.AddHours(2), 0));
        await player.WaitUntilAsync(c => c.Pictures.Count == 1, TimeSpan.FromSeconds(10));
        var paused = player.Read(c => c.Pictures[0]);
        var route = paused.Routes.Single(r => r.Id == "central-med").Counts;
        Assert.Equal((t0.AddHours(2), 7L, 7L), (paused.Clock, route.Last24h.Persons, route.AllTime.Persons)); // p-2 had not happened yet
        var asOf = (await fixture.Server.Http.GetJsonAsync($"/api/routes?scenario={scenario}&asOf={Uri.EscapeDataString(t0.AddHours(2).ToString("O"))}"))["routes"]!
            .AsArray().Single(r => r!["id"]!.GetValue<string>() == "central-med")!;
        Assert.Equal((7L, 7L), (asOf["last24h"]!["persons"]!.GetValue<long>(), asOf["allTime"]!["persons"]!.GetValue<long>())); // the API says the same

        // 3600x from 01:00: the clock runs an hour a second up to the scenario clock (its last event, running on), then stops.
        await player.InvokeAsync("Play", new PlaybackRequest(scenario, t0.AddHours(1), 3600));
        await player.WaitUntilAsync(c => c.Pictures.Count > 2 && c.Pictures[^1].Clock >= t0.AddHours(5), TimeSpan.FromSeconds(15));
        Assert.True(player.Read(c => c.Pictures.Skip(1).Select(p => p.Clock).Zip(c.Pictures.Skip(2).Select(p => p.Clock)).All(p => p.First <= p.Second)), "frames in time order");
        Assert.Equal(18L, player.Read(c => c.Pictures[^1]).Routes.Single(r => r.Id == "central-med").Counts.AllTime.Persons);
        Assert.Empty(watcher.Read(c => c.Pictures)); // the other dashboard stayed live

        // Live again: a snapshot at the scenario clock, and no more pictures; the scenario itself was not touched.
        var pictures = player.Read(c => c.Pictures.Count);
        await player.SubscribeAsync(new Subscription(scenario));
        await Task.Delay(Playbacks.Frame * 3);
        Assert.Equal(pictures, player.Read(c => c.Pictures.Count));
        Assert.Equal((2L, 18L), await fixture.Server.Http.RouteTotalAsync(scenario, "central-med"));
    }

    [Fact]
    public async Task A_subscription_naming_an_unknown_route_is_refused_with_the_field_named()
    {
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(await fixture.Server.NewScenarioAsync()));
        var refused = await Assert.ThrowsAsync<HubException>(() => dashboard.InvokeAsync("Subscribe", new Subscription("x", Routes: ["atlantis"])));
        Assert.Contains("routes: there is no route 'atlantis'", refused.Message);
        var badBox = await Assert.ThrowsAsync<HubException>(() => dashboard.InvokeAsync("Subscribe", new Subscription("x", Bbox: [20, 40, 10, 45])));
        Assert.Contains("bbox", badBox.Message);
    }

    [Fact]
    public async Task A_dashboard_that_never_reads_holds_up_neither_ingest_nor_other_dashboards()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        using var stuck = await ConnectWithoutReadingAsync(scenario);
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));

        // Every round moves every asset: some 60 KB of updates each time, far more in all than the stuck client's
        // 4 KB window and the server's buffers let through.
        const int assets = 250, rounds = 8;
        for (var round = 0; round < rounds; round++)
        {
            var lines = Enumerable.Range(0, assets)
                .Select(i => Position($"asset-{i:D3}", T0.AddMinutes(round), 35 + i % 25 * 0.01, 12 + i / 25 * 0.01, 10, 90));
            await PostPositionsAsync(scenario, lines.ToArray());
        }
        await PostAsync(scenario, Detection("last", T0.AddMinutes(rounds), 35.50, 12.60, 3));

        var final = T0.AddMinutes(rounds - 1);
        await dashboard.WaitUntilAsync(d => d.Assets.Count == assets && d.Assets.Values.All(a => a.Latest.Time == final)
                                            && d.Sectors["lampedusa"].Counts.AllTime.Persons == 3, TimeSpan.FromSeconds(60));
        Assert.Equal(WebSocketState.Open, stuck.State);
    }

    [Fact]
    public async Task Under_a_steady_feed_a_dashboard_gets_one_message_a_round_with_every_kind_of_change_in_it()
    {
        var scenario = await fixture.Server.NewScenarioAsync();
        await using var dashboard = await DashboardClient.SubscribeAsync(Server, new Subscription(scenario));

        // Detections and positions together, as fast as the server answers, for two seconds.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(2); n++)
            await Task.WhenAll(PostAsync(scenario, Detection($"s-{n}", T0.AddSeconds(n), 35.50, 12.60, 1)),
                PostPositionsAsync(scenario, Position("IT-CP-301", T0.AddSeconds(n), 35.40, 12.50, 10, 90)));
        var span = clock.Elapsed;
        await dashboard.WaitUntilAsync(d => d.Messages.Count > 0, Patience);

        var messages = dashboard.Read(d => d.Messages.Where(m => m.At >= started && m.At <= started + span).Select(m => m.Changes).ToList());
        // SendInterval is 50 ms: at most one message in each, and one more for the round the window opens in.
        Assert.InRange(messages.Count, 1, (int)(span.TotalMilliseconds / 50) + 1);
        Assert.Contains(messages, m => m.Sectors.Count > 0 && m.Routes.Count > 0 && m.Assets.Count > 0 && m.Detections.Count > 0);
    }

    private async Task PostAsync(string scenario, params string[] detections)
    {
        using var response = await Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", detections);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task PostPositionsAsync(string scenario, params string[] positions)
    {
        using var response = await Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", positions);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Position(string asset, DateTimeOffset time, double lat, double lon, double speedKn, double courseDeg) =>
        JsonSerializer.Serialize(new { asset, time = time.ToString("yyyy-MM-ddTHH:mm:ssZ"), lat, lon, speedKn, courseDeg, kind = "vessel" });

    /// <summary>A SignalR client over a raw WebSocket with a 4 KB receive buffer that subscribes and then never reads.</summary>
    private async Task<ClientWebSocket> ConnectWithoutReadingAsync(string scenario)
    {
        var socket = new ClientWebSocket();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await s.ConnectAsync(context.DnsEndPoint, cancellation);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        };
        var uri = new UriBuilder(new Uri(Server, "/hubs/live")) { Scheme = "ws", Query = $"access_token={TestKeys.Operator}" }.Uri;
        await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), CancellationToken.None);
        const char separator = '\u001e';
        var subscribe = JsonSerializer.Serialize(new { type = 1, target = "Subscribe", arguments = new[] { new { scenario } } });
        foreach (var message in new[] { """{"protocol":"json","version":1}""", subscribe })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message + separator), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        return socket;
    }
}
