using BorderWatch.Geography;

namespace BorderWatch.Grains.Alerting;

/// <summary>
/// Behaviour alerts in the same book as the count alerts: same lifecycle, acknowledgement, silences and webhooks.
/// An entry's id is made of the sector, the asset and the event time of the position that crossed, so a crossing
/// sent again (a retried batch, a replay) raises nothing new.
/// </summary>
public sealed partial class AlertsGrain
{
    public const string SectorEntry = "sector-entry";

    public Task CrossedAsync(SectorCrossing[] crossings)
    {
        var changed = false;
        foreach (var crossing in crossings)
        {
            if (crossing.From is { } left) changed |= Left(crossing, left);
            if (crossing.To is { } entered) changed |= Entered(crossing, entered);
        }
        if (!changed) return Task.CompletedTask;
        UpdateImpact(crossings.SelectMany(c => new[] { c.From, c.To }).OfType<string>().Distinct(), "system", null);
        Unwritten();
        return Task.CompletedTask;
    }

    /// <summary>A watched asset into a sector at or above the rule's impact level, as the level stands when the crossing arrives.</summary>
    private bool Entered(SectorCrossing crossing, string sector)
    {
        var rule = behaviour.Value.SectorEntry;
        var at = crossing.Asset;
        if (!rule.Watches(at.Kind, crossing.ShipType) || catalogue.FindSector(sector)?.Info is not { } info) return false;
        var level = Book.Levels.GetValueOrDefault(sector, info.ImpactLevel);
        if (ImpactLevels.Rank(level) < ImpactLevels.Rank(rule.MinImpact)) return false;
        var id = $"{SectorEntry}:{sector}:{at.Asset}:{at.Time:yyyy-MM-ddTHH:mm:ss.fff}Z";
        if (Book.Alerts.ContainsKey(id)) return false;
        var who = $"{at.Asset}{(at.Name is { } name ? $" ({name})" : "")}, {at.Kind ?? "asset"}{(crossing.ShipType is { } t ? $" of ship type {t}" : "")}";
        var alert = new Alert
        {
            Id = id, Scenario = Scenario, Target = "asset", TargetId = at.Asset, Route = info.Route, Behaviour = SectorEntry, Detector = SectorEntry,
            Metric = "entries", Start = at.Time, End = at.Time, FiredAt = at.Time, Observed = 1, State = AlertState.Firing,
            Severity = level == "critical" ? "major" : "warning", Sectors = [sector], Assets = [at], Version = 1,
            Reason = $"{who} entered {info.Name}, impact {level} (the rule watches {rule.MinImpact} and above), at {at.Lat:0.####}, {at.Lon:0.####}",
        };
        Raise(alert);
        return true;
    }

    /// <summary>Leaving the sector resolves its entry alerts of that asset from before.</summary>
    private bool Left(SectorCrossing crossing, string sector)
    {
        var at = crossing.Asset;
        var open = Book.Alerts.Values.Where(a => a.Behaviour == SectorEntry && a.TargetId == at.Asset && a.State != AlertState.Resolved
            && a.Sectors.Contains(sector) && a.Start <= at.Time).ToList();
        foreach (var alert in open) Resolve(alert, at.Time, $"left {sector} at {at.Lat:0.####}, {at.Lon:0.####}");
        return open.Count > 0;
    }

    /// <summary>Judges each report, then writes the book once for all it changed.</summary>
    private Task TellAsync<T>(T[] reports, Func<T, Alert?> judge)
    {
        var changed = reports.Select(judge).OfType<Alert>().ToList();
        if (changed.Count == 0) return Task.CompletedTask;
        UpdateImpact(changed.SelectMany(a => a.Sectors).Distinct(), "system", null);
        Unwritten();
        return Task.CompletedTask;
    }

    /// <summary>A new behaviour alert into the book, silenced if a silence matches, and its webhooks told.</summary>
    private Alert Raise(Alert alert)
    {
        alert.SilencedBy = Book.Silences.FirstOrDefault(s => s.Matches(alert))?.Id;
        Book.Alerts[alert.Id] = alert;
        BorderWatchMetrics.AlertsFired.Add(1, BorderWatchMetrics.Tag("target", "asset"));
        Notify(alert, "fired");
        return alert;
    }

    /// <summary>A behaviour alert over: at <paramref name="at"/> (event time), and why.</summary>
    private Alert Resolve(Alert alert, DateTimeOffset at, string resolution)
    {
        (alert.State, alert.End, alert.ResolvedAt, alert.Resolution) = (AlertState.Resolved, at, at, resolution);
        alert.Version++;
        Notify(alert, "resolved");
        return alert;
    }
}
