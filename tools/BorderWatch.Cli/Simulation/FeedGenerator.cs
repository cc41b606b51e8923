using System.Globalization;
using BorderWatch.Ais;
using BorderWatch.Feeds;
using BorderWatch.Geography;

namespace BorderWatch.Cli.Simulation;

/// <summary>A generated record: its text (a JSON line, or an AIS message's NMEA lines) and what the totals need.</summary>
public sealed record SimRecord(DateTimeOffset Time, string Route, RecordType Type, int Persons, string Text, int Positions);

/// <summary>
/// Generates a month of a route: exactly Frontex's persons for it, in detections of route-typical size, on days
/// weighted by weather spells and known surges, at hours typical of sea or land crossings, inside the route's
/// sectors; and its patrol assets' positions, with more patrols when the route is busy. Every route and month has
/// its own random stream derived from the seed, so a month comes out the same whatever period is generated. With
/// <c>merchants</c>, patrol vessels that have an MMSI report over AIS, among the merchant traffic of their route;
/// with <c>behaviours</c>, vessels do what the behaviour rules watch for.
/// </summary>
public sealed class FeedGenerator(FrontexFigures figures, SectorCatalogue catalogue, IReadOnlyDictionary<string, PatrolAsset[]> patrols, int seed,
    double patrolEffort = 1, MerchantTraffic? merchants = null, VesselBehaviours? behaviours = null)
{
    private static readonly string[] SeaSources = ["coastal-radar", "patrol-vessel", "aircraft", "ngo-report"];
    private static readonly string[] LandSources = ["thermal-camera", "patrol", "fence-sensor"];

    public IEnumerable<SimRecord> Month(RouteProfile profile, DateOnly month)
    {
        var random = new Random(StableSeed($"{seed}/{profile.Route}/{month:yyyy-MM}"));
        var start = new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var days = DateTime.DaysInMonth(month.Year, month.Month);
        var dayWeights = DayWeights(profile, month, days, random);
        var remaining = figures.Persons(profile.Route, month);
        for (var n = 1; remaining > 0; n++)
        {
            var day = Pick(dayWeights, random);
            var date = month.AddDays(day);
            var sector = PickSector(profile, date, random);
            var sea = sector.Info.Domain == "sea";
            var persons = Math.Min(remaining, GroupSize(profile, sea, random));
            remaining -= persons;
            var hour = Pick(sea ? RouteProfiles.SeaHours : RouteProfiles.LandHours, random);
            var time = start.AddDays(day).AddHours(hour).AddSeconds(random.Next(3600));
            var (lat, lon) = PointIn(sector, random);
            var source = sea ? SeaSources[random.Next(SeaSources.Length)] : LandSources[random.Next(LandSources.Length)];
            var json = string.Create(CultureInfo.InvariantCulture,
                $$"""{"type":"detection","id":"sim{{seed}}-{{profile.Route}}-{{month:yyyyMM}}-{{n:D5}}","time":"{{time:yyyy-MM-ddTHH:mm:ssZ}}","lat":{{lat:0.#####}},"lon":{{lon:0.#####}},"persons":{{persons}},"kind":"{{(sea ? "boat" : "group")}}","source":"{{source}}"}""");
            yield return new SimRecord(time, profile.Route, RecordType.Detection, persons, json, Positions: 0);
        }
        foreach (var position in Patrols(profile.Route, month, start, days, random)) yield return position;
        foreach (var position in behaviours?.Month(profile.Route, month).Records ?? []) yield return position;
        if (merchants is null) yield break;
        foreach (var record in merchants.Between(profile.Route, start, start.AddDays(days))) yield return record;
    }

    /// <summary>The vessel behaviours put into a month of a route, and when their rules should fire.</summary>
    public IEnumerable<StagedBehaviour> Staged(RouteProfile profile, DateOnly month) => behaviours?.Month(profile.Route, month).Staged ?? [];

    /// <summary>
    /// What the generator put into a month of a route (<see cref="Backtest.Label"/>): its surges, a rise of the
    /// month's figure, spells of calm sea, or a calm month. The day weights are drawn again from the month's own
    /// random stream, exactly as <see cref="Month"/> draws them.
    /// </summary>
    public IEnumerable<Backtest.Label> Labels(RouteProfile profile, DateOnly month)
    {
        var days = DateTime.DaysInMonth(month.Year, month.Month);
        var weights = DayWeights(profile, month, days, new Random(StableSeed($"{seed}/{profile.Route}/{month:yyyy-MM}")));
        var labels = new List<Backtest.Label>();
        foreach (var surge in RouteProfiles.Surges.Where(s => s.Route == profile.Route && s.From <= month.AddDays(days - 1) && s.To >= month))
        {
            var (first, last) = (surge.From < month ? month : surge.From, surge.To > month.AddDays(days - 1) ? month.AddDays(days - 1) : surge.To);
            labels.Add(new(profile.Route, first, last, Backtest.Label.Surge, $"{surge.Sector} x{surge.SectorFactor} from {surge.From:yyyy-MM-dd}"));
        }
        // Against the month before and the quarter before: a detector's baseline is the last few weeks.
        var persons = figures.Persons(profile.Route, month);
        double Ratio(double before) => before > 0 ? persons / before : persons > 0 ? double.PositiveInfinity : 1;
        var (toMonth, toQuarter) = (Ratio(figures.Persons(profile.Route, month.AddMonths(-1))), Ratio(Enumerable.Range(1, 3).Average(k => figures.Persons(profile.Route, month.AddMonths(-k)))));
        if (Math.Max(toMonth, toQuarter) >= 2)
            labels.Add(new(profile.Route, month, month.AddDays(days - 1), Backtest.Label.Rise, string.Create(CultureInfo.InvariantCulture, $"{persons} persons, {toMonth:0.0}x the month and {toQuarter:0.0}x the quarter before")));
        var average = weights.Average();
        for (var d = 0; d < days;)
        {
            var end = d;
            while (end < days && weights[end] >= 3 * average) end++;
            if (end - d >= 2) labels.Add(new(profile.Route, month.AddDays(d), month.AddDays(end - 1), Backtest.Label.Spell, $"calm sea, {end - d} days"));
            d = Math.Max(end, d + 1);
        }
        if (labels.Count == 0 && toMonth is >= 0.5 and <= 1.5 && toQuarter is >= 0.5 and <= 1.5)
            labels.Add(new(profile.Route, month, month.AddDays(days - 1), Backtest.Label.Calm, string.Create(CultureInfo.InvariantCulture, $"{persons} persons, {toMonth:0.00}x the month and {toQuarter:0.00}x the quarter before")));
        return labels;
    }

    /// <summary>
    /// Patrol missions, in three shifts a day: each asset takes a shift with a chance that grows with the route's
    /// pressure that month (and with <c>patrolEffort</c>), and reports every 30-120 s while out.
    /// </summary>
    private IEnumerable<SimRecord> Patrols(string route, DateOnly month, DateTimeOffset start, int days, Random random)
    {
        var pressure = (double)figures.Persons(route, month) / figures.Peak(route);
        var chance = Math.Min(0.95, (0.03 + 0.9 * Math.Pow(pressure, 1.3)) * patrolEffort / 3);
        foreach (var asset in patrols.GetValueOrDefault(route) ?? [])
        {
            for (var shift = 0; shift < days * 3; shift++)
            {
                if (random.NextDouble() >= chance) continue;
                // Out within the first hour of the shift and back before it ends: one asset is never in two places.
                var hours = asset.Kind == "aircraft" ? 3 + 2 * random.NextDouble() : 6 + random.NextDouble();
                var launch = start.AddHours(8 * shift + random.NextDouble());
                var knots = asset.Knots[0] + (asset.Knots[1] - asset.Knots[0]) * random.NextDouble();
                var every = 30 + 90 * random.NextDouble();   // reporting interval, seconds
                var along = 1000 * random.NextDouble();      // where on its track the mission starts, km
                var ais = merchants is not null && asset.Mmsi is not null ? uint.Parse(asset.Mmsi) : (uint?)null;
                if (ais is { } own) yield return new SimRecord(launch, route, RecordType.Ais, 0, string.Join('\n', AisWriter.Voyage(Describe(asset, own), launch, shift % 10)), 0);
                for (var t = 0.0; t < hours * 3600; t += every * (0.9 + 0.2 * random.NextDouble()))
                {
                    var (lat, lon, course) = asset.At(along + knots * 1.852 * t / 3600);
                    var time = launch.AddSeconds(Math.Round(t));
                    var speed = knots * (0.9 + 0.2 * random.NextDouble());
                    if (ais is { } mmsi)
                    {
                        var report = new PositionReport(1, mmsi, AisClass.A, 0, 0, Math.Round(speed, 1), true, Math.Round(lon, 5), Math.Round(lat, 5),
                            Math.Round(course), (int)Math.Round(course) % 360, time.Second);
                        yield return new SimRecord(time, route, RecordType.Ais, 0, string.Join('\n', AisWriter.Position(report, time)), 1);
                        continue;
                    }
                    var json = string.Create(CultureInfo.InvariantCulture,
                        $$"""{"type":"position","asset":"{{asset.Id}}","time":"{{time:yyyy-MM-ddTHH:mm:ssZ}}","lat":{{lat:0.#####}},"lon":{{lon:0.#####}},"speedKn":{{speed:0.#}},"courseDeg":{{course:0}},"kind":"{{JsonKind(asset)}}"}""");
                    yield return new SimRecord(time, route, RecordType.Position, 0, json, 1);
                }
            }
        }
    }

    /// <summary>
    /// The kind a JSON feed gives an own asset: a patrol vessel is a <c>patrol</c>, as the own fleet over AIS is, so
    /// that coverage counts it and the vessel rules (which watch kind <c>vessel</c>, other traffic) leave it alone.
    /// </summary>
    private static string JsonKind(PatrolAsset asset) => asset.Kind == "vessel" ? "patrol" : asset.Kind;

    /// <summary>What a patrol vessel sends of itself: its id as name and call sign, law enforcement.</summary>
    private static StaticReport Describe(PatrolAsset asset, uint mmsi) => new(5, mmsi, AisClass.A)
    {
        Name = asset.Id.Replace('-', ' '), CallSign = asset.Id.Replace("-", "")[..Math.Min(7, asset.Id.Replace("-", "").Length)], ShipType = 55,
        ToBow = 40, ToStern = 12, ToPort = 5, ToStarboard = 5, DraughtM = 3.0,
    };

    /// <summary>Weather spells at sea (a few calm days bring many boats), a gentler rhythm on land, and the known surges.</summary>
    private static double[] DayWeights(RouteProfile profile, DateOnly month, int days, Random random)
    {
        var sea = profile.SeaMedian > 0;
        var weights = new double[days];
        var spell = 0.0;
        for (var d = 0; d < days; d++)
        {
            spell = 0.7 * spell + (sea ? 0.5 : 0.25) * Normal(random);
            var weekday = month.AddDays(d).DayOfWeek;
            var rhythm = sea ? 1.0 : weekday is DayOfWeek.Friday or DayOfWeek.Saturday ? 1.2 : 1.0;
            weights[d] = Math.Exp(spell) * rhythm;
            foreach (var surge in RouteProfiles.Surges)
            {
                var date = month.AddDays(d);
                if (surge.Route == profile.Route && date >= surge.From && date <= surge.To) weights[d] *= surge.DayFactor;
            }
        }
        return weights;
    }

    private Sector PickSector(RouteProfile profile, DateOnly date, Random random)
    {
        var ids = profile.SectorWeights.Keys.ToArray();
        var weights = ids.Select(id => profile.SectorWeights[id] * RouteProfiles.Surges
            .Where(s => s.Route == profile.Route && s.Sector == id && date >= s.From && date <= s.To)
            .Aggregate(1.0, (f, s) => f * s.SectorFactor)).ToArray();
        var id = ids[Pick(weights, random)];
        return catalogue.FindSector(id) ?? throw new InvalidOperationException($"The catalogue has no sector '{id}'.");
    }

    private static int GroupSize(RouteProfile profile, bool sea, Random random)
    {
        var (median, spread, max) = sea && profile.SeaMedian > 0
            ? (profile.SeaMedian, profile.SeaSpread, profile.SeaMax)
            : (RouteProfiles.LandMedian, RouteProfiles.LandSpread, RouteProfiles.LandMax);
        return (int)Math.Clamp(Math.Round(median * Math.Exp(spread * Normal(random))), 1, max);
    }

    /// <summary>A point whose smallest containing sector is this one, so the server counts it there.</summary>
    private (double Lat, double Lon) PointIn(Sector sector, Random random)
    {
        var box = sector.Geometry.EnvelopeInternal;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var lon = box.MinX + box.Width * random.NextDouble();
            var lat = box.MinY + box.Height * random.NextDouble();
            if (catalogue.Locate(Math.Round(lat, 5), Math.Round(lon, 5))?.Id == sector.Id) return (lat, lon);
        }
        throw new InvalidOperationException($"No point found inside sector '{sector.Id}'.");
    }

    private static int Pick(IReadOnlyList<double> weights, Random random)
    {
        var x = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Count; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.Count - 1;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>FNV-1a: string.GetHashCode differs between processes, a seed must not.</summary>
    internal static int StableSeed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }
}
