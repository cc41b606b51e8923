using BorderWatch.Geography;
using BorderWatch.Grains.Counting;

namespace BorderWatch.Grains.Alerting;

public sealed partial class AlertsGrain
{
    /// <summary>Judges the changed sectors and their routes from <paramref name="from"/>; returns the alerts that changed.</summary>
    private async Task<List<Alert>> EvaluateAsync(List<string> sectors, DateTimeOffset from)
    {
        var changed = new List<Alert>();
        BorderWatchMetrics.AlertEvaluations.Add(1);
        if (await GrainFactory.GetGrain<IScenarioGrain>(Scenario).GetNewestEventAsync() is not { } newest) return changed;
        foreach (var group in sectors.GroupBy(s => catalogue.RouteOf(s)!))
        {
            var route = catalogue.FindRoute(group.Key)!;
            var spans = await Task.WhenAll(route.SectorIds.Select(id => Sector(id).GetSpanAsync()));
            foreach (var bucket in new[] { BucketSize.Hour, BucketSize.Day })
            {
                var targets = new List<Target>();
                if (_options.RuleFor("route", route.Id, bucket) is { } routeRule)
                    targets.Add(new Target("route", route.Id, routeRule, [.. route.SectorIds], spans.Aggregate(RecordSpan.Empty, (a, b) => a + b).First));
                foreach (var sector in group.Distinct())
                {
                    if (_options.RuleFor("sector", sector, bucket) is { } rule)
                        targets.Add(new Target("sector", sector, rule, [sector], spans[route.SectorIds.ToList().IndexOf(sector)].First));
                }
                if (targets.Count > 0) changed.AddRange(await EvaluateAsync(route.Id, route.SectorIds, bucket, targets, from, newest));
            }
            changed.AddRange(GroupSectors(route.Id));
            UpdateImpact(route.SectorIds, "system", null);
        }
        return changed;
    }

    private sealed record Target(string Kind, string Id, AlertRule Rule, string[] Sectors, DateTimeOffset? FirstRecord);

    private async Task<List<Alert>> EvaluateAsync(string route, IReadOnlyList<string> sectorIds, BucketSize bucket, List<Target> targets,
        DateTimeOffset from, DateTimeOffset newest)
    {
        var last = Buckets.Index(bucket, newest);
        var changedAt = Buckets.Index(bucket, from);
        if (bucket == BucketSize.Hour) changedAt = Math.Max(changedAt, Buckets.Index(bucket, newest - HourHorizon));
        changedAt = Math.Min(changedAt, last);

        // Where each target's state machine restarts: inside its open alert, or idle a "for" before the change.
        var plans = targets.Select(t =>
        {
            var open = OpenAlert(t, bucket, Buckets.Start(bucket, changedAt));
            var restart = open is null ? changedAt - (t.Rule.For - 1) : Buckets.Index(bucket, open.End) - 1;
            return (Target: t, Open: open, Restart: Math.Min(restart, changedAt));
        }).ToList();
        var first = plans.Min(p => p.Restart) - targets.Max(t => t.Rule.Lookback);

        var series = await Task.WhenAll(sectorIds.Select(id => Sector(id).GetSeriesAsync(bucket, Buckets.Start(bucket, first), Buckets.Start(bucket, last + 1))));
        var bySector = sectorIds.Select((id, i) => (id, series[i].Points)).ToDictionary(x => x.id, x => x.Points);
        var starts = series[0].Points.Select(p => p.Start).ToArray();
        var closed = starts.Select(s => s + Buckets.Length(bucket) <= newest).ToArray();

        var changed = new List<Alert>();
        foreach (var (target, open, restart) in plans)
        {
            var (persons, detections) = Totals(target.Sectors.Select(sector => bySector[sector]), starts.Length);
            var historyStart = target.FirstRecord is { } f ? (int)Math.Max(0, Buckets.Index(bucket, f) - first) : starts.Length;
            var decisions = new Decision[starts.Length];
            for (var i = (int)(restart - first); i < starts.Length; i++) decisions[i] = target.Rule.Decide(persons, detections, i, historyStart);
            var resume = open is null ? null : new Episode
            {
                Start = open.Start, Direction = open.Direction == "dip" ? -1 : 1, LastAbnormal = (int)(restart - first),
                Abnormal = target.Rule.For, Fired = true,
                Peak = new Decision(open.Observed, open.Expected, open.Score, 0) { Detector = open.Detector, Probability = open.Probability, ChangeIndex = -1 },
                ChangePoint = open.ChangePoint,
            };
            var episodes = EpisodeTracker.Run(decisions, closed, starts, (int)(restart - first), resume, target.Rule);
            changed.AddRange(Reconcile(route, target, bucket, open, Buckets.Start(bucket, restart), episodes, starts, newest));
        }
        return changed;
    }

