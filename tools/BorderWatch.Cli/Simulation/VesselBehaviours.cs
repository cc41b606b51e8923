using System.Globalization;
using BorderWatch.Feeds;
using BorderWatch.Geography;

namespace BorderWatch.Cli.Simulation;

/// <summary>
/// A behaviour put into a feed: which rule should fire on it (<c>dark</c>, <c>encounter</c>, <c>loitering</c>), for
/// which vessels, from what event time on, and where. Kept as NAME.behaviours.csv beside the feed, for backtest.
/// </summary>
public sealed record StagedBehaviour(string Kind, string[] Assets, DateTimeOffset Expected, double Lat, double Lon, string Name)
{
    public static string PathBeside(string feed) => Backtest.Label.PathBeside(feed, ".behaviours.csv");

    public static void Write(string path, IEnumerable<StagedBehaviour> staged) =>
        File.WriteAllLines(path, ["kind,assets,expected,lat,lon,name", .. staged.Select(b => string.Create(CultureInfo.InvariantCulture,
            $"{b.Kind},{string.Join(' ', b.Assets)},{b.Expected:yyyy-MM-ddTHH:mm:ssZ},{b.Lat:0.####},{b.Lon:0.####},{b.Name}"))]);

    public static List<StagedBehaviour> Read(string path) =>
    [
        .. File.ReadLines(path).Skip(1).Where(l => l.Trim().Length > 0).Select((line, i) =>
        {
            var c = line.Split(',', 6);
            if (c.Length < 6 || !DateTimeOffset.TryParse(c[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expected))
                throw new FormatException($"{path}:{i + 2}: expected kind,assets,expected,lat,lon,name");
            return new StagedBehaviour(c[0], c[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), expected,
                double.Parse(c[3], CultureInfo.InvariantCulture), double.Parse(c[4], CultureInfo.InvariantCulture), c[5]);
        }),
    ];
}

/// <summary>
/// What `simulate --behaviours` adds to a month, as JSON positions of kind <c>vessel</c>, one of each on its route:
/// a boat that goes dark off Zuwara and reappears near Lampedusa 12 h later (Central Mediterranean, the 10th);
/// a mother ship waiting south of Crete (it loiters), met by two fast boats for 90 min (Eastern Mediterranean, the
/// 11th); a fishing boat loitering for 4 h off Nouadhibou, then home (Western African, the 12th): days the demo
/// (10-14 September) holds. Figures are the rules' defaults with a margin.
/// </summary>
public sealed class VesselBehaviours(SectorCatalogue catalogue)
{
    private static readonly TimeSpan DarkAfter = TimeSpan.FromHours(1), EncounterFor = TimeSpan.FromMinutes(30), LoiterFor = TimeSpan.FromHours(2);
    // Alongside for less than LoiterFor: the boats meet the mother ship; they do not loiter themselves.
    private static readonly TimeSpan Together = TimeSpan.FromMinutes(90);

    private readonly record struct Fix(DateTimeOffset Time, double Lat, double Lon, double Knots, double Course);

    public (IEnumerable<SimRecord> Records, IEnumerable<StagedBehaviour> Staged) Month(string route, DateOnly month)
    {
        var start = new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var tag = $"{month:yyyyMM}";
        return route switch
        {
            "central-med" => Dark(route, tag, start.AddDays(9).AddHours(1)),
            "eastern-med" => Encounter(route, tag, start.AddDays(10).AddHours(2)),
            "western-african" => Loitering(route, tag, start.AddDays(11).AddHours(4)),
            _ => ([], []),
        };
    }

    private (IEnumerable<SimRecord>, IEnumerable<StagedBehaviour>) Dark(string route, string tag, DateTimeOffset at)
    {
        var (zuwara, lampedusa) = (Inside("zuwara"), Inside("lampedusa"));
        var asset = $"sim-dark-{tag}";
        var out1 = Leg(at, zuwara, (zuwara.Lat + 0.12, zuwara.Lon), TimeSpan.FromHours(1), TimeSpan.FromMinutes(10));
        var silentFrom = out1[^1];
        var back = Leg(silentFrom.Time.AddHours(12), (lampedusa.Lat - 0.15, lampedusa.Lon), lampedusa, TimeSpan.FromHours(1), TimeSpan.FromMinutes(10));
        var staged = new StagedBehaviour("dark", [asset], silentFrom.Time + DarkAfter, silentFrom.Lat, silentFrom.Lon,
            "went dark off Zuwara for 12 h, back near Lampedusa");
        return (Positions(route, asset, Stop([.. out1, .. back])), [staged]);
    }

