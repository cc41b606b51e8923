using System.Net;
using BorderWatch.Tests.Alerts;
using BorderWatch.Tests.Api;
using BorderWatch.Contracts;
using BorderWatch.Tests.Infrastructure;
using BorderWatch.Tests.Live;
using Xunit.Abstractions;
using static BorderWatch.Tests.Api.ApiClient;

namespace BorderWatch.Tests.Faults;

/// <summary>
/// Crashes and outages with processes of their own: a server killed mid-stream, storage going away, a silo lost from a
/// two-silo cluster. Feeders retry what was not acknowledged, as real ones do; counts must come out exact.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Snapshots every 10 minutes: whatever counts after a crash came back from the journal.</summary>
    private static readonly Dictionary<string, string> SlowSnapshots = new() { ["BorderWatch:Counting:SnapshotInterval"] = "00:10:00" };

    [Fact]
    public async Task Kill_9_in_the_middle_of_concurrent_ingest_loses_nothing_acknowledged_and_retries_count_once()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var scenario = ClusterFixture.NewScenario();
        var feed = new Feed(scenario);

        await using (var server = await ServerProcess.StartAsync(azurite.ConnectionString, SlowSnapshots))
        {
            await server.Http.CreateScenarioAsync(scenario);
            using var stop = new CancellationTokenSource();
            var feeders = Enumerable.Range(0, 4).Select(f => feed.RunAsync(server.Http, f, stop.Token)).ToArray();
            await Eventually.HoldsAsync(() => Task.FromResult(feed.Acknowledged >= 40), "40 batches acknowledged");
            await server.KillAsync();                       // requests are in flight on all four feeders
            stop.Cancel();
            await Task.WhenAll(feeders);
        }
        output.WriteLine($"acknowledged {feed.Acknowledged} batches before kill -9, {feed.Unacknowledged.Count} in flight");

        await using var restarted = await ServerProcess.StartAsync(azurite.ConnectionString, SlowSnapshots);
        var (detections, _) = await restarted.Http.RouteTotalAsync(scenario, "eastern-med");
        Assert.InRange(detections, feed.Acknowledged * Feed.BatchSize, (feed.Acknowledged + feed.Unacknowledged.Count) * Feed.BatchSize);

        await feed.ResendUnacknowledgedAsync(restarted.Http);
        Assert.Equal(feed.Expected, await restarted.Http.RouteTotalAsync(scenario, "eastern-med"));
    }

    [Fact]
    public async Task Kill_9_after_positions_are_acknowledged_loses_none_of_them_and_a_resend_counts_once()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var scenario = ClusterFixture.NewScenario();
        // 40 vessels, 12 reports each, in 6 requests: acknowledged, and with no save asked for (SlowSnapshots) only in the journal.
        var lines = Enumerable.Range(0, 12).SelectMany(m => Enumerable.Range(0, 40).Select(v =>
            $$"""{"asset":"V-{{v}}","time":"{{T0.AddMinutes(m):O}}","lat":{{35 + v * 0.01 + m * 0.001:F4}},"lon":13.5,"speedKn":9,"kind":"vessel"}""")).ToArray();
        await using (var server = await ServerProcess.StartAsync(azurite.ConnectionString, SlowSnapshots))
        {
            await server.Http.CreateScenarioAsync(scenario);
            foreach (var request in lines.Chunk(80)) await server.Http.PostPositionsAsync(scenario, request);
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(azurite.ConnectionString, SlowSnapshots);
        for (var v = 0; v < 40; v++)
        {
            var track = await restarted.Http.GetJsonAsync($"/api/assets/V-{v}/track?scenario={scenario}");
            Assert.Equal(Enumerable.Range(0, 12).Select(m => T0.AddMinutes(m)), track["points"]!.AsArray().Select(p => p!["time"]!.GetValue<DateTimeOffset>()));
        }
        using var resent = await restarted.Http.PostNdjsonAsync($"/api/positions?scenario={scenario}", lines);
        var answer = System.Text.Json.Nodes.JsonNode.Parse(await resent.Content.ReadAsStringAsync());
        Assert.Equal((0, lines.Length), (answer!["accepted"]!.GetValue<int>(), answer["duplicates"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Kill_9_at_random_points_while_saves_compaction_and_checkpoints_run_loses_nothing_acknowledged()
    {
        const int seed = 1201, kills = 4;
        var random = new Random(seed);
        // Saves, checkpoints and compaction every second, in segments of a few kilobytes: a kill lands amid them.
        var busy = new Dictionary<string, string>
        {
            ["BorderWatch:Counting:SnapshotInterval"] = "00:00:01",
            ["BorderWatch:Counting:MaxUnsavedAge"] = "00:00:02",
            ["BorderWatch:Journal:StateSegmentBytes"] = "16384",
            ["BorderWatch:Journal:RecordSegmentBytes"] = "65536",
            ["BorderWatch:Journal:SealAfter"] = "00:00:00",
        };
        await using var azurite = await AzuriteInstance.StartAsync();
        var scenario = ClusterFixture.NewScenario();
        var feed = new Feed(scenario);
        for (var kill = 1; kill <= kills; kill++)
        {
            await using var server = await ServerProcess.StartAsync(azurite.ConnectionString, busy);
            if (kill == 1) await server.Http.CreateScenarioAsync(scenario);
            await feed.ResendUnacknowledgedAsync(server.Http);
            var (counted, _) = await server.Http.RouteTotalAsync(scenario, "eastern-med");
            Assert.Equal(feed.Expected.Detections, counted);
            using var stop = new CancellationTokenSource();
            var feeders = Enumerable.Range(0, 3).Select(f => feed.RunAsync(server.Http, f, stop.Token)).ToArray();
            var target = feed.Acknowledged + random.Next(10, 60);
            await Eventually.HoldsAsync(() => Task.FromResult(feed.Acknowledged >= target), $"{target} batches acknowledged");
            await Task.Delay(random.Next(0, 1500)); // anywhere in a second of saves and checkpoints
            await server.KillAsync();
            stop.Cancel();
            await Task.WhenAll(feeders);
            output.WriteLine($"kill {kill}: {feed.Acknowledged} batches acknowledged, {feed.Unacknowledged.Count} in flight");
        }

        await using var last = await ServerProcess.StartAsync(azurite.ConnectionString, busy);
        await feed.ResendUnacknowledgedAsync(last.Http);
        Assert.Equal(feed.Expected, await last.Http.RouteTotalAsync(scenario, "eastern-med"));
    }

    [Fact]
    public async Task With_storage_down_ingest_answers_503_and_a_client_that_retries_ends_with_exact_counts()
    {
        await using var azurite = await AzuriteInstance.StartAsync(onDisk: true);
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString);
        var scenario = await server.NewScenarioAsync();
        var feed = new Feed(scenario);
        Assert.True(await feed.SendAsync(server.Http, feed.NextBatch(0)));

        await azurite.StopAsync();
        var outage = feed.NextBatch(0);
        using (var response = await server.Http.PostNdjsonAsync($"/api/detections?scenario={scenario}", outage.Lines))
        {
            var body = await response.JsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, body.ToJsonString());
            Assert.Contains("Send the same batch again", body.Text("detail"));
        }
        // /health answers from a result at most 5 s old.
        await Eventually.HoldsAsync(async () =>
        {
            using var health = await server.Http.GetAsync("/health");
            return health.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "/health says storage is away", 20);

        await azurite.StartAgainAsync();
        // The client keeps retrying the batch it was refused, plus one more, until storage answers.
        await Eventually.HoldsAsync(() => feed.SendAsync(server.Http, outage), "the refused batch was accepted after storage came back", 120);
        Assert.True(await feed.SendAsync(server.Http, feed.NextBatch(0)));
        Assert.Equal(feed.Expected, await server.Http.RouteTotalAsync(scenario, "eastern-med"));
    }

    [Fact]
    public async Task A_two_silo_cluster_on_table_clustering_survives_losing_a_silo_with_counts_exact()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var cluster = new Dictionary<string, string>
        {
            ["Orleans:ClusterId"] = "faults-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:Clustering:ProviderType"] = "AzureTableStorage",
            ["Orleans:Clustering:ServiceKey"] = "storage",
            // Notice a dead silo in seconds, not Orleans' production default of about a minute.
            ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
            ["Orleans:Membership:NumMissedProbesLimit"] = "2",
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
        };
        var frontEndSettings = new Dictionary<string, string>(cluster) { ["BorderWatch:Role"] = "Client" };
        await using var siloA = await ServerProcess.StartAsync(azurite.ConnectionString, cluster);
        await using var siloB = await ServerProcess.StartAsync(azurite.ConnectionString, cluster);
        await using var frontEnd = await ServerProcess.StartAsync(azurite.ConnectionString, frontEndSettings);

        var scenario = await frontEnd.NewScenarioAsync();
        var feed = new Feed(scenario);
        await using var dashboard = await DashboardClient.SubscribeAsync(frontEnd.Address, new Subscription(scenario));
        // Batches over five sectors of the route: with the route, scenario and alert grains, grains on both silos.
        for (var i = 0; i < 20; i++) Assert.True(await feed.SendAsync(frontEnd.Http, feed.NextBatch(i)));
        Assert.Equal(feed.Expected, await frontEnd.Http.RouteTotalAsync(scenario, "eastern-med"));

        await siloA.KillAsync();
        for (var i = 0; i < 20; i++)
        {
            var batch = feed.NextBatch(i);
            await Eventually.HoldsAsync(() => feed.SendAsync(frontEnd.Http, batch), $"batch {i} accepted by the surviving silo", 120);
        }
        // A read may find a grain still listed on the dead silo once (503, try again), never a wrong count.
        foreach (var server in new[] { frontEnd, siloB })
        {
            (long, long) counted = default;
            await Eventually.HoldsAsync(async () =>
            {
                try
                {
                    counted = await server.Http.RouteTotalAsync(scenario, "eastern-med");
                    return true;
                }
                catch (Exception e) when (e.Message.Contains(": 503 "))
                {
                    return false;
                }
            }, "the route's counts could be read", 60);
            Assert.Equal(feed.Expected, counted);
        }
        // The dashboard on the front end heard of it all through the surviving silo, sooner than the periodic refresh
        // (30 s) would have told it: reads in flight to the dead silo are given up, the directory's loss is caught up.
        await dashboard.WaitUntilAsync(d => d.Routes.TryGetValue("eastern-med", out var r) && r.Counts.AllTime.Detections == feed.Expected.Detections, TimeSpan.FromSeconds(15));
    }

    /// <summary>A feeder's batches, what was acknowledged, and what has to be sent again.</summary>
    private sealed class Feed(string scenario)
    {
        public const int BatchSize = 50;

        // Eastern Mediterranean hotspots: several sectors, so several grains.
        private static readonly (double Lat, double Lon)[] Places = [(39.11, 26.55), (37.75, 26.98), (36.90, 27.30), (37.95, 27.00), (41.70, 26.35)];
        private int _next;
        private readonly List<Batch> _sent = [];

        public sealed record Batch(string[] Lines, int Persons);

        public int Acknowledged { get { lock (_sent) return _sent.Count; } }
        public List<Batch> Unacknowledged { get; } = [];
        public (long Detections, long Persons) Expected { get { lock (_sent) return (_sent.Count * (long)BatchSize, _sent.Sum(b => (long)b.Persons)); } }

        public Batch NextBatch(int place)
        {
            var n = Interlocked.Increment(ref _next);
            var (lat, lon) = Places[place % Places.Length];
            var lines = Enumerable.Range(0, BatchSize).Select(i => Detection($"f-{n}-{i}", T0.AddMinutes(n * 7 + i), lat, lon, 1 + (n + i) % 9)).ToArray();
            return new Batch(lines, Enumerable.Range(0, BatchSize).Sum(i => 1 + (n + i) % 9));
        }

        /// <summary>True when the server acknowledged the whole batch (accepted now or before).</summary>
        public async Task<bool> SendAsync(HttpClient http, Batch batch)
        {
            try
            {
                using var response = await http.PostNdjsonAsync($"/api/detections?scenario={scenario}", batch.Lines);
                if (!response.IsSuccessStatusCode) return false;
                var body = await response.JsonAsync();
                Assert.Equal(BatchSize, body["accepted"]!.GetValue<int>() + body["duplicates"]!.GetValue<int>());
                lock (_sent) _sent.Add(batch);
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        public async Task RunAsync(HttpClient http, int feeder, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = NextBatch(feeder);
                if (await SendAsync(http, batch)) continue;
                lock (Unacknowledged) Unacknowledged.Add(batch);
                return;
            }
        }

        public async Task ResendUnacknowledgedAsync(HttpClient http)
        {
            foreach (var batch in Unacknowledged) Assert.True(await SendAsync(http, batch));
            Unacknowledged.Clear();
        }
    }
}
