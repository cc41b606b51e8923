using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// `bench --soak DURATION`: BorderWatch under a steady operational load for a long while (2,000 detections/s over
/// every sector, 10,000 assets reporting every 10 s), read every minute: memory, storage, POST-to-dashboard p99.
/// What should stay flat after the first minutes is judged at the end.
/// </summary>
public sealed class Soak(Workloads load, Action<string> progress)
{
    private const string Scenario = "soak";
    private const int DetectionsPerSecond = 2_000, Assets = 10_000, ReportEvery = 10;
    private static readonly TimeSpan Settling = TimeSpan.FromMinutes(5);

    /// <summary>
    /// One minute's reading. Bytes written are the silo's journal appends; compaction and retention make at rest
    /// smaller. The id index is what the scenario remembers for dedup: it grows by design until the dedup window
    /// (30 days by default) is full, so memory is judged with and without it.
    /// </summary>
    public sealed record Minute(int At, double ResidentMb, double ManagedMb, double GcCommittedMb, double IdIndexMb, double AtRestMb, double WrittenMb, double ArchiveRawMb, double? P99Ms);

    public sealed record Verdicts(double? MemorySpread, double? MemorySpreadLessIds, double? StorageOverArchive, double? P99First, double? P99Last);

    public async Task<(List<Minute> Minutes, Verdicts Verdicts)> RunAsync(BenchCluster cluster, HttpClient http, TimeSpan duration, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        long rawBytes = 0;
        await ScenarioClient.CreateAsync(http, Scenario, "soak: detections and positions at a steady rate", cancellation);
        var feeds = Task.WhenAll(
            FeedAsync(http, "detections", s => load.Detections("soak", s, count: DetectionsPerSecond), b => Interlocked.Add(ref rawBytes, b), stop.Token),
            FeedAsync(http, "positions", s => load.Positions("soak", 0, Assets, first: s * (Assets / ReportEvery), count: Assets / ReportEvery), b => Interlocked.Add(ref rawBytes, b), stop.Token));

        var minutes = new List<Minute>();
        var clock = Stopwatch.StartNew();
        var previous = await BenchCluster.JournalWrittenAsync(http, Scenario) / 1e6;
        for (var m = 1; m <= (int)Math.Ceiling(duration.TotalMinutes); m++)
        {
            var next = TimeSpan.FromMinutes(m) - clock.Elapsed;
            if (next > TimeSpan.Zero) await Task.Delay(next, cancellation);
            if (feeds.IsFaulted) await feeds;
            var memory = await BenchCluster.SiloMemoryAsync(http);
            var storage = JsonNode.Parse(await http.GetStringAsync($"/api/scenarios/{Scenario}", cancellation))!["storage"]!;
            var (atRest, idIndex) = (storage["bytes"]!.GetValue<long>() / 1e6, storage["idBytes"]!.GetValue<long>() / 1e6);
            var probe = await LatencyProbe.MeasureAsync(http, cluster.Hub(), 500, 5, $"soak-latency-{m}", null, cancellation);
            var written = await BenchCluster.JournalWrittenAsync(http, Scenario) / 1e6;
            var minute = new Minute(m, memory.WorkingSet / 1e6, memory.Managed / 1e6, memory.GcCommitted / 1e6, idIndex, atRest, written - previous, Interlocked.Read(ref rawBytes) / 1e6, probe.Latency?.P99);
            previous = written;
            minutes.Add(minute);
            progress($"{m,4} min  resident {minute.ResidentMb,7:N0} MB  heap {minute.ManagedMb,6:N0} MB  GC committed {minute.GcCommittedMb,6:N0} MB  id index {idIndex,5:N0} MB  at rest {atRest,8:N0} MB  " +
                $"written {minute.WrittenMb,6:N1} MB/min  archive raw {minute.ArchiveRawMb,7:N0} MB  p99 {minute.P99Ms?.ToString("N0") ?? "-",5} ms");
        }
        await stop.CancelAsync();
        try { await feeds; } catch (OperationCanceledException) { }
        return (minutes, Judge(minutes));
    }