    /// <summary>A route's counts from <paramref name="from"/> to <paramref name="to"/> with what its rule for the bucket size expects of each.</summary>
    public async Task<BaselinePoint[]> GetBaselineAsync(string routeId, BucketSize bucket, DateTimeOffset from, DateTimeOffset to)
    {
        if (catalogue.FindRoute(routeId) is not { } route || _options.RuleFor("route", routeId, bucket) is not { } rule) return [];
        var first = Buckets.Index(bucket, from) - rule.Lookback;
        var end = Buckets.Index(bucket, to - TimeSpan.FromTicks(1)) + 1;
        var spans = await Task.WhenAll(route.SectorIds.Select(id => Sector(id).GetSpanAsync()));
        var series = await Task.WhenAll(route.SectorIds.Select(id => Sector(id).GetSeriesAsync(bucket, Buckets.Start(bucket, first), Buckets.Start(bucket, end))));
        var starts = series[0].Points.Select(p => p.Start).ToArray();
        var (persons, detections) = Totals(series.Select(s => s.Points), starts.Length);
        var historyStart = spans.Aggregate(RecordSpan.Empty, (a, b) => a + b).First is { } f ? (int)Math.Max(0, Buckets.Index(bucket, f) - first) : starts.Length;
        var points = new List<BaselinePoint>();
        for (var i = rule.Lookback; i < starts.Length; i++)
        {
            var d = rule.Decide(persons, detections, i, historyStart);
            var observed = rule.Metric == AlertMetric.Detections ? detections[i] : persons[i];
            points.Add(new BaselinePoint(starts[i], observed, Math.Round(d.Expected, 1), Math.Round(d.Upper, 1), Math.Round(d.Score, 2), d.Abnormal == 1, d == Decision.Unknown ? null : d.Detector));
        }
        return [.. points];
    }

    /// <summary>Persons and detections of sectors' series added bucket by bucket.</summary>
    private static (long[] Persons, long[] Detections) Totals(IEnumerable<IReadOnlyList<SeriesPoint>> sectors, int length)
    {
        var (persons, detections) = (new long[length], new long[length]);
        foreach (var points in sectors)
        {
            for (var i = 0; i < length; i++)
            {
                persons[i] += points[i].Persons;
                detections[i] += points[i].Detections;
            }
        }
        return (persons, detections);
    }

    /// <summary>The target's alert that was not yet resolved at <paramref name="at"/> (or resolved only after it).</summary>
    private Alert? OpenAlert(Target target, BucketSize bucket, DateTimeOffset at) => Book.Alerts.Values
        .Where(a => a.Target == target.Kind && a.TargetId == target.Id && a.Bucket == bucket && a.Start <= at
            && a.Resolution != Withdrawn && (a.ResolvedAt is null || a.ResolvedAt > at))
        .MaxBy(a => a.Start);

    private const string Withdrawn = "withdrawn: later records changed the counts";

