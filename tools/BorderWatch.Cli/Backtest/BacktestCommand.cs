using System.CommandLine;
using System.Text.Json;
using BorderWatch.Cli.Replay;
using Spectre.Console;

namespace BorderWatch.Cli.Backtest;

/// <summary>
/// `borderwatch backtest FEED`: replays a feed into a fresh scenario at full speed, waits for the alerts to settle
/// and scores them (<see cref="Scores"/>): recall and delay on the headline events (`--known`, by default the ten
/// known surges), precision against what the feed holds (its NAME.labels.csv from `simulate`, or `--labels`), and
/// alerts fired in months the labels call calm. A feed from `simulate --behaviours` also has NAME.behaviours.csv:
/// for each staged behaviour it reports whether its rule fired, when, and how long after it could have.
/// </summary>
public static class BacktestCommand
{
    private sealed record VesselAlert(string Kind, string[] Assets, DateTimeOffset FiredAt, string State, string? Reason, string? Resolution);

    private sealed record RouteAlert(string Id, string Target, string TargetId, string Route, string Bucket, DateTimeOffset Start, DateTimeOffset End,
        DateTimeOffset FiredAt, long Observed, double Expected, double Score, string Detector, string[] Sectors);

    public static Command Command()
    {
        var server = new ServerOptions();
        var feed = new Argument<FileInfo>("FEED") { Description = "The feed to replay (NDJSON, plain or .gz)" };
        var known = new Option<FileInfo>("--known") { Description = "Headline events: CSV route,start,end[,name]", DefaultValueFactory = _ => new FileInfo(Path.Combine(AppContext.BaseDirectory, "Simulation", "known-surges.csv")) };
        var labels = new Option<FileInfo?>("--labels") { Description = "What the feed holds: CSV route,start,end,kind,name (default: NAME.labels.csv beside the feed)" };
        var command = new Command("backtest", "Replay a feed into a fresh scenario and score the alerts it raises") { feed, known, labels };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(feed)!.FullName;
            if (!File.Exists(path)) return ReplayCommand.Fail($"No such file: {path}");
            var labelsPath = result.GetValue(labels)?.FullName ?? Label.PathBeside(path);
            var marked = File.Exists(labelsPath) ? Label.Read(labelsPath) : null;
            var headline = Label.Read(result.GetValue(known)!.FullName);
            using var http = server.CreateClient(result, TimeSpan.FromSeconds(100));
            var scenario = $"backtest-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            var replay = new ReplayRun(http, [path], new ReplayCommand.Window(null, null, null), null, ReplayCommand.DefaultBatch, 4, TimeSpan.FromSeconds(60));
            var code = await replay.RunAsync(scenario, cancellation);
            if (code is not (0 or 2)) return code;
            var (alerts, vesselAlerts) = await SettledAlertsAsync(http, scenario, cancellation);
            Print(alerts.Where(a => a.Target == "route").ToList(), scenario);
            var scores = Scores.Of([.. alerts.Select(a => new ScoredAlert(a.Route, a.Target, a.Bucket, a.Start, a.End, a.FiredAt, a.Detector))], headline, marked);
            scores.Print($"Known events in scenario {scenario}");
            foreach (var group in alerts.GroupBy(a => (a.Target, a.Bucket, a.Detector)).OrderBy(g => g.Key))
                Console.WriteLine($"  {group.Key.Target} {group.Key.Bucket} {group.Key.Detector}: {group.Count()} alerts");
            if (marked is null) Console.WriteLine($"(no labels at {labelsPath}: precision is against the headline events only)");
            var stagedPath = Simulation.StagedBehaviour.PathBeside(path);
            if (File.Exists(stagedPath)) PrintBehaviours(Simulation.StagedBehaviour.Read(stagedPath), vesselAlerts);
            else if (vesselAlerts.Count > 0) Console.WriteLine($"vessel alerts={vesselAlerts.Count} (no staged behaviours at {stagedPath})");
            return 0;
        });
        return command;
    }

    /// <summary>Alerts are judged a moment after the counts change: wait until two readings a second apart agree.</summary>
    private static async Task<(List<RouteAlert> Counts, List<VesselAlert> Vessels)> SettledAlertsAsync(HttpClient http, string scenario, CancellationToken cancellation)
    {
        string? previous = null;
        return await AnsiConsole.Status().StartAsync("Waiting for the alerts to settle...", async _ =>
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5), cancellation);
                var text = await http.GetStringAsync($"/api/alerts?scenario={scenario}", cancellation);
                if (text == previous)
                {
                    using var json = JsonDocument.Parse(text);
                    var all = json.RootElement.GetProperty("alerts").EnumerateArray().ToList();
                    // Count alerts are what the surge labels score; behaviour alerts (target "asset") are scored against the staged behaviours.
                    var counts = all.Where(a => a.GetProperty("target").GetString() != "asset")
                        .Where(a => a.GetProperty("resolution").ValueKind == JsonValueKind.Null || !a.GetProperty("resolution").GetString()!.StartsWith("withdrawn", StringComparison.Ordinal))
                        .Select(a => new RouteAlert(a.GetProperty("id").GetString()!, a.GetProperty("target").GetString()!, a.GetProperty("targetId").GetString()!,
                            a.GetProperty("route").GetString()!, a.GetProperty("bucket").GetString()!,
                            a.GetProperty("start").GetDateTimeOffset(), a.GetProperty("end").GetDateTimeOffset(), a.GetProperty("firedAt").GetDateTimeOffset(),
                            a.GetProperty("observed").GetInt64(), a.GetProperty("expected").GetDouble(), a.GetProperty("score").GetDouble(),
                            a.GetProperty("detector").GetString()!, [.. a.GetProperty("sectors").EnumerateArray().Select(s => s.GetString()!)]))
                        .OrderBy(a => a.Start).ToList();
                    var vessels = all.Where(a => a.GetProperty("target").GetString() == "asset")
                        .Select(a => new VesselAlert(a.GetProperty("kind").GetString()!, [.. a.GetProperty("assets").EnumerateArray().Select(x => x.GetProperty("asset").GetString()!).Distinct()],
                            a.GetProperty("firedAt").GetDateTimeOffset(), a.GetProperty("state").GetString()!, Text(a, "reason"), Text(a, "resolution")))
                        .OrderBy(a => a.FiredAt).ToList();
                    return (counts, vessels);
                }
                previous = text;
            }
        });
    }

    private static string? Text(JsonElement alert, string name) => alert.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Each staged behaviour: the alert of its kind naming all its vessels, and how long after the rule could first fire it did.</summary>
    private static void PrintBehaviours(List<Simulation.StagedBehaviour> staged, List<VesselAlert> alerts)
    {
        var table = new Table().Border(TableBorder.Minimal).Title("Staged vessel behaviours")
            .AddColumns("kind", "vessels", "due", "fired", "after", "state", "why");
        var matched = new HashSet<VesselAlert>();
        foreach (var b in staged)
        {
            var alert = alerts.FirstOrDefault(a => a.Kind == b.Kind && b.Assets.All(a.Assets.Contains));
            if (alert is not null) matched.Add(alert);
            table.AddRow(b.Kind, string.Join(" ", b.Assets), $"{b.Expected:yyyy-MM-dd HH:mm}",
                alert is null ? "[red]missed[/]" : $"{alert.FiredAt:yyyy-MM-dd HH:mm}",
                alert is null ? "" : $"{(alert.FiredAt - b.Expected).TotalMinutes:0} min", alert?.State ?? "", Markup.Escape(alert?.Resolution ?? alert?.Reason ?? b.Name));
        }
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        AnsiConsole.Write(table);
        var others = alerts.Where(a => !matched.Contains(a)).ToList();
        Console.WriteLine($"staged behaviours={staged.Count} fired={matched.Count} missed={staged.Count(b => !alerts.Any(a => a.Kind == b.Kind && b.Assets.All(a.Assets.Contains)))}" +
                          $" other vessel alerts={others.Count}" + (others.Count > 0 ? $" ({string.Join(", ", others.GroupBy(a => a.Kind).Select(g => $"{g.Key} {g.Count()}"))})" : ""));
        foreach (var a in others.Take(10)) Console.WriteLine($"  {a.Kind} {string.Join(" ", a.Assets)} fired {a.FiredAt:yyyy-MM-dd HH:mm}: {a.Reason}");
    }

    private static void Print(List<RouteAlert> alerts, string scenario)
    {
        var table = new Table().Border(TableBorder.Minimal).Title($"Route alerts in scenario {scenario}")
            .AddColumns("route", "bucket", "detector", "from", "to", "observed", "expected", "score", "sectors");
        foreach (var a in alerts)
            table.AddRow(a.TargetId, a.Bucket, a.Detector, $"{a.Start:yyyy-MM-dd HH:mm}", $"{a.End:yyyy-MM-dd HH:mm}", $"{a.Observed:N0}", $"{a.Expected:N0}", $"{a.Score:0.0}", string.Join(" ", a.Sectors));
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        AnsiConsole.Write(table);
        Console.WriteLine($"route alerts={alerts.Count} (observed: the peak bucket's count in the rule's metric, persons for hours and detections for days; expected: its baseline)");
    }
}
