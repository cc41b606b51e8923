namespace BorderWatch.Grains.Alerting;

/// <summary>Loitering: raised when an asset's grain finds it slow long enough offshore, resolved when it moves on.</summary>
public sealed partial class AlertsGrain
{
    public const string Loitering = "loitering";

    public async Task LoiterAsync(LoiterReport[] reports)
    {
        var changed = new List<Alert>();
        foreach (var report in reports) if (Judge(report) is { } alert) changed.Add(alert);
        if (changed.Count == 0) return;
        UpdateImpact(changed.SelectMany(a => a.Sectors).Distinct(), "system", null);
        await SaveAndNotifyAsync();
        ReportFiring();
    }

    /// <summary>What the report changes in the book: the alert raised or resolved, or null.</summary>
    private Alert? Judge(LoiterReport report)
    {
        var rule = behaviour.Value.Loitering;
        var (from, latest) = (report.From, report.Latest);
        if (!rule.Watches(from.Kind)) return null;
        var id = $"{Loitering}:{from.Asset}:{from.Time:yyyy-MM-ddTHH:mm:ss.fff}Z";
        var isNew = !Book.Alerts.TryGetValue(id, out var alert);
        if (report.Ended is { } by)
        {
            if (isNew || alert!.State == AlertState.Resolved) return null;
            (alert.State, alert.End, alert.ResolvedAt) = (AlertState.Resolved, by.Time, by.Time);
            alert.Resolution = $"moved on at {by.Lat:0.####}, {by.Lon:0.####} after {(latest.Time - from.Time).TotalHours:0.#} h slow";
            alert.Assets = [from, latest, by];
            alert.Version++;
            Notify(alert, "resolved");
        }
        else
        {
            if (!isNew) return null;
            var (sector, _) = Nearest(latest);
            var inside = catalogue.Locate(latest.Lat, latest.Lon);
            alert = new Alert
            {
                Id = id, Scenario = Scenario, Target = "asset", TargetId = from.Asset, Route = sector?.Info.Route ?? "", Behaviour = Loitering, Detector = Loitering,
                Metric = "hours", Start = from.Time, End = latest.Time, FiredAt = latest.Time, State = AlertState.Firing, Severity = "warning",
                Sectors = inside is null ? [] : [inside.Id], Assets = [from, latest], Observed = (long)(latest.Time - from.Time).TotalHours,
                Reason = $"{Who(from)} has moved at {report.AverageKnots:0.0} kn on average for {(latest.Time - from.Time).TotalHours:0.#} h "
                    + $"(the rule: under {LoiteringOptions.SlowKnots:0} kn for {rule.For.TotalHours:0.#} h), more than {rule.OffshoreKm:0} km from any coast, "
                    + $"from {from.Lat:0.####}, {from.Lon:0.####} to {latest.Lat:0.####}, {latest.Lon:0.####}",
                Version = 1,
            };
            alert.SilencedBy = Book.Silences.FirstOrDefault(s => s.Matches(alert))?.Id;
            Book.Alerts[id] = alert;
            BorderWatchMetrics.AlertsFired.Add(1, BorderWatchMetrics.Tag("target", "asset"));
            Notify(alert, "fired");
        }
        return alert;
    }
}
