using BorderWatch.Geography;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Alerting;

/// <summary>
/// A cell of the map in a scenario: the slow reports, offshore, of the assets in or near it over the encounter
/// rule's time. Each report is judged, in event-time order, against the others' reports up to its time, so the
/// pairs found do not depend on which asset's batch came first. A pair is judged in the cell its first asset (by
/// id) lies in. Memory only: after a restart a cell starts empty, and a pair already told stays in the alert book.
/// </summary>
public sealed class EncounterCellGrain(IOptions<BehaviourOptions> behaviour) : Grain, IEncounterCellGrain
{
    private sealed class Heard
    {
        public List<AlertAsset> Reports { get; } = [];
        public bool Home { get; set; }
        public DateTimeOffset? MovedOn { get; set; }
    }

    private readonly Dictionary<string, Heard> _assets = new(StringComparer.Ordinal);
    // Pairs told to the book, with the start of the run told: each is told it parted once.
    private readonly Dictionary<(string, string), DateTimeOffset> _told = [];

    private string Scenario => GrainKeys.Parse(this.GetPrimaryKeyString()).Scenario;

    public async Task ReportAsync(CellReport[] reports)
    {
        var rule = behaviour.Value.Encounter;
        var told = new List<EncounterReport>();
        foreach (var report in reports.OrderBy(r => r.At.Time))
        {
            var asset = report.At.Asset;
            if (!_assets.TryGetValue(asset, out var heard)) _assets[asset] = heard = new Heard();
            if (report.Slow)
            {
                var at = heard.Reports.FindLastIndex(r => r.Time <= report.At.Time) + 1;
                heard.Reports.Insert(at, report.At);
                (heard.Home, heard.MovedOn) = (report.Home, null);
            }
            else heard.MovedOn = report.At.Time;
            foreach (var other in _assets.Keys.Where(k => k != asset).ToList())
                if (Judge(string.CompareOrdinal(asset, other) < 0 ? (asset, other) : (other, asset), report.At.Time, rule) is { } change) told.Add(change);
        }
        told.AddRange(Parted());
        Forget(rule);
        if (told.Count > 0) await GrainFactory.GetGrain<IAlertsGrain>(Scenario).EncounterAsync([.. told]);
    }

    /// <summary>The pair as of <paramref name="now"/>: a run long enough not yet told, or a told run that has ended.</summary>
    private EncounterReport? Judge((string First, string Second) pair, DateTimeOffset now, EncounterOptions rule)
    {
        var (first, second) = (_assets[pair.First], _assets[pair.Second]);
        if (!first.Home) return null; // judged where the first lies
        var run = first.MovedOn <= now || second.MovedOn <= now ? null : Run(first, second, now, rule);
        if (_told.TryGetValue(pair, out var since))
        {
            if (run is { } still && still.Since == since) return null;
            _told.Remove(pair);
            var (a, b) = (Latest(first, now), Latest(second, now));
            return a is null || b is null ? null : new EncounterReport(a, b, since, now, Metres(a, b), Apart: true);
        }
        if (run is not { } found || now - found.Since < rule.For) return null;
        // Told as of the moment the rule was met and by the reports that began it: what a replay finds too,
        // whichever asset's reports reached the cell first.
        _told[pair] = found.Since;
        return new EncounterReport(found.A, found.B, found.Since, found.Since + rule.For, found.Metres, Apart: false);
    }

    /// <summary>
    /// Back from <paramref name="now"/>, the reports of either asset while the other's nearest in time (within
    /// <see cref="EncounterOptions.Together"/>) was within the distance: the run's start, with the two reports that
    /// began it and how far apart they were.
    /// </summary>
    private static (DateTimeOffset Since, AlertAsset A, AlertAsset B, double Metres)? Run(Heard first, Heard second, DateTimeOffset now, EncounterOptions rule)
    {
        var reports = first.Reports.Where(r => r.Time <= now).Select(r => (Mine: r, Other: second))
            .Concat(second.Reports.Where(r => r.Time <= now).Select(r => (Mine: r, Other: first))).OrderByDescending(r => r.Mine.Time);
        (DateTimeOffset Since, AlertAsset A, AlertAsset B, double Metres)? run = null;
        foreach (var (mine, other) in reports)
        {
            var nearest = other.Reports.Where(r => r.Time <= now).MinBy(r => Math.Abs((r.Time - mine.Time).Ticks));
            if (nearest is null || (nearest.Time - mine.Time).Duration() > rule.Together || Metres(mine, nearest) > rule.DistanceM) break;
            var (a, b) = other == second ? (mine, nearest) : (nearest, mine);
            run = (mine.Time, a, b, Metres(mine, nearest));
        }
        return run;
    }

    /// <summary>
    /// Told pairs one of which has moved on since they met, though no report after that reached the cell once the
    /// pair was told (its batch came before the other's): they parted when it moved on.
    /// </summary>
    private List<EncounterReport> Parted()
    {
        var parted = new List<EncounterReport>();
        foreach (var (pair, since) in _told.ToList())
        {
            var (first, second) = (_assets[pair.Item1], _assets[pair.Item2]);
            if (new[] { first.MovedOn, second.MovedOn }.Where(m => m > since).Min() is not { } at) continue;
            _told.Remove(pair);
            if (Latest(first, at) is { } a && Latest(second, at) is { } b) parted.Add(new EncounterReport(a, b, since, at, Metres(a, b), Apart: true));
        }
        return parted;
    }

    private static AlertAsset? Latest(Heard heard, DateTimeOffset now) => heard.Reports.LastOrDefault(r => r.Time <= now);

    private static double Metres(AlertAsset a, AlertAsset b) => Math.Round(GreatCircle.Km(a.Lat, a.Lon, b.Lat, b.Lon) * 1000);

    /// <summary>Keeps what a run can still need: each asset's reports over the rule's time, and the assets heard from lately.</summary>
    private void Forget(EncounterOptions rule)
    {
        var newest = _assets.Values.SelectMany(h => h.Reports).Select(r => r.Time).DefaultIfEmpty().Max();
        var keep = rule.For + rule.Together;
        foreach (var (asset, heard) in _assets.ToList())
        {
            if (heard.Reports.Count > 0 && heard.Reports[^1].Time - heard.Reports[0].Time > 2 * keep)
                heard.Reports.RemoveAll(r => r.Time < heard.Reports[^1].Time - 2 * keep);
            if (heard.Reports.Count == 0 || newest - heard.Reports[^1].Time > 2 * keep) _assets.Remove(asset);
        }
        foreach (var pair in _told.Keys.Where(p => !_assets.ContainsKey(p.Item1) || !_assets.ContainsKey(p.Item2)).ToList()) _told.Remove(pair);
    }
}
