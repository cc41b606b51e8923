using System.CommandLine;
using System.Diagnostics;
using System.Text;
using BorderWatch.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Cli;

/// <summary>
/// `borderwatch live-latency`: offers detections at a fixed rate to a fresh scenario and times each batch from the
/// start of its POST until a dashboard connection hears a sector count that includes it.
/// </summary>
public static class LiveLatency
{
    private const int BatchesPerSecond = 50;

    public static Command Command()
    {
        var server = new ServerOptions();
        var rate = new Option<int>("--rate") { Description = "Detections per second offered", DefaultValueFactory = _ => 1_000 };
        var seconds = new Option<int>("--seconds") { Description = "How long to offer them", DefaultValueFactory = _ => 20 };
        var scenario = new Option<string>("--scenario") { Description = "The scenario to fill (default: a new one); open the dashboard on it to watch" };
        var command = new Command("live-latency", "Latency from POST to a SignalR dashboard receiving the change, at a fixed rate") { rate, seconds, scenario };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            using var http = server.CreateClient(result, TimeSpan.FromSeconds(100));
            return await RunAsync(http, server.Hub(result), result.GetValue(rate), result.GetValue(seconds),
                result.GetValue(scenario) ?? $"latency-{DateTime.UtcNow:yyyyMMdd-HHmmss}", cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(HttpClient http, IHubConnectionBuilder hubBuilder, int rate, int seconds, string scenario, CancellationToken cancellation)
    {
        var perBatch = Math.Max(1, rate / BatchesPerSecond);
        var batches = seconds * BatchesPerSecond;
        var sentAt = new long[batches];          // Stopwatch ticks when each batch's POST began
        var latencies = new List<double>(batches);
        var heard = 0;                           // batches already timed
        var clock = Stopwatch.StartNew();

        await using var hub = hubBuilder.Build();
        hub.On<DashboardUpdate<CountsUpdate>>(nameof(IDashboardClient.SectorsChanged), update =>
        {
            var now = clock.ElapsedTicks;
            var counted = update.Items.FirstOrDefault(s => s.Id == "lampedusa")?.Counts.AllTime.Detections ?? 0;
            lock (latencies)
            {
                while (heard < batches && (heard + 1L) * perBatch <= counted && sentAt[heard] != 0)
                {
                    latencies.Add((now - sentAt[heard]) * 1000.0 / Stopwatch.Frequency);
                    heard++;
                }
            }
        });
        await hub.StartAsync(cancellation);
        await hub.InvokeAsync("Subscribe", new Subscription(scenario, Sectors: ["lampedusa"]), cancellation);
        Console.WriteLine($"Offering {perBatch * BatchesPerSecond:N0} detections/s for {seconds} s to scenario {scenario} on {http.BaseAddress}");

        var start = new DateTimeOffset(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / BatchesPerSecond));
        var posts = new List<Task<HttpResponseMessage>>();
        for (var b = 0; b < batches && await ticker.WaitForNextTickAsync(cancellation); b++)
        {
            var body = new StringBuilder();
            for (var i = 0; i < perBatch; i++)
            {
                var n = b * perBatch + i;
                body.Append($$"""{"id":"l-{{n}}","time":"{{start.AddMilliseconds(n * 1000.0 / rate):O}}","lat":35.5,"lon":12.6,"persons":1}""").Append('\n');
            }
            sentAt[b] = clock.ElapsedTicks;
            posts.Add(http.PostAsync($"/api/detections?scenario={scenario}", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"), cancellation));
            if (b % BatchesPerSecond == BatchesPerSecond - 1)
                Console.WriteLine($"  {(b + 1) / BatchesPerSecond,3} s: {(b + 1) * perBatch,9:N0} sent, {Volatile.Read(ref heard) * perBatch,9:N0} heard by the dashboard");
        }
        var offeredFor = clock.Elapsed;
        foreach (var response in await Task.WhenAll(posts))
        {
            if (!response.IsSuccessStatusCode) Console.Error.WriteLine($"POST failed: {(int)response.StatusCode}");
        }
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Volatile.Read(ref heard) < batches && DateTime.UtcNow < deadline) await Task.Delay(50, cancellation);

        double[] sorted;
        lock (latencies) sorted = [.. latencies.Order()];
        if (sorted.Length == 0)
        {
            Console.Error.WriteLine("The dashboard heard nothing.");
            return 1;
        }
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        Console.WriteLine($"Offered {batches * perBatch / offeredFor.TotalSeconds:N0} detections/s in {batches} batches of {perBatch}; {sorted.Length} batches heard");
        Console.WriteLine($"POST -> dashboard latency ms: p50 {P(0.50):N0}  p95 {P(0.95):N0}  p99 {P(0.99):N0}  max {sorted[^1]:N0}");
        return sorted.Length == batches ? 0 : 1;
    }
}
