using System.CommandLine;
using System.Text.Json;
using BorderWatch.Cli.Replay;
using Spectre.Console;

namespace BorderWatch.Cli.Backtest;

/// <summary>
/// `borderwatch backtest FEED`: replays a feed into a fresh scenario at full speed, waits for the alerts to settle
/// and scores them (<see cref="Scores"/>): recall and delay on the headline events (`--known`, by default the ten
/// known surges), precision against what the feed holds (its NAME.labels.csv from `simulate`, or `--labels`), and
/// alerts fired in months the labels call calm.
/// </summary>
public static class BacktestCommand
{
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
            var replay = new ReplayRun(http, [path], new ReplayCommand.Window(null, null, null), null, 5000, 4, TimeSpan.FromSeconds(60));
            var code = await replay.RunAsync(scenario, cancellation);
            if (code is not (0 or 2)) return code;
            var alerts = await SettledAlertsAsync(http, scenario, cancellation);
            Print(alerts.Where(a => a.Target == "route").ToList(), scenario);
            var scores = Scores.Of([.. alerts.Select(a => new ScoredAlert(a.Route, a.Target, a.Bucket, a.Start, a.End, a.FiredAt, a.Detector))], headline, marked);
            scores.Print($"Known events in scenario {scenario}");
            foreach (var group in alerts.GroupBy(a => (a.Target, a.Bucket, a.Detector)).OrderBy(g => g.Key))
                Console.WriteLine($"  {group.Key.Target} {group.Key.Bucket} {group.Key.Detector}: {group.Count()} alerts");
            if (marked is null) Console.WriteLine($"(no labels at {labelsPath}: precision is against the headline events only)");
            return 0;
        });
        return command;
    }

    /// <summary>Alerts are judged a moment after the counts change: wait until two readings a second apart agree.</summary>
    private static async Task<List<RouteAlert>> SettledAlertsAsync(HttpClient http, string scenario, CancellationToken cancellation)
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
                    // Count alerts only: behaviour alerts (target "asset") are not what the surge labels score.
                    return json.RootElement.GetProperty("alerts").EnumerateArray()
                        .Where(a => a.GetProperty("target").GetString() != "asset")
                        .Where(a => a.GetProperty("resolution").ValueKind == JsonValueKind.Null || !a.GetProperty("resolution").GetString()!.StartsWith("withdrawn", StringComparison.Ordinal))
                        .Select(a => new RouteAlert(a.GetProperty("id").GetString()!, a.GetProperty("target").GetString()!, a.GetProperty("targetId").GetString()!,
                            a.GetProperty("route").GetString()!, a.GetProperty("bucket").GetString()!,
                            a.GetProperty("start").GetDateTimeOffset(), a.GetProperty("end").GetDateTimeOffset(), a.GetProperty("firedAt").GetDateTimeOffset(),
                            a.GetProperty("observed").GetInt64(), a.GetProperty("expected").GetDouble(), a.GetProperty("score").GetDouble(),
                            a.GetProperty("detector").GetString()!, [.. a.GetProperty("sectors").EnumerateArray().Select(s => s.GetString()!)]))
                        .OrderBy(a => a.Start).ToList();
                }
                previous = text;
            }
        });
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