    /// <summary>After the first five minutes: memory's spread around its mean, storage growth against raw archive growth, p99 at both ends.</summary>
    private static Verdicts Judge(List<Minute> minutes)
    {
        var settled = minutes.Where(m => m.At >= Settling.TotalMinutes).ToList();
        if (settled.Count < 2) return new Verdicts(null, null, null, null, null); // too short to judge
        static double Spread(IReadOnlyList<double> values) => values.Max(v => Math.Abs(v - values.Average())) / values.Average();
        var (first, last) = (settled[0], settled[^1]);
        var storage = (last.AtRestMb - first.AtRestMb) / Math.Max(1e-9, last.ArchiveRawMb - first.ArchiveRawMb);
        return new Verdicts(Spread([.. settled.Select(m => m.ResidentMb)]), Spread([.. settled.Select(m => m.ResidentMb - m.IdIndexMb)]),
            storage, first.P99Ms, last.P99Ms);
    }

    /// <summary>Posts one batch a second, as a feeder on a schedule would; a late second is sent at once.</summary>
    private static async Task FeedAsync(HttpClient http, string path, Func<long, string> batch, Action<long> sent, CancellationToken cancellation)
    {
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            for (long s = 0; await ticker.WaitForNextTickAsync(cancellation); s++)
            {
                var body = batch(s);
                using var response = await http.PostAsync($"/api/{path}?scenario={Scenario}", new StringContent(body, Encoding.UTF8, "application/x-ndjson"), cancellation);
                response.EnsureSuccessStatusCode();
                sent(Encoding.UTF8.GetByteCount(body));
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { }
    }

    /// <summary>
    /// The readings as an SVG of four panels sharing the minute axis. Written by hand: four polylines need no
    /// charting library, and the one on offer here would bring native drawing code with it.
    /// </summary>
    public static string Chart(List<Minute> minutes)
    {
        (string Title, (string Name, string Colour, Func<Minute, double?> Value)[] Lines)[] panels =
        [
            ("memory, MB", [("resident", "#1f77b4", m => m.ResidentMb), ("managed heap", "#ff7f0e", m => m.ManagedMb), ("GC committed", "#8c564b", m => m.GcCommittedMb), ("id index", "#17becf", m => m.IdIndexMb)]),
            ("storage, MB", [("at rest", "#2ca02c", m => m.AtRestMb), ("archive, raw NDJSON", "#7f7f7f", m => m.ArchiveRawMb)]),
            ("written, MB/min", [("written", "#d62728", m => m.WrittenMb)]),
            ("POST to dashboard p99, ms", [("p99", "#9467bd", m => m.P99Ms)]),
        ];
        const int width = 720, height = 180, left = 60, right = 20, top = 24, bottom = 28;
        var svg = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height * panels.Length}" font-family="sans-serif" font-size="11">""");
        svg.Append($"""<rect width="{width}" height="{height * panels.Length}" fill="white"/>""");
        var last = Math.Max(1, minutes.Count == 0 ? 1 : minutes[^1].At);
        for (var p = 0; p < panels.Length; p++)
        {
            var (title, lines) = panels[p];
            var y0 = p * height;
            var values = minutes.SelectMany(m => lines.Select(l => l.Value(m))).OfType<double>().ToList();
            var max = values.Count == 0 ? 1 : Math.Max(1e-9, values.Max() * 1.1);
            double X(int minute) => left + (width - left - right) * minute / (double)last;
            double Y(double v) => y0 + height - bottom - (height - top - bottom) * v / max;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left}" y="{y0 + 16}" font-weight="bold">{title}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{Y(0):F1}" x2="{width - right}" y2="{Y(0):F1}" stroke="#999"/><line x1="{left}" y1="{y0 + top}" x2="{left}" y2="{Y(0):F1}" stroke="#999"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left - 4}" y="{y0 + top + 4}" text-anchor="end">{max / 1.1:N0}</text><text x="{left - 4}" y="{Y(0):F1}" text-anchor="end">0</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{width - right}" y="{Y(0) + 16:F1}" text-anchor="end">{last} min</text>""");
            for (var l = 0; l < lines.Length; l++)
            {
                var (name, colour, value) = lines[l];
                var points = string.Join(' ', minutes.Where(m => value(m) is not null).Select(m => string.Create(CultureInfo.InvariantCulture, $"{X(m.At):F1},{Y(value(m)!.Value):F1}")));
                svg.Append($"""<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>""");
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{width - right - 120 * (lines.Length - l)}" y="{y0 + 16}" fill="{colour}">{name}</text>""");
            }
        }
        return svg.Append("</svg>").ToString();
    }
}