    private static (IEnumerable<SimRecord>, IEnumerable<StagedBehaviour>) Encounter(string route, string tag, DateTimeOffset at)
    {
        // 50 km south of Crete, 70 km from Gavdos: open sea. The boats lie 300 m either side of the mother ship, so
        // each meets the mother and the two (600 m apart) do not meet each other; then they land 20 km apart near
        // Ierapetra. The mother ship drifts on, and is still there when the feed's reports of it end.
        var (mother, a, b) = ($"sim-mother-{tag}", $"sim-boat-a-{tag}", $"sim-boat-b-{tag}");
        (double Lat, double Lon) meet = (34.55, 24.9);
        var every = TimeSpan.FromMinutes(5);
        var alongside = at.AddHours(1);
        var north = 300 / 111_000.0;
        var motherFixes = Leg(at, meet, (meet.Lat, meet.Lon + 0.004), TimeSpan.FromHours(4), every);
        IEnumerable<Fix> Boat(double side, (double Lat, double Lon) from) =>
        [
            .. Leg(at, from, (meet.Lat + side, meet.Lon), TimeSpan.FromHours(1) - every, every),
            .. Leg(alongside, (meet.Lat + side, meet.Lon), (meet.Lat + side, meet.Lon + 0.002), Together, every),
            .. Stop(Leg(alongside + Together + every, (meet.Lat + side, meet.Lon + 0.002), (34.98, 25.75 + Math.Sign(side) * 0.1), TimeSpan.FromHours(2), every)),
        ];
        var records = Positions(route, mother, motherFixes).Concat(Positions(route, a, Boat(north, (meet.Lat - 0.22, meet.Lon))))
            .Concat(Positions(route, b, Boat(-north, (meet.Lat - 0.1, meet.Lon + 0.25))));
        var expected = alongside + EncounterFor;
        return (records,
        [
            new StagedBehaviour("encounter", [mother, a], expected, meet.Lat, meet.Lon, "mother ship met by a fast boat south of Crete"),
            new StagedBehaviour("encounter", [mother, b], expected, meet.Lat, meet.Lon, "mother ship met by a second fast boat south of Crete"),
            new StagedBehaviour("loitering", [mother], at + LoiterFor, meet.Lat, meet.Lon, "mother ship waiting 4 h south of Crete"),
        ]);
    }

    private static (IEnumerable<SimRecord>, IEnumerable<StagedBehaviour>) Loitering(string route, string tag, DateTimeOffset at)
    {
        // 55 km west of Cap Blanc: a slow zig-zag of 4 h at about 1 kn, then away west at 9 kn.
        var asset = $"sim-loiter-{tag}";
        (double Lat, double Lon) spot = (20.6, -17.6);
        var every = TimeSpan.FromMinutes(10);
        List<Fix> fixes = [];
        var here = spot;
        for (var leg = 0; leg < 4; leg++)
        {
            var next = (Lat: spot.Lat + (leg % 2 == 0 ? 0.01 : 0), Lon: spot.Lon + (leg < 2 ? 0.01 : 0));
            fixes.AddRange(Leg(at.AddHours(leg), here, next, TimeSpan.FromHours(1) - every, every));
            here = next;
        }
        fixes.AddRange(Leg(at.AddHours(4), here, (20.9, -17.05), TimeSpan.FromHours(2), every));   // home to Nouadhibou
        return (Positions(route, asset, Stop(fixes)), [new StagedBehaviour("loitering", [asset], at + LoiterFor, spot.Lat, spot.Lon, "loitering 4 h off Nouadhibou")]);
    }

    /// <summary>
    /// The fixes and, 10 minutes after the last, one stopped there: a boat that lands or moors says so, where one
    /// whose reports end under way has gone dark.
    /// </summary>
    private static List<Fix> Stop(List<Fix> fixes) => [.. fixes, fixes[^1] with { Time = fixes[^1].Time.AddMinutes(10), Knots = 0 }];

    /// <summary>Fixes every <paramref name="every"/> from one point to another, both ends included, at the speed that takes.</summary>
    private static List<Fix> Leg(DateTimeOffset from, (double Lat, double Lon) a, (double Lat, double Lon) b, TimeSpan take, TimeSpan every)
    {
        var knots = GreatCircle.Km(a.Lat, a.Lon, b.Lat, b.Lon) / GreatCircle.KmPerNauticalMile / take.TotalHours;
        var course = GreatCircle.Bearing(a.Lat, a.Lon, b.Lat, b.Lon);
        var steps = (int)(take / every);
        return [.. Enumerable.Range(0, steps + 1).Select(i => new Fix(from + every * i, a.Lat + (b.Lat - a.Lat) * i / steps, a.Lon + (b.Lon - a.Lon) * i / steps, knots, course))];
    }

    private static IEnumerable<SimRecord> Positions(string route, string asset, IEnumerable<Fix> fixes) => fixes.Select(f =>
        new SimRecord(f.Time, route, RecordType.Position, 0, string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"position","asset":"{{asset}}","time":"{{f.Time:yyyy-MM-ddTHH:mm:ssZ}}","lat":{{f.Lat:0.#####}},"lon":{{f.Lon:0.#####}},"speedKn":{{f.Knots:0.#}},"courseDeg":{{f.Course:0}},"kind":"vessel"}"""), 1));

    private (double Lat, double Lon) Inside(string sector)
    {
        var point = (catalogue.FindSector(sector) ?? throw new InvalidOperationException($"The catalogue has no sector '{sector}'.")).Geometry.InteriorPoint;
        return (point.Y, point.X);
    }
}
