using System.Diagnostics;
using System.Globalization;
using System.Text;
using BorderWatch.Geography;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// Synthetic feeds for the benchmark: detections spread over every sector (by coordinates, so the server places
/// them), and positions of a fleet of assets reporting in turn; each batch new ids, event time moving on.
/// </summary>
public sealed class Workloads(SectorCatalogue catalogue)
{
    public const int BatchSize = 5_000;
    private static readonly DateTimeOffset Start = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    // A point inside each sector (the smallest sector containing it is the sector itself for most of them).
    private readonly (double Lat, double Lon)[] _points =
        [.. catalogue.Sectors.Select(s => s.Geometry.InteriorPoint).Select(p => (p.Y, p.X))];

    /// <summary>
    /// Detection batch n: 5,000 records (or <paramref name="count"/>) spread over every sector, or all in one, each
    /// batch <paramref name="span"/> of event time (one second unless given).
    /// </summary>
    public string Detections(string run, long n, string? sector = null, int count = BatchSize, TimeSpan? span = null)
    {
        var body = new StringBuilder(count * 110);
        var ticks = (span ?? TimeSpan.FromSeconds(1)).Ticks;
        var only = sector is null ? -1 : catalogue.Sectors.ToList().FindIndex(s => s.Id == sector);
        for (var i = 0; i < count; i++)
        {
            var (lat, lon) = _points[only >= 0 ? only : (int)((n * count + i) % _points.Length)];
            var time = Start.AddTicks(n * ticks + i * ticks / count);
            body.Append(CultureInfo.InvariantCulture, $$"""{"id":"{{run}}-{{n}}-{{i}}","time":"{{time:yyyy-MM-ddTHH:mm:ss.fffZ}}","lat":{{lat:F5}},"lon":{{lon:F5}},"persons":{{1 + i % 30}},"kind":"boat"}""").Append('\n');
        }
        return body.ToString();
    }

    /// <summary>
    /// Position batch n of a fleet of <paramref name="assets"/>: the next 5,000 assets in turn, each a minute on from
    /// its last report (or, with <paramref name="first"/> and <paramref name="count"/>, those reports only).
    /// </summary>
    public string Positions(string run, long n, int assets, long first = 0, int count = BatchSize)
    {
        var body = new StringBuilder(count * 140);
        for (var i = 0; i < count; i++)
        {
            var k = first + n * BatchSize + i;
            var asset = k % assets;
            var round = k / assets;
            var (lat, lon) = _points[(int)(asset % _points.Length)];
            var time = Start.AddMinutes(round).AddMilliseconds(asset % 60_000);
            body.Append(CultureInfo.InvariantCulture, $$"""{"asset":"{{run}}-a{{asset}}","time":"{{time:yyyy-MM-ddTHH:mm:ss.fffZ}}","lat":{{lat + round * 1e-4:F5}},"lon":{{lon:F5}},"speedKn":12.5,"courseDeg":{{round * 7 % 360}},"kind":"vessel"}""").Append('\n');
        }
        return body.ToString();
    }

