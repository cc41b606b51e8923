using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BorderWatch.Contracts;
using BorderWatch.Feeds;
using BorderWatch.Geography;
using BorderWatch.Detectors;
using Spectre.Console;

namespace BorderWatch.Cli.Backtest;

/// <summary>
/// `borderwatch evaluate`: the server's detectors and alert state machine, run in this process on count series,
/// without a server: on a feed's routes and sectors (for tuning; `backtest` gives the end-to-end figures), or on
/// public weekly series with labelled outbreaks (`--series`).
/// </summary>
public static class EvaluateCommand
{
    public static string SeriesPath => Path.Combine(AppContext.BaseDirectory, "Backtest", "rki-outbreaks.csv");

    /// <summary>The public series tuned on; the others are reported without having been looked at while tuning.</summary>
    public static readonly string[] TunedOn = ["h1_nrwrp", "k1", "m1", "m2", "m3", "m4", "m5"];

    public static Command Command()
    {
        var feed = new Argument<FileInfo?>("FEED") { Description = "A feed (NDJSON, plain or .gz); its NAME.labels.csv is read beside it", Arity = ArgumentArity.ZeroOrOne };
        var known = new Option<FileInfo>("--known") { Description = "Headline events (route,start,end,name)", DefaultValueFactory = _ => new FileInfo(Path.Combine(AppContext.BaseDirectory, "Simulation", "known-surges.csv")) };
        var rulesFile = new Option<FileInfo?>("--rules") { Description = "Alert rules to try instead of the defaults: a JSON array, as BorderWatch:Alerts:Rules in appsettings.json" };
        var alertsFile = new Option<FileInfo?>("--alerts") { Description = "Write the alerts raised as CSV, each marked with the label it overlaps" };
        var series = new Option<FileInfo?>("--series") { Description = $"Weekly series with outbreak labels (series,week,count,outbreak) instead of a feed; {SeriesPath} holds RKI's" };
        var command = new Command("evaluate", "Run the alert detectors in this process on a feed's counts, or on public labelled series, and score them") { feed, known, series, rulesFile, alertsFile };
        command.SetAction(result =>
        {
            var rules = result.GetValue(rulesFile) is { } r
                ? JsonSerializer.Deserialize<List<AlertRule>>(File.ReadAllText(r.FullName), RuleJson) ?? []
                : AlertRule.Defaults();
            if (result.GetValue(series) is { } csv) return Series(csv.FullName, rules);
            if (result.GetValue(feed) is not { } f || !f.Exists) return Replay.ReplayCommand.Fail("Give a FEED that exists, or --series.");
            return Feed(f.FullName, result.GetValue(known)!.FullName, rules, result.GetValue(alertsFile)?.FullName);
        });
        return command;
    }

    private static readonly JsonSerializerOptions RuleJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static int Feed(string path, string knownPath, List<AlertRule> rules, string? alertsPath)
    {
        var catalogue = SectorCatalogue.Load(Path.Combine(AppContext.BaseDirectory, "Catalogue", "sectors.geojson"));
        var counts = Read(path, catalogue);
        var alerts = new List<ScoredAlert>();
        foreach (var (target, (route, kind, first)) in counts.Targets)
        {
            foreach (var bucket in new[] { BucketSize.Hour, BucketSize.Day })
            {
                if (AlertRule.Choose(rules, kind, target, bucket) is not { } rule) continue;
                var (persons, detections, start) = counts.Series(target, bucket);
                var historyStart = (int)(Index(bucket, first) - Index(bucket, start));
                var decisions = new Decision[persons.Length];
                for (var i = 0; i < persons.Length; i++)
                {
                    decisions[i] = bucket == BucketSize.Hour
                        ? SpikeDetector.Decide(rule.Metric == AlertMetric.Persons ? persons : detections, detections, i, historyStart, rule)
                        : SurgeDetector.Decide(persons, detections, i, historyStart, rule);
                }
                alerts.AddRange(Alerts(route, kind, bucket.ToString().ToLowerInvariant(), Length(bucket), decisions, start, rule));
            }
        }
        var labelsPath = Label.PathBeside(path);
        var labels = File.Exists(labelsPath) ? Label.Read(labelsPath) : null;
        var scores = Scores.Of(alerts, Label.Read(knownPath), labels);
        scores.Print($"Known events, detectors run in process on {Path.GetFileName(path)}");
        foreach (var group in alerts.GroupBy(a => (a.Target, a.Bucket, a.Detector)).OrderBy(g => g.Key))
            Console.WriteLine($"  {group.Key.Target} {group.Key.Bucket} {group.Key.Detector}: {group.Count()} alerts");
        foreach (var a in scores.InCalm) Console.WriteLine($"  calm-month alert: {a.Route} {a.Target} {a.Bucket} {a.Detector} fired {a.FiredAt:yyyy-MM-dd HH:mm}");
        if (alertsPath is not null)
        {
            File.WriteAllLines(alertsPath, ["route,target,bucket,detector,start,end,fired,label",
                .. alerts.OrderBy(a => a.FiredAt).Select(a => $"{a.Route},{a.Target},{a.Bucket},{a.Detector},{a.Start:yyyy-MM-dd HH:mm},{a.End:yyyy-MM-dd HH:mm},{a.FiredAt:yyyy-MM-dd HH:mm}," +
                    (labels ?? []).FirstOrDefault(l => l.Route == a.Route && a.Start < l.End && a.End > l.Start)?.Kind)]);
        }
        if (labels is null) Console.WriteLine($"(no labels beside the feed: {labelsPath}; precision is against the headline events only)");
        return 0;
    }

