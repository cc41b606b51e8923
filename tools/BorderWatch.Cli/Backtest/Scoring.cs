using System.Globalization;
using Spectre.Console;

namespace BorderWatch.Cli.Backtest;

/// <summary>An alert as scoring sees it: whose (the route, or a series), its window, when it fired and which detector.</summary>
public sealed record ScoredAlert(string Route, string Target, string Bucket, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset FiredAt, string Detector);

/// <summary>One headline event and the first alert that warned of it.</summary>
public sealed record EventRow(Label Event, ScoredAlert? First)
{
    public double? DelayDays => First is null ? null : (First.FiredAt - Event.Start).TotalDays;
}

/// <summary>
/// The scoring rule, the same for the generated history and for public series:
/// <list type="bullet">
/// <item>an event is <b>caught</b> by the first alert of its route whose window overlaps the event's days; its
/// <b>delay</b> runs from the event's first day to that alert's firing, in event time;</item>
/// <item><b>precision</b> is the share of alerts whose window overlaps an event label (any kind but calm) of their route;</item>
/// <item>a <b>false alarm in a calm month</b> is an alert that fires inside a month labelled calm.</item>
/// </list>
/// </summary>
public sealed record Scores(List<EventRow> Events, int Alerts, int OnEvents, List<ScoredAlert> InCalm, bool HasLabels)
{
    public int Caught => Events.Count(e => e.First is not null);
    public double Recall => Events.Count == 0 ? double.NaN : (double)Caught / Events.Count;
    public double Precision => Alerts == 0 ? double.NaN : (double)OnEvents / Alerts;
    public double MedianDelay => Median(Events.Where(e => e.DelayDays is not null).Select(e => e.DelayDays!.Value));
    public double MaxDelay => Events.Where(e => e.DelayDays is not null).Select(e => e.DelayDays!.Value).DefaultIfEmpty(double.NaN).Max();

    public static Scores Of(IReadOnlyList<ScoredAlert> alerts, IReadOnlyList<Label> headline, IReadOnlyList<Label>? labels)
    {
        static bool Overlaps(ScoredAlert a, Label l) => a.Route == l.Route && a.Start < l.End && a.End > l.Start;
        var events = headline.Select(e => new EventRow(e, alerts.Where(a => Overlaps(a, e)).MinBy(a => a.FiredAt))).ToList();
        var marked = labels ?? headline;
        var onEvents = alerts.Count(a => marked.Any(l => l.IsEvent && Overlaps(a, l)));
        var inCalm = labels is null ? [] : alerts.Where(a => labels.Any(l => l.Kind == Label.Calm && l.Route == a.Route && a.FiredAt > l.Start && a.FiredAt <= l.End)).ToList();
        return new Scores(events, alerts.Count, onEvents, inCalm, labels is not null);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The per-event table and the figures, in <paramref name="unit"/> (days, or weeks for weekly series).</summary>
    public void Print(string title, string unit = "days", double perUnit = 1)
    {
        var table = new Table().Border(TableBorder.Minimal).Title(title).AddColumns("route", "event", "from", "to", "first alert", "detector", "delay");
        foreach (var row in Events)
        {
            table.AddRow(Markup.Escape(row.Event.Route), Markup.Escape(row.Event.Name), $"{row.Event.First:yyyy-MM-dd}", $"{row.Event.Last:yyyy-MM-dd}",
                row.First is null ? "[red]missed[/]" : $"{row.First.FiredAt:yyyy-MM-dd HH:mm}", row.First?.Detector ?? "",
                row.DelayDays is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d / perUnit:0.0} {unit}") : "");
        }
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        AnsiConsole.Write(table);
        Console.WriteLine(Summary(unit, perUnit));
    }

    public string Summary(string unit = "days", double perUnit = 1) => string.Create(CultureInfo.InvariantCulture,
        $"recall={Recall:0.00} ({Caught}/{Events.Count} events) median delay={MedianDelay / perUnit:0.0} {unit} max delay={MaxDelay / perUnit:0.0} {unit} precision={Precision:0.00} ({OnEvents}/{Alerts} alerts on a labelled event){(HasLabels ? $" calm-month alerts={InCalm.Count}" : "")}");
}
