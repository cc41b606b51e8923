namespace BorderWatch.Grains.Alerting;

/// <summary>Loitering: raised when an asset's grain finds it slow long enough offshore, resolved when it moves on.</summary>
public sealed partial class AlertsGrain
{
    public const string Loitering = "loitering";

    public Task LoiterAsync(LoiterReport[] reports) => TellAsync(reports, Judge);

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
            alert.Assets = [from, latest, by];
            Resolve(alert, by.Time, $"moved on at {by.Lat:0.####}, {by.Lon:0.####} after {(latest.Time - from.Time).TotalHours:0.#} h slow");
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
            Raise(alert);
        }
        return alert;
    }
}
