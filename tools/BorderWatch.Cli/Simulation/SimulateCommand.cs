using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BorderWatch.Feeds;
using BorderWatch.Geography;
using Spectre.Console;

namespace BorderWatch.Cli.Simulation;

/// <summary>
/// `borderwatch simulate`: writes a realistic feed for a period, per route and month exactly Frontex's detections,
/// with patrol positions, in event-time order; prints the per-route, per-month totals it wrote and keeps them in
/// a CSV beside the feed. With <c>--ais</c>, patrol vessels report over AIS instead, among merchant traffic, into an
/// NMEA log of their own.
/// </summary>
public static class SimulateCommand
{
    public static Command Command()
    {
        var from = new Option<string>("--from") { Description = "First month (yyyy-MM) or day (yyyy-MM-dd)", DefaultValueFactory = _ => "2021-01" };
        var to = new Option<string>("--to") { Description = "Last month (yyyy-MM) or day (yyyy-MM-dd), included", DefaultValueFactory = _ => "2025-09" };
        var seed = new Option<int>("--seed") { Description = "Same seed, same file", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo>("--out") { Description = "The feed to write (.gz compresses)", Required = true };
        var routes = new Option<string[]>("--routes") { Description = "Only these routes (default: all)", AllowMultipleArgumentsPerToken = true };
        var figures = new Option<FileInfo>("--figures") { Description = "Frontex monthly figures (route,date,detections)", DefaultValueFactory = _ => new FileInfo(FrontexFigures.DefaultPath) };
        var patrols = new Option<FileInfo>("--patrols") { Description = "Patrol assets and their tracks", DefaultValueFactory = _ => new FileInfo(PatrolAsset.DefaultPath) };
        var effort = new Option<double>("--patrol-effort") { Description = "Scales how often assets patrol (1: by the route's pressure; a demo wants more)", DefaultValueFactory = _ => 1 };
        var ais = new Option<FileInfo?>("--ais") { Description = "Also write AIS (.nm4, .gz compresses): patrol vessels' positions as NMEA with tag blocks, and merchant traffic along the routes' shipping lanes" };
        var aisInterval = new Option<int>("--ais-interval") { Description = "Seconds between a merchant ship's position reports", DefaultValueFactory = _ => 300 };
        var lanes = new Option<FileInfo>("--lanes") { Description = "Shipping lanes and their traffic", DefaultValueFactory = _ => new FileInfo(ShippingLane.DefaultPath) };
        var behaviours = new Option<bool>("--behaviours") { Description = "Also stage, each month, a vessel going dark off Zuwara, a mother ship met by two boats south of Crete and a loiterer off Nouadhibou (NAME.behaviours.csv says when each rule should fire)" };
        var catalogue = new Option<FileInfo>("--catalogue") { Description = "The server's sector catalogue", DefaultValueFactory = _ => new FileInfo(Path.Combine(AppContext.BaseDirectory, "Catalogue", "sectors.geojson")) };
        var command = new Command("simulate", "Generate a realistic feed from Frontex's monthly figures") { from, to, seed, output, routes, figures, patrols, effort, ais, aisInterval, lanes, behaviours, catalogue };
        command.SetAction(result =>
        {
            if (!TryPeriod(result.GetValue(from)!, start: true, out var first) || !TryPeriod(result.GetValue(to)!, start: false, out var end) || end <= first)
                return Replay.ReplayCommand.Fail("--from and --to are yyyy-MM or yyyy-MM-dd, --from before --to");
            var selected = result.GetValue(routes) is { Length: > 0 } r ? r.SelectMany(x => x.Split(',')).ToHashSet() : null;
            var profiles = RouteProfiles.All.Where(p => selected is null || selected.Contains(p.Route)).ToList();
            if (selected?.Except(profiles.Select(p => p.Route)).FirstOrDefault() is { } unknown)
                return Replay.ReplayCommand.Fail($"Unknown route '{unknown}'; routes: {string.Join(", ", RouteProfiles.All.Select(p => p.Route))}");
            var aisPath = result.GetValue(ais)?.FullName;
            if (result.GetValue(aisInterval) < 1) return Replay.ReplayCommand.Fail("--ais-interval is a number of seconds, at least 1");
            var merchants = aisPath is null ? null
                : new MerchantTraffic(ShippingLane.Load(result.GetValue(lanes)!.FullName), result.GetValue(seed), TimeSpan.FromSeconds(result.GetValue(aisInterval)));
            var sectors = SectorCatalogue.Load(result.GetValue(catalogue)!.FullName);
            var generator = new FeedGenerator(FrontexFigures.Load(result.GetValue(figures)!.FullName), sectors,
                PatrolAsset.Load(result.GetValue(patrols)!.FullName), result.GetValue(seed), result.GetValue(effort), merchants,
                result.GetValue(behaviours) ? new VesselBehaviours(sectors) : null);
            return Write(generator, profiles, first, end, result.GetValue(output)!.FullName, aisPath);
        });
        return command;
    }

    /// <summary>Totals of what was written, per route and month.</summary>
    private sealed class Totals
    {
        /// <summary>Positions of the NDJSON feed; what went to the AIS log is counted apart.</summary>
        public long Detections, Persons, Positions, AisMessages, AisPositions;
    }

    private static int Write(FeedGenerator generator, List<RouteProfile> profiles, DateTimeOffset first, DateTimeOffset end, string path, string? aisPath)
    {
        var totals = new SortedDictionary<(string Month, string Route), Totals>();
        var clock = Stopwatch.StartNew();
        var months = new List<DateOnly>();
        for (var m = new DateOnly(first.Year, first.Month, 1); m.ToDateTime(TimeOnly.MinValue) < end.UtcDateTime; m = m.AddMonths(1)) months.Add(m);

        using (var writer = new StreamWriter(FeedFiles.Create(path), new UTF8Encoding(false)))
        using (var aisWriter = aisPath is null ? null : new StreamWriter(FeedFiles.Create(aisPath), Encoding.ASCII))
        {
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(progress =>
            {
                var task = progress.AddTask("Generating", maxValue: months.Count);
                var pending = new List<SimRecord>();
                foreach (var month in months)
                {
                    var monthEnd = new DateTimeOffset(month.AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                    foreach (var profile in profiles) pending.AddRange(generator.Month(profile, month));
                    // Patrols running past midnight at the month's end are written with the next month, in time order.
                    var ordered = pending.OrderBy(r => r.Time).ToList();
                    var due = ordered.TakeWhile(r => r.Time < monthEnd).ToList();
                    pending = ordered.Skip(due.Count).ToList();
                    foreach (var record in due.Where(r => r.Time >= first && r.Time < end))
                    {
                        var to = record.Type == RecordType.Ais ? aisWriter! : writer;
                        to.Write(record.Text);
                        to.Write('\n');
                        var t = Total(totals, record);
                        if (record.Type == RecordType.Ais) { t.AisMessages++; t.AisPositions += record.Positions; }
                        else if (record.Type == RecordType.Position) t.Positions++;
                        else { t.Detections++; t.Persons += record.Persons; }
                    }
                    task.Description = $"Generating {month:yyyy-MM}";
                    task.Increment(1);
                }
            });
        }

        Print(totals, profiles);
        var csv = TotalsPath(path);
        File.WriteAllLines(csv, ["route,month,detections,persons,positions,ais_messages,ais_positions",
            .. totals.Select(t => $"{t.Key.Route},{t.Key.Month},{t.Value.Detections},{t.Value.Persons},{t.Value.Positions},{t.Value.AisMessages},{t.Value.AisPositions}")]);
        var written = totals.Keys.Select(k => k.Month).Distinct().ToList();
        var chart = Path.ChangeExtension(csv, ".svg");
        File.WriteAllText(chart, TotalsChart.Svg(written, [.. profiles.Select(p => (p.Route, written.Select(m => totals.TryGetValue((m, p.Route), out var t) ? t.Persons : 0).ToArray()))]));
        var labels = Backtest.Label.PathBeside(path);
        Backtest.Label.Write(labels, months.SelectMany(m => profiles.SelectMany(p => generator.Labels(p, m)))
            .Where(l => l.End > first && l.Start < end).OrderBy(l => l.First).ThenBy(l => l.Route));
        var staged = months.SelectMany(m => profiles.SelectMany(p => generator.Staged(p, m))).Where(b => b.Expected >= first && b.Expected < end).OrderBy(b => b.Expected).ToList();
        if (staged.Count > 0)
        {
            StagedBehaviour.Write(StagedBehaviour.PathBeside(path), staged);
            AnsiConsole.MarkupLineInterpolated($"Staged {staged.Count} vessel behaviours; when each rule should fire: {StagedBehaviour.PathBeside(path)}.");
        }
        var records = totals.Values.Sum(t => t.Detections + t.Positions);
        if (aisPath is not null)
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {totals.Values.Sum(t => t.AisMessages):N0} AIS messages ({totals.Values.Sum(t => t.AisPositions):N0} of them positions) to {aisPath} ({new FileInfo(aisPath).Length / 1e6:N1} MB).");
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote {records:N0} records ({totals.Values.Sum(t => t.Detections):N0} detections of {totals.Values.Sum(t => t.Persons):N0} persons, {totals.Values.Sum(t => t.Positions):N0} positions) to {path} ({new FileInfo(path).Length / 1e6:N1} MB) in {clock.Elapsed.TotalSeconds:N1} s; totals in {csv}, as a chart in {chart}; what it holds in {labels}. Source of the figures: Frontex.");
        return 0;
    }

    private static Totals Total(SortedDictionary<(string, string), Totals> totals, SimRecord record)
    {
        var key = (record.Time.ToString("yyyy-MM", CultureInfo.InvariantCulture), record.Route);
        if (!totals.TryGetValue(key, out var t)) totals[key] = t = new Totals();
        return t;
    }

    private static void Print(SortedDictionary<(string Month, string Route), Totals> totals, List<RouteProfile> profiles)
    {
        // Short headers keep the table readable in 80 columns; the caption spells them out.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160); // a log does not wrap
        var table = new Table().Border(TableBorder.Minimal).Caption(string.Join("  ", profiles.Select(p => $"{Short(p.Route)} {p.Route}")) + "  pos. patrol positions");
        table.Title("Persons in detections written, per month and route");
        table.AddColumn("month");
        foreach (var p in profiles) table.AddColumn(new TableColumn(Short(p.Route)).RightAligned());
        table.AddColumn(new TableColumn("all").RightAligned());
        table.AddColumn(new TableColumn("pos.").RightAligned());
        foreach (var month in totals.Keys.Select(k => k.Month).Distinct())
        {
            var row = profiles.Select(p => totals.GetValueOrDefault((month, p.Route))).ToList();
            table.AddRow([month, .. row.Select(t => $"{t?.Persons ?? 0:N0}"), $"{row.Sum(t => t?.Persons ?? 0):N0}", $"{row.Sum(t => t?.Positions ?? 0):N0}"]);
        }
        var sums = profiles.Select(p => totals.Where(t => t.Key.Route == p.Route).Sum(t => t.Value.Persons)).ToList();
        table.AddRow(["total", .. sums.Select(s => $"{s:N0}"), $"{sums.Sum():N0}", $"{totals.Values.Sum(t => t.Positions):N0}"]);
        AnsiConsole.Write(table);
    }

    private static string Short(string route) => string.Concat(route.Split('-').Select(w => char.ToUpperInvariant(w[0])));

    public static string TotalsPath(string feed)
    {
        var name = Path.GetFileName(feed);
        foreach (var suffix in new[] { ".gz", ".ndjson", ".jsonl" })
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) name = name[..^suffix.Length];
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(feed))!, name + ".totals.csv");
    }

    /// <summary>yyyy-MM or yyyy-MM-dd; the end of a period is the start of the next month or day.</summary>
    private static bool TryPeriod(string text, bool start, out DateTimeOffset at)
    {
        at = default;
        if (DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month))
            at = new DateTimeOffset(start ? month : month.AddMonths(1), TimeSpan.Zero);
        else if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
            at = new DateTimeOffset(start ? day : day.AddDays(1), TimeSpan.Zero);
        else return false;
        return true;
    }
}
