namespace BorderWatch.Grains.Alerting;

/// <summary>Encounters: raised when a cell finds two assets together long enough, resolved when they part.</summary>
public sealed partial class AlertsGrain
{
    public const string Encounter = "encounter";

    public Task EncounterAsync(EncounterReport[] reports) => TellAsync(reports, Judge);

    /// <summary>What the report changes in the book: the alert raised or resolved, or null.</summary>
    private Alert? Judge(EncounterReport report)
    {
        var rule = behaviour.Value.Encounter;
        var (a, b) = (report.First, report.Second);
        var id = $"{Encounter}:{a.Asset}:{b.Asset}:{report.Since:yyyy-MM-ddTHH:mm:ss.fff}Z";
        var isNew = !Book.Alerts.TryGetValue(id, out var alert);
        if (report.Apart)
        {
            if (isNew || alert!.State == AlertState.Resolved) return null;
            Resolve(alert, report.Latest, $"apart at {report.Latest:yyyy-MM-dd HH:mm} UTC after {(report.Latest - report.Since).TotalMinutes:0} min together");
        }
        else
        {
            if (!isNew) return null;
            var (sector, _) = Nearest(a);
            var inside = catalogue.Locate(a.Lat, a.Lon);
            alert = new Alert
            {
                Id = id, Scenario = Scenario, Target = "asset", TargetId = a.Asset, Route = sector?.Info.Route ?? "", Behaviour = Encounter, Detector = Encounter,
                Metric = "minutes", Start = report.Since, End = report.Latest, FiredAt = report.Latest, State = AlertState.Firing, Severity = "warning",
                Sectors = inside is null ? [] : [inside.Id], Assets = [a, b], Observed = (long)(report.Latest - report.Since).TotalMinutes, Version = 1,
                Reason = $"{Who(a)} and {Who(b)} have been within {rule.DistanceM:0} m of each other for {(report.Latest - report.Since).TotalMinutes:0} min, "
                    + $"both under 2 kn, more than {rule.OffshoreKm:0} km from any coast; they met {report.Metres:0} m apart at {a.Lat:0.####}, {a.Lon:0.####}",
            };
            Raise(alert);
        }
        return alert;
    }
}
