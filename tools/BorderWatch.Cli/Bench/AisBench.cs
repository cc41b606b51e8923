using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using BorderWatch.Ais;
using BorderWatch.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// AIS end to end: tagged class A sentences of a fleet of vessels over HTTP and over the server's TCP source, the
/// memory a vessel takes with its static data, and POST-to-dashboard latency of an AIS position under a steady feed.
/// </summary>
public sealed class AisBench(Action<string> progress)
{
    public const string TcpScenario = "bench-ais-tcp";
    private const uint FirstMmsi = 200_000_000;
    private static readonly DateTimeOffset Start = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>What the server is started with for the TCP measure: a source that connects to the bench.</summary>
    public static Dictionary<string, string> Settings(TcpListener receiver) => new()
    {
        ["BorderWatch:Ais:Sources:0:Name"] = "bench",
        ["BorderWatch:Ais:Sources:0:Tcp"] = $"127.0.0.1:{((System.Net.IPEndPoint)receiver.LocalEndpoint).Port}",
        ["BorderWatch:Ais:Sources:0:Scenario"] = TcpScenario,
    };

    /// <summary>
    /// Sentences k = first .. first + count of a fleet reporting in turn: vessel k mod <paramref name="vessels"/>,
    /// round k / vessels, each round 10 s of tag-block time on, the vessel moving along.
    /// </summary>
    public static string Sentences(long first, int count, int vessels)
    {
        var text = new StringBuilder(count * 64);
        for (var k = first; k < first + count; k++)
        {
            var (vessel, round) = ((int)(k % vessels), k / vessels);
            var time = Start.AddSeconds(round * 10 + vessel % 10);
            var report = new PositionReport(1, FirstMmsi + (uint)vessel, AisClass.A, 0, 0, 12.5, true,
                10 + vessel % 100 * 0.1 + round * 1e-4, 33 + vessel / 100 % 50 * 0.1, round * 7 % 360, (int)(round * 7 % 360), time.Second);
            foreach (var line in AisWriter.Position(report, time)) text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Each vessel's static and voyage data (two sentences each).</summary>
    public static string Voyages(int first, int count)
    {
        var text = new StringBuilder(count * 200);
        for (var v = first; v < first + count; v++)
        {
            var report = new StaticReport(5, FirstMmsi + (uint)v, AisClass.A)
            {
                Imo = 9_000_000 + (uint)v, CallSign = $"B{v:D5}", Name = $"BENCH VESSEL {v}", ShipType = 70, ToBow = 150, ToStern = 30,
                ToPort = 15, ToStarboard = 15, DraughtM = 9.5, Destination = "PORT SAID", Eta = new Eta(6, 3, 12, 0),
            };
            foreach (var line in AisWriter.Voyage(report, Start, v % 10)) text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>First reports and static data of a fleet: new vessels 1,000 to a request, as the scenario's per-request limit wants.</summary>
    public async Task CreateFleetAsync(HttpClient http, string scenario, int vessels, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, (vessels + 999) / 1000), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellation }, async (n, token) =>
        {
            var count = Math.Min(1000, vessels - n * 1000);
            await PostAsync(http, scenario, Sentences(n * 1000, count, vessels) + Voyages(n * 1000, count), token);
        });
        progress($"{vessels:N0} vessels with their static data in {clock.Elapsed.TotalSeconds:N1} s");
    }

    private static async Task PostAsync(HttpClient http, string scenario, string body, CancellationToken cancellation)
    {
        using var response = await http.PostAsync($"/api/ais?scenario={scenario}", new StringContent(body, Encoding.ASCII, "text/plain"), cancellation);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Sentences/s accepted from the server's TCP source: the bench writes as fast as the server reads (TCP holds it
    /// back while a batch becomes durable); the rate is the source's accepted count over the window.
    /// </summary>
    public async Task<double> TcpAsync(HttpClient http, TcpListener receiver, int vessels, TimeSpan warmup, TimeSpan window, CancellationToken cancellation)
    {
        await ScenarioClient.CreateAsync(http, TcpScenario, "bench: AIS over TCP", cancellation);
        using var connection = await receiver.AcceptTcpClientAsync(cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        var stream = connection.GetStream();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // The vessels' first reports go at the pace of a request's new-asset limit; then the feed runs flat out.
        var writer = Task.Run(async () =>
        {
            var k = 0L;
            var first = Encoding.ASCII.GetBytes(Sentences(0, vessels, vessels));
            for (var at = 0; at < first.Length; at += 64 * 1024)
            {
                await stream.WriteAsync(first.AsMemory(at, Math.Min(64 * 1024, first.Length - at)), stop.Token);
            }
            for (k = vessels; !stop.IsCancellationRequested; k += 5_000)
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Sentences(k, 5_000, vessels)), stop.Token);
        }, stop.Token);
        await Task.Delay(warmup, cancellation);
        var (before, from) = (await AcceptedAsync(http), Stopwatch.StartNew());
        await Task.Delay(window, cancellation);
        var (after, seconds) = (await AcceptedAsync(http), from.Elapsed.TotalSeconds);
        await stop.CancelAsync();
        try { await writer; } catch (OperationCanceledException) { } catch (IOException) { }
        return (after - before) / seconds;
    }

    private static async Task<long> AcceptedAsync(HttpClient http)
    {
        var sources = JsonNode.Parse(await http.GetStringAsync("/api/ais/sources"))!.AsArray();
        return sources.Single(s => s!["scenario"]!.GetValue<string>() == TcpScenario)!["accepted"]!.GetValue<long>();
    }

    /// <summary>
    /// POST-to-dashboard latency of an AIS position: <paramref name="rate"/> sentences/s over the fleet in 50 posts a
    /// second, each with one position of one of 100 probe vessels in turn (each reports every 2 s, as a class A ship
    /// under way may); timed from the start of each POST until a dashboard subscribed to the scenario is sent that
    /// probe at that report's time (or a later one).
    /// </summary>
    /// <param name="first">The first sentence number of the fleet's feed: after what the earlier measures sent, so the fleet reports on without a gap.</param>
    public async Task<Latency?> LatencyAsync(HttpClient http, IHubConnectionBuilder hubBuilder, string scenario, int vessels, int rate, int seconds, long first,
        CancellationToken cancellation)
    {
        const int PerSecond = 50, Probes = 100;
        const uint FirstProbe = 999_000_000;
        var perBatch = Math.Max(1, rate / PerSecond - 1);
        var batches = seconds * PerSecond;
        var (sentAt, heardAt) = (new long[batches], new long[batches]);
        var heard = 0;
        var clock = Stopwatch.StartNew();
        var probeStart = Start.AddSeconds((first / vessels + 1) * 10); // the fleet's clock, where the feed has got to
        await using var hub = hubBuilder.Build();
        hub.On<DashboardChanges>(nameof(IDashboardClient.Changed), update =>
        {
            var now = clock.ElapsedTicks;
            lock (heardAt)
            {
                foreach (var item in update.Assets)
                {
                    if (!uint.TryParse(item.Asset, out var mmsi) || mmsi < FirstProbe || mmsi >= FirstProbe + Probes) continue;
                    // Probe report b is vessel b mod 100 at second b: this one and its earlier reports have been seen.
                    for (var b = (int)(item.Latest.Time - probeStart).TotalSeconds; b >= 0; b -= Probes)
                    {
                        if (b >= batches || sentAt[b] == 0) continue;
                        if (heardAt[b] != 0) break;
                        heardAt[b] = now;
                        heard++;
                    }
                }
            }
        });
        await hub.StartAsync(cancellation);
        await hub.InvokeAsync("Subscribe", new Subscription(scenario), cancellation);
        // The probes exist before they are timed: a vessel's first report also activates and stores its grain.
        await PostAsync(http, scenario, string.Concat(Enumerable.Range(0, Probes).Select(p => string.Join('\n',
            AisWriter.Position(new PositionReport(1, FirstProbe + (uint)p, AisClass.A, 0, 0, 10, true, 12.6 + p * 0.01, 35.5, 90, 90, 0), probeStart.AddMinutes(-1))) + "\n")), cancellation);

        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / PerSecond));
        var posts = new List<Task>();
        for (var b = 0; b < batches && await ticker.WaitForNextTickAsync(cancellation); b++)
        {
            var time = probeStart.AddSeconds(b);
            var probe = new PositionReport(1, FirstProbe + (uint)(b % Probes), AisClass.A, 0, 0, 10, true, 12.6 + b % Probes * 0.01, 35.5, 90, 90, time.Second);
            var body = Sentences(first + (long)b * perBatch, perBatch, vessels) + string.Join('\n', AisWriter.Position(probe, time)) + "\n";
            lock (heardAt) sentAt[b] = clock.ElapsedTicks;
            posts.Add(PostAsync(http, scenario, body, cancellation));
            if (b % PerSecond == PerSecond - 1) progress($"{(b + 1) / PerSecond,3} s: {(b + 1) * (perBatch + 1),9:N0} sentences sent, {Volatile.Read(ref heard),5:N0} probes seen on the dashboard");
        }
        await Task.WhenAll(posts);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Volatile.Read(ref heard) < batches && DateTime.UtcNow < deadline) await Task.Delay(50, cancellation);
        lock (heardAt) return Latency.Of(Enumerable.Range(0, batches).Where(b => heardAt[b] != 0).Select(b => (heardAt[b] - sentAt[b]) * 1000.0 / Stopwatch.Frequency));
    }
}