    /// <summary>Makes the held alerts from <paramref name="restart"/> on agree with the episodes the counts give now.</summary>
    private List<Alert> Reconcile(string route, Target target, BucketSize bucket, Alert? open, DateTimeOffset restart,
        List<Episode> episodes, DateTimeOffset[] starts, DateTimeOffset newest)
    {
        var length = Buckets.Length(bucket);
        var held = Book.Alerts.Values
            .Where(a => a.Target == target.Kind && a.TargetId == target.Id && a.Bucket == bucket && (a.Start >= restart || a.Id == open?.Id))
            .ToDictionary(a => a.Id);
        var changed = new List<Alert>();
        foreach (var episode in episodes)
        {
            var id = $"{target.Kind}:{target.Id}:{bucket.ToString().ToLowerInvariant()}:{episode.Start:yyyy-MM-ddTHH:mm}Z";
            var isNew = !Book.Alerts.TryGetValue(id, out var alert);
            held.Remove(id);
            alert ??= new Alert { Id = id, Scenario = Scenario, Target = target.Kind, TargetId = target.Id, Route = route, Bucket = bucket, Start = episode.Start };
            var before = (alert.End, alert.Observed, alert.Score, alert.State, alert.ResolvedAt, alert.Resolution);
            alert.Metric = target.Rule.Metric.ToString().ToLowerInvariant();
            alert.Direction = episode.Direction > 0 ? "spike" : "dip";
            alert.End = starts[episode.LastAbnormal] + length;
            alert.Observed = episode.Peak.Observed;
            alert.Expected = Math.Round(episode.Peak.Expected, 1);
            alert.Score = Math.Round(episode.Peak.Score, 2);
            alert.Threshold = target.Rule.Sensitivity;
            alert.Detector = episode.Peak.Detector;
            alert.Probability = episode.Peak.Probability;
            alert.ChangePoint = episode.ChangePoint;
            alert.Severity = Math.Abs(alert.Score) >= 2 * alert.Threshold ? "major" : "warning";
            if (episode.FiredIndex >= 0 && (isNew || alert.Resolution == Withdrawn))
            {
                alert.FiredAt = starts[episode.FiredIndex] + length;
                BorderWatchMetrics.AlertsFired.Add(1, BorderWatchMetrics.Tag("target", target.Kind));
            }
            if (episode.ResolvedIndex is { } r)
            {
                alert.State = AlertState.Resolved;
                alert.ResolvedAt = starts[r] + length;
                alert.Resolution = "counts back to normal";
            }
            else
            {
                alert.State = alert.Acknowledgement is null ? AlertState.Firing : AlertState.Acknowledged;
                alert.ResolvedAt = null;
                alert.Resolution = null;
            }
            if (isNew)
            {
                Book.Alerts[id] = alert;
                alert.SilencedBy = Book.Silences.FirstOrDefault(s => s.Matches(alert))?.Id;
            }
            if (isNew || before != (alert.End, alert.Observed, alert.Score, alert.State, alert.ResolvedAt, alert.Resolution))
            {
                alert.Version++;
                changed.Add(alert);
            }
            if (isNew) Notify(alert, "fired");
            else if (alert.State == AlertState.Resolved && before.State != AlertState.Resolved) Notify(alert, "resolved");
        }
        foreach (var gone in held.Values.Where(a => a.Resolution != Withdrawn))
        {
            gone.State = AlertState.Resolved;
            gone.ResolvedAt = newest;
            gone.Resolution = Withdrawn;
            gone.Version++;
            changed.Add(gone);
            Notify(gone, "resolved");
        }
        return changed;
    }

    /// <summary>A route alert lists the sectors that alerted in its window: one page to read, not ten.</summary>
    private List<Alert> GroupSectors(string route)
    {
        var changed = new List<Alert>();
        var alerts = Book.Alerts.Values.Where(a => a.Route == route && a.Resolution != Withdrawn).ToList();
        foreach (var routeAlert in alerts.Where(a => a.Target == "route"))
        {
            var sectors = alerts.Where(a => a.Target == "sector" && a.Bucket == routeAlert.Bucket && a.Start < routeAlert.End && a.End > routeAlert.Start)
                .Select(a => a.TargetId).Distinct().Order(StringComparer.Ordinal).ToList();
            if (sectors.SequenceEqual(routeAlert.Sectors)) continue;
            routeAlert.Sectors = sectors;
            routeAlert.Version++;
            changed.Add(routeAlert);
        }
        return changed;
    }

    /// <summary>
    /// A sector's impact level: an operator's, or at least what its active alerts' severities call for
    /// (<see cref="AlertOptions.Impact"/>), or the catalogue's. Every change is an audit entry.
    /// </summary>
    private void UpdateImpact(IEnumerable<string> sectors, string by, string? reason)
    {
        foreach (var sector in sectors)
        {
            var catalogued = catalogue.FindSector(sector)?.Info.ImpactLevel ?? "low";
            var current = Book.Levels.GetValueOrDefault(sector, catalogued);
            string level;
            string why;
            var who = by;
            if (Book.Overrides.TryGetValue(sector, out var set))
            {
                level = set.To;
                why = set.Why;
                who = set.By;
            }
            else
            {
                // A sector's own alerts, and the behaviour alerts that lie in it.
                var active = Book.Alerts.Values.Where(a => a.State != AlertState.Resolved
                    && (a.Target == "sector" && a.TargetId == sector || a.Target == "asset" && a.Sectors.Contains(sector))).ToList();
                level = active.Select(a => _options.Impact.GetValueOrDefault(a.Severity, catalogued)).Append(catalogued).MaxBy(ImpactLevels.Rank)!;
                why = reason ?? (active.Count > 0 ? $"alert {string.Join(", ", active.Select(a => a.Id))}" : "no active alert");
            }
            if (level == current) continue;
            if (level == catalogued) Book.Levels.Remove(sector);
            else Book.Levels[sector] = level;
            Book.Audit.Add(new ImpactChange(sector, who, time.GetUtcNow(), current, level, why));
        }
    }
}
