using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BorderWatch.Geography;
using BorderWatch.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using static BorderWatch.Tests.Replay.FeedFixtures;

namespace BorderWatch.Tests.Replay;

/// <summary>`borderwatch simulate`: figures, places and tracks a trainer can trust.</summary>
public sealed class SimulationTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_same_seed_gives_the_same_file_and_another_seed_another()
    {
        var dir = TempDirectory();
        string[] Args(int seed, string name) => ["simulate", "--from", "2023-11-01", "--to", "2023-11-07", "--seed", $"{seed}", "--out", Path.Combine(dir, name)];
        var runs = await Task.WhenAll(CliProcess.RunAsync(Minute, Args(3, "a.ndjson")), CliProcess.RunAsync(Minute, Args(3, "b.ndjson")), CliProcess.RunAsync(Minute, Args(4, "c.ndjson")));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Output));
        var a = File.ReadAllBytes(Path.Combine(dir, "a.ndjson"));
        Assert.True(a.Length > 10_000);
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(dir, "b.ndjson")));
        Assert.NotEqual(a, File.ReadAllBytes(Path.Combine(dir, "c.ndjson")));
    }

    [Fact]
    public async Task Whole_months_hold_exactly_Frontexs_persons_in_the_routes_own_sectors_in_time_order()
    {
        var dir = TempDirectory();
        var feed = Path.Combine(dir, "year.ndjson");
        var (code, output) = await CliProcess.RunAsync(Minute, "simulate", "--from", "2021-06", "--to", "2021-08", "--out", feed);
        Assert.True(code == 0, output);

        var frontex = File.ReadLines(Path.Combine(Paths.CliProject, "Simulation", "frontex-ibc-monthly-by-route.csv")).Skip(1)
            .Select(l => l.Split(',')).ToLookup(c => (c[0], c[1][..7]), c => long.Parse(c[2]));
        var totals = Totals(Path.Combine(dir, "year.totals.csv"));
        Assert.Equal(frontex[("Eastern Borders Route", "2021-07")].Single(), totals[("eastern-borders", "2021-07")].Persons);
        Assert.Equal(frontex[("Central Mediterranean Route", "2021-08")].Single(), totals[("central-med", "2021-08")].Persons);

        var catalogue = SectorCatalogue.Load(Paths.Catalogue);
        var persons = new Dictionary<(string, string), long>();
        var previous = DateTimeOffset.MinValue;
        var lithuania = 0L;
        var fixes = new HashSet<(string, DateTimeOffset)>();
        foreach (var line in File.ReadLines(feed))
        {
            var record = JsonNode.Parse(line)!;
            var time = DateTimeOffset.Parse(record["time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.True(time >= previous, $"out of time order: {line}");
            previous = time;
            if (record["type"]!.GetValue<string>() == "position")
            {
                Assert.True(fixes.Add((record["asset"]!.GetValue<string>(), time)), $"an asset in two places at once: {line}");
                continue;
            }
            var route = record["id"]!.GetValue<string>().Split('-', 2)[1][..^13]; // sim1-{route}-yyyyMM-nnnnn
            var sector = catalogue.Locate(record["lat"]!.GetValue<double>(), record["lon"]!.GetValue<double>());
            Assert.Equal(route, sector?.Info.Route);
            var key = (route, time.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            persons[key] = persons.GetValueOrDefault(key) + record["persons"]!.GetValue<int>();
            if (sector!.Id == "medininkai" && key.Item2 == "2021-07") lithuania += record["persons"]!.GetValue<int>();
        }
        Assert.Equal(totals.Where(t => t.Value.Persons > 0).ToDictionary(t => t.Key, t => t.Value.Persons), persons);
        // July 2021 was Lithuania's month: most of that route's crossings are at its Belarus border.
        Assert.True(lithuania > totals[("eastern-borders", "2021-07")].Persons / 2, $"{lithuania} in Medininkai");
    }

    [Fact]
    public void Vessel_patrol_tracks_and_shipping_lanes_never_cross_land()
    {
        // Land polygon by polygon: the whole multipolygon is not valid where it meets the antimeridian.
        var land = Enumerable.Range(0, NaturalEarthLand().NumGeometries).Select(NaturalEarthLand().GetGeometryN).ToList();
        var factory = new GeometryFactory();
        var tracks = new List<(string Id, JsonNode Path, bool Loop)>();
        foreach (var (_, assets) in JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.CliProject, "Simulation", "patrols.json")))!.AsObject())
            foreach (var asset in assets!.AsArray().Where(a => a!["kind"]!.GetValue<string>() == "vessel"))
                tracks.Add((asset!["id"]!.GetValue<string>(), asset["path"]!, asset["loop"]?.GetValue<bool>() != false));
        var patrols = tracks.Count;
        foreach (var (_, lanes) in JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.CliProject, "Simulation", "lanes.json")))!.AsObject())
            foreach (var lane in lanes!.AsArray()) tracks.Add((lane!["id"]!.GetValue<string>(), lane["path"]!, false));
        foreach (var (id, path, loop) in tracks)
        {
            var points = path.AsArray().Select(p => new Coordinate(p![0]!.GetValue<double>(), p[1]!.GetValue<double>())).ToList();
            if (loop) points.Add(points[0]);
            var track = factory.CreateLineString([.. points]);
            var crossed = land.FirstOrDefault(l => l.EnvelopeInternal.Intersects(track.EnvelopeInternal) && l.Intersects(track));
            Assert.True(crossed is null, $"{id} crosses land at {crossed?.Intersection(track).Centroid}");
        }
        Assert.True(patrols >= 10 && tracks.Count - patrols >= 5);
    }

    /// <summary>Natural Earth's 1:10m land (world-atlas, through topojson-client, both from the server's npm packages).</summary>
    private static Geometry NaturalEarthLand() => Land.Value;

    private static readonly Lazy<Geometry> Land = new(ReadLand);

    private static Geometry ReadLand()
    {
        var node = new ProcessStartInfo("node") { WorkingDirectory = Paths.ServerProject, RedirectStandardOutput = true };
        node.ArgumentList.Add("-e");
        node.ArgumentList.Add("const t = require('topojson-client'), w = require('world-atlas/land-10m.json'); process.stdout.write(JSON.stringify(t.feature(w, w.objects.land).features[0].geometry));");
        using var process = Process.Start(node)!;
        var geoJson = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory());
        return JsonSerializer.Deserialize<Geometry>(geoJson, options)!;
    }
}
