using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Counting;
using BorderWatch.Server.Ingest;
using Microsoft.Extensions.Options;

namespace BorderWatch.Benchmarks;

/// <summary>
/// The per-record work of ingest, one record per operation: parsing and validating a detection line, placing it in
/// its sector (point in polygon), adding it to the event-time buckets.
/// </summary>
[MemoryDiagnoser]
public class HotPaths
{
    private SectorCatalogue _catalogue = null!;
    private RecordParser _parser = null!;
    private byte[][] _lines = null!;
    private (double Lat, double Lon)[] _points = null!;
    private BucketCounters _counters = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _catalogue = SectorCatalogue.Load(Path.Combine(AppContext.BaseDirectory, "Catalogue", "sectors.geojson"));
        _parser = new RecordParser(_catalogue, TimeProvider.System, Options.Create(new IngestOptions()));
        var random = new Random(1);
        // Points over the Mediterranean and the eastern land borders: some in small sectors, some in route areas, some in none.
        _points = [.. Enumerable.Range(0, 4096).Select(_ => (30 + random.NextDouble() * 30, -20 + random.NextDouble() * 50))];
        var start = new DateTimeOffset(2023, 9, 12, 0, 0, 0, TimeSpan.Zero);
        _lines = [.. _points.Select((p, i) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"id":"d-{{i}}","time":"{{start.AddSeconds(i):yyyy-MM-ddTHH:mm:ssZ}}","lat":{{p.Lat:F5}},"lon":{{p.Lon:F5}},"persons":{{1 + i % 40}},"kind":"boat"}""")))];
        _counters = new BucketCounters();
    }

    /// <summary>One NDJSON line to a validated detection, sector included (what the server does per line).</summary>
    [Benchmark]
    public Detection ParseDetection()
    {
        using var document = JsonDocument.Parse(_lines[_next++ & 4095]);
        _parser.TryDetection(1, document.RootElement, out var detection);
        return detection;
    }

    /// <summary>Point in polygon against the 46 sectors (STR-tree, smallest containing sector).</summary>
    [Benchmark]
    public string AssignSector()
    {
        var (lat, lon) = _points[_next++ & 4095];
        return _catalogue.Assign(lat, lon);
    }

    /// <summary>One detection into the minute, hour and day buckets of a sector.</summary>
    [Benchmark]
    public void UpdateBuckets() =>
        _counters.Add(new DateTimeOffset(2023, 9, 12, 0, 0, 0, TimeSpan.Zero).AddSeconds(_next++ % 86_400), new Tally(1, 7), Retention.Default);
}
