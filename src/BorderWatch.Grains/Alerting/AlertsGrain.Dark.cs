using BorderWatch.Geography;

namespace BorderWatch.Grains.Alerting;

/// <summary>"Went dark": raised while the asset is silent (the asset index tells), resolved when it reports again (its grain tells).</summary>
public sealed partial class AlertsGrain
{
    public const string Dark = "dark";

    public Task DarkAsync(DarkReport[] reports)
    {
        var rule = behaviour.Value.Dark;
        var touched = new List<string>();
        foreach (var report in reports)
        {
            var last = report.LastSeen;
            if (!rule.Watches(last.Kind) || !report.UnderWay) continue;
            if (report.Reappeared is { } back && back.Time - last.Time < rule.After) continue;
            if (Nearest(last) is not ({ } sector, var km) || km > rule.RangeKm) continue;
            var id = $"{Dark}:{last.Asset}:{last.Time:yyyy-MM-ddTHH:mm:ss.fff}Z";
            var isNew = !Book.Alerts.TryGetValue(id, out var alert);
            if (!isNew && (report.Reappeared is null || alert!.State == AlertState.Resolved)) continue;
            var info = sector.Info;
            var where = km == 0 ? $"inside {info.Name}" : $"{km:0.#} km from {info.Name}";
            alert ??= new Alert
            {
                Id = id, Scenario = Scenario, Target = "asset", TargetId = last.Asset, Route = info.Route, Behaviour = Dark, Detector = Dark,
                Metric = "silence", Start = last.Time, End = last.Time + rule.After, FiredAt = last.Time + rule.After, State = AlertState.Firing,
                Severity = "warning", Sectors = [info.Id], Assets = [last],
                Reason = $"{Who(last)} was last seen {where} at {last.Lat:0.####}, {last.Lon:0.####}, under way at {report.SpeedKn?.ToString("0.#") ?? "an unreported speed"} kn, "
                    + $"and said nothing for {rule.After.TotalHours:0.#} h",
            };
            if (report.Reappeared is { } seen)
            {
                var (gap, moved) = (seen.Time - last.Time, GreatCircle.Km(last.Lat, last.Lon, seen.Lat, seen.Lon));
                var knots = moved / GreatCircle.KmPerNauticalMile / gap.TotalHours;
                var spoof = knots > rule.SpoofKnots;
                (alert.State, alert.End, alert.ResolvedAt, alert.Assets) = (AlertState.Resolved, seen.Time, seen.Time, [last, seen]);
                alert.Resolution = $"reported again after {gap.TotalHours:0.#} h at {seen.Lat:0.####}, {seen.Lon:0.####}, {moved:0.#} km from where it went dark: "
                    + $"{knots:0.#} kn on average" + (spoof ? $", faster than {rule.SpoofKnots:0} kn could take it: suspected spoofing" : "");
                if (spoof) (alert.Severity, alert.Reason) = ("major", alert.Reason + "; its reappearance is a suspected spoof");
            }
            alert.Version++;
            if (isNew) Raise(alert);
            if (alert.State == AlertState.Resolved) Notify(alert, "resolved");
            touched.Add(info.Id);
        }
        if (touched.Count == 0) return Task.CompletedTask;
        UpdateImpact(touched.Distinct(), "system", null);
        Unwritten();
        return Task.CompletedTask;
    }

    /// <summary>The sector the point lies in (the smallest), else the nearest one.</summary>
    private (Sector? Sector, double Km) Nearest(AlertAsset at)
    {
        if (catalogue.Locate(at.Lat, at.Lon) is { } inside) return (inside, 0);
        return catalogue.Sectors.Select(s => (Sector: (Sector?)s, Km: GreatCircle.KmTo(s, at.Lat, at.Lon))).MinBy(x => x.Km);
    }

    private static string Who(AlertAsset at) => $"{at.Asset}{(at.Name is { } name ? $" ({name})" : "")}, {at.Kind ?? "asset"},";
}
