using System.IO.Compression;
using System.Globalization;
using System.Text.Json;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Replay;

/// <summary>Feed files for the replay tests: made by hand, or by `borderwatch simulate`.</summary>
public static class FeedFixtures
{
    /// <summary>The lines of a gzipped feed (the demo's), read as needed.</summary>
    public static IEnumerable<string> GzipLines(string feed)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(feed), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line) yield return line;
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "borderwatch-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Lampedusa detections, one every <paramref name="every"/>, persons 1, 2, 3...</summary>
    public static string Detections(string dir, int count, TimeSpan every, string name = "feed.ndjson")
    {
        var start = new DateTimeOffset(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);
        var path = Path.Combine(dir, name);
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new
        {
            type = "detection", id = $"h-{i}", time = (start + every * i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            lat = 35.5, lon = 12.6, persons = i + 1, kind = "boat",
        })));
        return path;
    }

    /// <summary>The per-route, per-month totals simulate wrote beside its feed.</summary>
    public static Dictionary<(string Route, string Month), (long Detections, long Persons, long Positions)> Totals(string csv) =>
        File.ReadLines(csv).Skip(1).Select(l => l.Split(','))
            .ToDictionary(c => (c[0], c[1]), c => (long.Parse(c[2]), long.Parse(c[3]), long.Parse(c[4])));

    /// <summary>A route's detections and persons per month, summed from the server's daily series.</summary>
    public static async Task<Dictionary<string, (long Detections, long Persons)>> MonthlyAsync(HttpClient http, string scenario, string route, DateTimeOffset from, DateTimeOffset to)
    {
        var series = await Api.ApiClient.GetJsonAsync(http, $"/api/routes/{route}/series?scenario={scenario}&bucket=day&from={from:yyyy-MM-dd}T00:00:00Z&to={to:yyyy-MM-dd}T00:00:00Z");
        return series["points"]!.AsArray()
            .GroupBy(p => p!["start"]!.GetValue<DateTimeOffset>().ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (g.Sum(p => p!["detections"]!.GetValue<long>()), g.Sum(p => p!["persons"]!.GetValue<long>())));
    }

    public static string Url(ServerFixture fixture) => fixture.Server.Address.ToString().TrimEnd('/');
}
