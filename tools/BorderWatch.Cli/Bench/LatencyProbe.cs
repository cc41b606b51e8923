using System.Diagnostics;
using System.Text;
using BorderWatch.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace BorderWatch.Cli.Bench;

/// <summary>Percentiles of a set of measurements, in milliseconds.</summary>
public sealed record Latency(int Samples, double P50, double P95, double P99, double Max)
{
    public static Latency? Of(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0) return null;
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new Latency(sorted.Length, P(0.50), P(0.95), P(0.99), sorted[^1]);
    }
}

/// <summary>
/// End-to-end latency as an operator sees it: detections posted at a fixed rate into Lampedusa, timed from the
/// start of each POST until a dashboard subscribed over SignalR is sent a count that includes the batch.
/// </summary>
public static class LatencyProbe
{
    public const int BatchesPerSecond = 50;

    public sealed record Result(double OfferedPerSecond, int Batches, Latency? Latency);

    public static async Task<Result> MeasureAsync(HttpClient http, IHubConnectionBuilder hubBuilder, int rate, int seconds, string scenario,
        Action<string>? progress, CancellationToken cancellation)
    {
        var perBatch = Math.Max(1, rate / BatchesPerSecond);
        var batches = seconds * BatchesPerSecond;
        var sentAt = new long[batches];          // Stopwatch ticks when each batch's POST began
        var latencies = new List<double>(batches);
        var heard = 0;                           // batches already timed
        var clock = Stopwatch.StartNew();

        await ScenarioClient.CreateAsync(http, scenario, $"POST-to-dashboard latency at {rate:N0} detections/s", cancellation);
        await using var hub = hubBuilder.Build();
        hub.On<DashboardChanges>(nameof(IDashboardClient.Changed), update =>
        {
            var now = clock.ElapsedTicks;
            var counted = update.Sectors.FirstOrDefault(s => s.Id == "lampedusa")?.Counts.AllTime.Detections ?? 0;
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
                progress?.Invoke($"{(b + 1) / BatchesPerSecond,3} s: {(b + 1) * perBatch,9:N0} sent, {Volatile.Read(ref heard) * perBatch,9:N0} heard by the dashboard");
        }
        var offeredFor = clock.Elapsed;
        foreach (var response in await Task.WhenAll(posts))
        {
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
        }
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Volatile.Read(ref heard) < batches && DateTime.UtcNow < deadline) await Task.Delay(50, cancellation);

        lock (latencies) return new Result(batches * perBatch / offeredFor.TotalSeconds, batches, Latency.Of(latencies));
    }
}
