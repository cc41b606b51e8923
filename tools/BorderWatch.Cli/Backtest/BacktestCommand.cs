using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BorderWatch.Cli.Replay;
using Spectre.Console;

namespace BorderWatch.Cli.Backtest;

/// <summary>
/// `borderwatch backtest FEED [--labels FILE]`: replays a feed into a fresh scenario at full speed, waits for the
/// alerts to settle and prints the route alerts; given labelled events (route, start, end), it scores them:
/// precision (alerts that overlap an event of their route), recall (events with an alert) and detection delay
/// (from the event's start to the first alert's firing, in event time).
/// </summary>
public static class BacktestCommand
{
    public sealed record Label(string Route, DateTimeOffset Start, DateTimeOffset End, string Name);

    private sealed record RouteAlert(string Id, string TargetId, string Bucket, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset FiredAt,
        long Observed, double Expected, double Score, string[] Sectors);

    public static Command Command()
    {
        var server = new ServerOptions();
        var feed = new Argument<FileInfo>("FEED") { Description = "The feed to replay (NDJSON, plain or .gz)" };
        var labels = new Option<FileInfo>("--labels") { Description = "Known events: CSV route,start,end[,name] (tools/BorderWatch.Cli/Simulation/known-surges.csv)" };
        var command = new Command("backtest", "Replay a feed into a fresh scenario and score the alerts it raises") { feed, labels };
        server.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(feed)!.FullName;
            if (!File.Exists(path)) return ReplayCommand.Fail($"No such file: {path}");
            var known = result.GetValue(labels) is { } l ? ReadLabels(l.FullName) : null;
            using var http = server.CreateClient(result, TimeSpan.FromSeconds(100));
            var scenario = $"backtest-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            var replay = new ReplayRun(http, [path], new ReplayCommand.Window(null, null, null), null, 5000, 4, TimeSpan.FromSeconds(60));
            var code = await replay.RunAsync(scenario, cancellation);
            if (code is not (0 or 2)) return code;
            var alerts = await SettledAlertsAsync(http, scenario, cancellation);
            Print(alerts, scenario);
            if (known is not null) Score(alerts.Where(a => a.Bucket == "day" || a.Bucket == "hour").ToList(), known);
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
                    return json.RootElement.GetProperty("alerts").EnumerateArray()
                        .Where(a => a.GetProperty("target").GetString() == "route")
                        .Select(a => new RouteAlert(a.GetProperty("id").GetString()!, a.GetProperty("targetId").GetString()!, a.GetProperty("bucket").GetString()!,
                            a.GetProperty("start").GetDateTimeOffset(), a.GetProperty("end").GetDateTimeOffset(), a.GetProperty("firedAt").GetDateTimeOffset(),
                            a.GetProperty("observed").GetInt64(), a.GetProperty("expected").GetDouble(), a.GetProperty("score").GetDouble(),
                            [.. a.GetProperty("sectors").EnumerateArray().Select(s => s.GetString()!)]))
                        .OrderBy(a => a.Start).ToList();
                }
                previous = text;
            }
        });
    }

    private static void Print(List<RouteAlert> alerts, string scenario)
    {
        var table = new Table().Border(TableBorder.Minimal).Title($"Route alerts in scenario {scenario}")
            .AddColumns("route", "bucket", "from", "to", "observed", "expected", "score", "sectors");
        foreach (var a in alerts)
            table.AddRow(a.TargetId, a.Bucket, $"{a.Start:yyyy-MM-dd HH:mm}", $"{a.End:yyyy-MM-dd HH:mm}", $"{a.Observed:N0}", $"{a.Expected:N0}", $"{a.Score:0.0}", string.Join(" ", a.Sectors));
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        AnsiConsole.Write(table);
        Console.WriteLine($"alerts={alerts.Count} (route level; observed is persons in the 7 days to the bucket for day alerts, in the hour for hour alerts)");
    }

    private static void Score(List<RouteAlert> alerts, List<Label> labels)
    {
        bool Overlaps(RouteAlert a, Label l) => a.TargetId == l.Route && a.Start <= l.End && a.End >= l.Start;
        var matched = alerts.Count(a => labels.Any(l => Overlaps(a, l)));
        var table = new Table().Border(TableBorder.Minimal).Title("Known events").AddColumns("route", "event", "from", "to", "first alert", "delay");
        var delays = new List<double>();
        foreach (var label in labels)
        {
            var first = alerts.Where(a => Overlaps(a, label)).MinBy(a => a.FiredAt);
            if (first is not null) delays.Add((first.FiredAt - label.Start).TotalDays);
            table.AddRow(label.Route, label.Name, $"{label.Start:yyyy-MM-dd}", $"{label.End:yyyy-MM-dd}",
                first is null ? "[red]missed[/]" : $"{first.FiredAt:yyyy-MM-dd HH:mm}", first is null ? "" : $"{(first.FiredAt - label.Start).TotalDays:0.0} d");
        }
        AnsiConsole.Write(table);
        var precision = alerts.Count == 0 ? 0 : (double)matched / alerts.Count;
        var recall = (double)delays.Count / labels.Count;
        var median = delays.Count == 0 ? double.NaN : delays.Order().ElementAt(delays.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"precision={precision:0.00} ({matched}/{alerts.Count} alerts on a known event) recall={recall:0.00} ({delays.Count}/{labels.Count} events alerted) median delay={median:0.0} days"));
    }

    public static List<Label> ReadLabels(string path) => File.ReadLines(path)
        .Select((line, i) => (Cells: line.Split(','), Number: i + 1))
        .Where(x => x.Number > 1 || !x.Cells[0].Equals("route", StringComparison.OrdinalIgnoreCase))
        .Where(x => x.Cells.Length >= 3)
        .Select(x => new Label(x.Cells[0].Trim(),
            DateTimeOffset.Parse(x.Cells[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            DateTimeOffset.Parse(x.Cells[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddDays(x.Cells[2].Trim().Length == 10 ? 1 : 0),
            x.Cells.Length > 3 ? string.Join(',', x.Cells[3..]).Trim() : $"{x.Cells[0]} {x.Cells[1]}"))
        .ToList();
}