    /// <summary>
    /// Several feeders post batches back to back; they start no batch after <paramref name="warmup"/> +
    /// <paramref name="window"/>. Returns records accepted per second from the end of the warm-up to the last
    /// answer, each batch's records spread over the time it took (so slow batches are neither lost nor free).
    /// </summary>
    public static async Task<Throughput> ThroughputAsync(HttpClient http, string path, Func<long, string> batch, int feeders,
        TimeSpan warmup, TimeSpan window, Action<string> progress, CancellationToken cancellation, string mediaType = "application/x-ndjson",
        Func<Task<BenchCluster.RuntimeTotals>>? runtime = null)
    {
        long next = -1, failed = 0;
        var answered = new System.Collections.Concurrent.ConcurrentBag<(TimeSpan Start, TimeSpan End, long Accepted)>();
        var clock = Stopwatch.StartNew();
        var end = warmup + window;
        async Task FeedAsync()
        {
            while (clock.Elapsed < end && !cancellation.IsCancellationRequested)
            {
                var body = batch(Interlocked.Increment(ref next));
                var start = clock.Elapsed;
                try
                {
                    using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, mediaType), cancellation);
                    if (response.IsSuccessStatusCode) answered.Add((start, clock.Elapsed, AcceptedOf(await response.Content.ReadAsStringAsync(cancellation))));
                    else Interlocked.Increment(ref failed);
                }
                catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
                {
                    Interlocked.Increment(ref failed); // no answer within the client's timeout
                }
            }
        }
        using var report = new Timer(_ => progress($"{clock.Elapsed.TotalSeconds,5:0} s  {(clock.Elapsed > warmup && window > TimeSpan.Zero ? "measuring" : "warming up")}  {answered.Sum(a => a.Accepted):N0} accepted, {Interlocked.Read(ref failed)} failed batches"),
            null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        // The server's totals as the window opens and once the feeders stop: what the records of the window cost it.
        var opened = runtime is null ? null : Task.Delay(warmup, cancellation).ContinueWith(_ => (At: clock.Elapsed, Totals: runtime()), TaskScheduler.Default);
        await Task.WhenAll(Enumerable.Range(0, feeders).Select(_ => FeedAsync()));
        var closed = runtime is null ? null : await runtime();
        var closedAt = clock.Elapsed;

        if (answered.IsEmpty) return Throughput.None; // not one batch answered: the figure is 0, the progress lines say why
        var last = answered.Max(a => a.End);
        if (last <= warmup) return Throughput.None;
        double Records(TimeSpan from, TimeSpan to) => answered.Sum(a =>
        {
            var inWindow = (Min(a.End, to) - Max(a.Start, from)).TotalSeconds;
            return inWindow <= 0 ? 0 : a.Accepted * inWindow / Math.Max(1e-6, (a.End - a.Start).TotalSeconds);
        });
        var perSecond = Records(warmup, last) / (last - warmup).TotalSeconds;
        var accepted = answered.Sum(a => a.Accepted);
        if (opened is null || closed is null) return new Throughput(perSecond, null, null, accepted);
        var (openedAt, totals) = await opened;
        var start = await totals;
        var seconds = (closedAt - openedAt).TotalSeconds;
        var records = Math.Max(1, Records(openedAt, closedAt));
        return new Throughput(perSecond, (closed.Allocated - start.Allocated) / records, (closed.GcPauseSeconds - start.GcPauseSeconds) / seconds, accepted,
            (closed.CpuSeconds - start.CpuSeconds) * 1e6 / records);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public static long AcceptedOf(string answer)
    {
        using var json = System.Text.Json.JsonDocument.Parse(answer);
        return json.RootElement.GetProperty("accepted").GetInt64();
    }
}

/// <summary>Records a second, and what they cost the server: bytes it allocated a record, and the share of the time its GC paused it.</summary>
/// <remarks><paramref name="Accepted"/>: every record the server accepted, warm-up included.</remarks>
public sealed record Throughput(double PerSecond, double? BytesPerRecord, double? GcPauseShare, long Accepted = 0, double? CpuMicrosecondsPerRecord = null)
{
    public static readonly Throughput None = new(0, null, null);

    /// <summary>"3,120 B/record, 9.5 µs CPU/record, GC paused 9 % of the time": the medians of the runs.</summary>
    public static string Costs(IReadOnlyList<Throughput> runs)
    {
        var bytes = runs.Select(r => r.BytesPerRecord).OfType<double>().ToList();
        var cpu = runs.Select(r => r.CpuMicrosecondsPerRecord).OfType<double>().ToList();
        var pauses = runs.Select(r => r.GcPauseShare).OfType<double>().ToList();
        return bytes.Count == 0 ? "" : $"{Spread.Of(bytes).Median:N0} B/record, {Spread.Of(cpu).Median:N1} µs CPU/record, GC paused {Spread.Of(pauses).Median:P0} of the time";
    }
}