    /// <summary>Each series alone, its outbreaks (runs of labelled weeks) as events; the tuned and the untouched apart.</summary>
    private static int Series(string path, List<AlertRule> rules)
    {
        var rows = File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Where(c => c.Length == 4)
            .Select(c => (Series: c[0], Week: DateOnly.ParseExact(c[1], "yyyy-MM-dd", CultureInfo.InvariantCulture), Count: long.Parse(c[2], CultureInfo.InvariantCulture), Outbreak: c[3] == "1"))
            .GroupBy(r => r.Series).ToList();
        if (AlertRule.Choose(rules, "route", "series", BucketSize.Day) is not { } rule) return Replay.ReplayCommand.Fail("No day rule for routes.");
        foreach (var (title, chosen) in new[] { ("tuned on", true), ("not tuned on", false) })
        {
            var alerts = new List<ScoredAlert>();
            var events = new List<Label>();
            foreach (var series in rows.Where(g => TunedOn.Contains(g.Key) == chosen))
            {
                var weeks = series.OrderBy(r => r.Week).ToList();
                var counts = weeks.Select(w => w.Count).ToArray();
                var decisions = counts.Select((_, i) => SurgeDetector.Decide(counts, counts, i, 0, rule, SurgeDetector.Calendar.Weeks)).ToArray();
                var start = new DateTimeOffset(weeks[0].Week.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                alerts.AddRange(Alerts(series.Key, "series", "week", TimeSpan.FromDays(7), decisions, start, rule));
                for (var i = 0; i < weeks.Count; i++)
                {
                    if (!weeks[i].Outbreak || i > 0 && weeks[i - 1].Outbreak) continue;
                    var end = i;
                    while (end + 1 < weeks.Count && weeks[end + 1].Outbreak) end++;
                    events.Add(new Label(series.Key, weeks[i].Week, weeks[end].Week.AddDays(6), Label.Surge, $"outbreak, {end - i + 1} weeks"));
                }
            }
            Scores.Of(alerts, events, events).Print($"RKI series {title}: {string.Join(" ", rows.Select(g => g.Key).Where(k => TunedOn.Contains(k) == chosen))}", "weeks", 7);
        }
        return 0;
    }

    /// <summary>The alerts the state machine makes of a target's decisions, every bucket closed.</summary>
    private static IEnumerable<ScoredAlert> Alerts(string route, string target, string bucket, TimeSpan length, Decision[] decisions, DateTimeOffset start, AlertRule rule)
    {
        var starts = decisions.Select((_, i) => start + i * length).ToArray();
        return EpisodeTracker.Run(decisions, [.. decisions.Select(_ => true)], starts, 0, null, rule)
            .Select(e => new ScoredAlert(route, target, bucket, e.Start, starts[e.LastAbnormal] + length,
                starts[e.FiredIndex] + length, e.Peak.Detector));
    }

    private static long Index(BucketSize bucket, DateTimeOffset time) => time.UtcTicks / Length(bucket).Ticks;

    private static DateTimeOffset Start(BucketSize bucket, long index) => new(index * Length(bucket).Ticks, TimeSpan.Zero);

    private static TimeSpan Length(BucketSize bucket) => bucket == BucketSize.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);

    /// <summary>Hourly and daily persons and detections of every route and sector a feed's detections fall in.</summary>
    private sealed class Counts
    {
        private readonly Dictionary<string, Dictionary<long, (long Persons, long Detections)>> _hours = [];
        public Dictionary<string, (string Route, string Kind, DateTimeOffset First)> Targets { get; } = [];
        private long _firstHour = long.MaxValue, _lastHour = long.MinValue;

        public void Add(string target, string route, string kind, DateTimeOffset time, long persons)
        {
            var hour = Index(BucketSize.Hour, time);
            if (!_hours.TryGetValue(target, out var hours)) _hours[target] = hours = [];
            var now = hours.GetValueOrDefault(hour);
            hours[hour] = (now.Persons + persons, now.Detections + 1);
            Targets[target] = Targets.TryGetValue(target, out var t) ? t with { First = time < t.First ? time : t.First } : (route, kind, time);
            (_firstHour, _lastHour) = (Math.Min(_firstHour, hour), Math.Max(_lastHour, hour));
        }

        public (long[] Persons, long[] Detections, DateTimeOffset Start) Series(string target, BucketSize bucket)
        {
            var start = Start(BucketSize.Hour, _firstHour);
            var first = Index(bucket, start);
            var n = (int)(Index(bucket, Start(BucketSize.Hour, _lastHour)) - first + 1);
            var (persons, detections) = (new long[n], new long[n]);
            foreach (var (hour, c) in _hours[target])
            {
                var i = (int)(Index(bucket, Start(BucketSize.Hour, hour)) - first);
                persons[i] += c.Persons;
                detections[i] += c.Detections;
            }
            return (persons, detections, Start(bucket, first));
        }
    }

    private static Counts Read(string path, SectorCatalogue catalogue)
    {
        var counts = new Counts();
        AnsiConsole.Status().Start($"Reading {Path.GetFileName(path)}...", _ =>
        {
            foreach (var record in FeedReader.ReadFile(path, p => Console.Error.WriteLine(p)).Where(r => r.Type == RecordType.Detection))
            {
                using var json = JsonDocument.Parse(record.Content);
                var root = json.RootElement;
                var sector = catalogue.Assign(root.GetProperty("lat").GetDouble(), root.GetProperty("lon").GetDouble());
                if (catalogue.RouteOf(sector) is not { } route) continue;
                var persons = root.GetProperty("persons").GetInt64();
                counts.Add(sector, route, "sector", record.Time, persons);
                counts.Add(route, route, "route", record.Time, persons);
            }
        });
        return counts;
    }
}
