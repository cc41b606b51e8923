using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace BorderWatch.Cli.Bench;

/// <summary>
/// What BorderWatch costs to keep running, as bytes in storage: written per detection at steady state with a sector
/// that remembers a million ids, written per minute of a trickle into that sector (both as the silo counts its
/// journal appends, /api/diagnostics/storage), and at rest after the history replay (GET /api/scenarios/{name}).
/// Shard checkpoints (one small blob each, overwritten) are not in the figures.
/// </summary>
public static class Lasting
{
    private const string Scenario = "bench-lasting";
    private const string Sector = "lampedusa";
    private const int FillBatches = 200, SteadyBatches = 40;
    private static readonly TimeSpan BatchSpan = TimeSpan.FromHours(2.5); // 240 batches: 25 days, inside the 30-day window
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);    // longer than a snapshot interval: saves are counted

    public sealed record Figures(long Ids, double IdBytes, double BytesPerDetection, double LineBytes, double TrickleBytesPerMinute);

    public static async Task<Figures> MeasureAsync(HttpClient http, Workloads load, Action<string> progress, CancellationToken cancellation)
    {
        await ScenarioClient.CreateAsync(http, Scenario, "bench: storage per detection at steady state and trickle", cancellation);
        for (var n = 0; n < FillBatches; n++)
        {
            await PostAsync(http, load.Detections("fill", n, Sector, span: BatchSpan), cancellation);
            if ((n + 1) % 40 == 0) progress($"{(n + 1) * Workloads.BatchSize:N0} detections in sector {Sector}");
        }
        await Task.Delay(Settle, cancellation);
        var before = await BenchCluster.JournalWrittenAsync(http, Scenario);

        long lineBytes = 0;
        for (var n = FillBatches; n < FillBatches + SteadyBatches; n++)
        {
            var body = load.Detections("fill", n, Sector, span: BatchSpan);
            lineBytes += Encoding.UTF8.GetByteCount(body);
            await PostAsync(http, body, cancellation);
        }
        await Task.Delay(Settle, cancellation);
        var steady = await BenchCluster.JournalWrittenAsync(http, Scenario);
        var storage = await StorageAsync(http, cancellation);
        var detections = SteadyBatches * Workloads.BatchSize;
        progress($"steady state: {detections:N0} more detections wrote {steady - before:N0} bytes; {Ids(storage):N0} ids remembered");

        // One detection every 2 s for a minute; the sector saves every snapshot interval meanwhile.
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < 30; k++)
        {
            await PostAsync(http, load.Detections("trickle", FillBatches + SteadyBatches + k, Sector, count: 1, span: TimeSpan.FromMinutes(1)), cancellation);
            var next = TimeSpan.FromSeconds(2 * (k + 1)) - clock.Elapsed;
            if (next > TimeSpan.Zero) await Task.Delay(next, cancellation);
        }
        var trickle = await BenchCluster.JournalWrittenAsync(http, Scenario);
        var minutes = clock.Elapsed.TotalMinutes;
        progress($"trickle: 30 detections in {minutes * 60:N0} s wrote {trickle - steady:N0} bytes");

        return new Figures(Ids(storage), storage["idBytes"]!.GetValue<double>() / Math.Max(1, Ids(storage)),
            (steady - before) / (double)detections, lineBytes / (double)detections, (trickle - steady) / minutes);
    }

    /// <summary>Bytes at rest of a scenario, after its grains had time to save.</summary>
    public static async Task<long> AtRestAsync(HttpClient http, string scenario, CancellationToken cancellation)
    {
        await Task.Delay(Settle, cancellation);
        return Bytes(await StorageAsync(http, cancellation, scenario));
    }

    /// <summary>The feed's records as uncompressed NDJSON bytes.</summary>
    public static long RawBytes(string feed)
    {
        using var file = File.OpenRead(feed);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = gzip.Read(buffer)) > 0) total += read;
        return total;
    }

    private static long Bytes(JsonNode storage) => storage["bytes"]!.GetValue<long>();
    private static long Ids(JsonNode storage) => storage["idsRemembered"]!.GetValue<long>();

    private static async Task<JsonNode> StorageAsync(HttpClient http, CancellationToken cancellation, string scenario = Scenario) =>
        JsonNode.Parse(await http.GetStringAsync($"/api/scenarios/{scenario}", cancellation))!["storage"]!;

    private static async Task PostAsync(HttpClient http, string body, CancellationToken cancellation)
    {
        using var response = await http.PostAsync($"/api/detections?scenario={Scenario}", new StringContent(body, Encoding.UTF8, "application/x-ndjson"), cancellation);
        response.EnsureSuccessStatusCode();
    }
}
