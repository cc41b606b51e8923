using BorderWatch.Geography;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Alerting;

/// <summary>
/// A cell of the map in a scenario: the reports, offshore, of the assets in or near it (slow ones, and the first
/// that was not, which ends a run), one a minute over <see cref="EncounterOptions.Memory"/>. Each call works out again, from what the cell
/// holds, the runs of every pair it touches, so the runs found do not depend on the order in which reports came,
/// and tells the book what changed against what it was told before: a run told before is the one that overlaps it,
/// even when late reports moved its start. A pair is judged in the cell its first asset (by id) lies in when the
/// run begins. Memory only: after a restart a cell starts empty, and a pair already told stays in the alert book.
/// </summary>
public sealed class EncounterCellGrain(IOptions<BehaviourOptions> behaviour) : Grain, IEncounterCellGrain
{
    /// <summary>A run of reports together: when it began and with which two reports, and when a report ended it (null: on).</summary>
    private sealed record Run(DateTimeOffset Since, AlertAsset A, AlertAsset B, double Metres, DateTimeOffset LastTogether, DateTimeOffset? Ended, bool Home);

    /// <summary>A run told to the book: the start it was told with, and when it was told apart (null: not yet).</summary>
    private sealed class Told
    {
        public required DateTimeOffset Since { get; init; }
        public DateTimeOffset? Apart { get; set; }
        public bool Overlaps(Run run) => run.Since < (Apart ?? DateTimeOffset.MaxValue) && (run.Ended ?? DateTimeOffset.MaxValue) > Since;
    }

    // Each asset's reports in time order, the earliest of each minute (slow and not apart): whatever order they came in, the same.
    private readonly Dictionary<string, List<CellReport>> _assets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), List<Told>> _told = [];

    private string Scenario => GrainKeys.Parse(this.GetPrimaryKeyString()).Scenario;

    public async Task ReportAsync(CellReport[] reports)
    {
        var rule = behaviour.Value.Encounter;
        foreach (var report in reports)
        {
            var asset = report.At.Asset;
            if (!_assets.TryGetValue(asset, out var heard)) _assets[asset] = heard = [];
            var at = heard.FindLastIndex(r => r.At.Time <= report.At.Time);
            var same = at >= 0 && SameMinute(heard[at], report) ? at : at + 1 < heard.Count && SameMinute(heard[at + 1], report) ? at + 1 : -1;
            if (same < 0) heard.Insert(at + 1, report);
            else if (report.At.Time < heard[same].At.Time) heard[same] = report;
        }
        var told = new List<EncounterReport>();
        foreach (var asset in reports.Select(r => r.At.Asset).Distinct(StringComparer.Ordinal))
        {
            foreach (var other in _assets.Keys.Where(k => k != asset).ToList())
            {
                // Each pair once a call, in id order.
                var pair = string.CompareOrdinal(asset, other) < 0 ? (asset, other) : (other, asset);
                if (pair.Item1 != asset && reports.Any(r => r.At.Asset == other)) continue;
                told.AddRange(Reconcile(pair, Runs(_assets[pair.Item1], _assets[pair.Item2], rule), rule));
            }
        }
        told.AddRange(Forget(rule));
        if (told.Count > 0) await GrainFactory.GetGrain<IAlertsGrain>(Scenario).EncounterAsync([.. told.OrderBy(t => t.Apart ? t.Latest : t.Since + rule.For)]);
    }

    private static bool SameMinute(CellReport a, CellReport b) =>
        a.Slow == b.Slow && a.At.Time.UtcTicks / TimeSpan.TicksPerMinute == b.At.Time.UtcTicks / TimeSpan.TicksPerMinute;

    /// <summary>What the runs long enough change against what the book was told of the pair: runs begun, runs ended.</summary>
    private IEnumerable<EncounterReport> Reconcile((string, string) pair, List<Run> runs, EncounterOptions rule)
    {
        if (!_told.TryGetValue(pair, out var told)) told = [];
        foreach (var run in runs.Where(r => r.LastTogether - r.Since >= rule.For))
        {
            var known = told.FirstOrDefault(t => t.Overlaps(run));
            if (known is null)
            {
                if (!run.Home) continue; // the cell the first asset lies in tells it
                // Told as of the moment the rule was met and by the reports that began it: what a replay finds too.
                told.Add(known = new Told { Since = run.Since });
                yield return new EncounterReport(run.A, run.B, run.Since, run.Since + rule.For, run.Metres, Apart: false);
            }
            if (known.Apart is null && run.Ended is { } ended
                && Latest(_assets[pair.Item1], ended) is { } a && Latest(_assets[pair.Item2], ended) is { } b)
            {
                known.Apart = ended;
                yield return new EncounterReport(a, b, known.Since, ended, Metres(a, b), Apart: true);
            }
        }
        if (told.Count > 0) _told[pair] = told;
    }

    /// <summary>
    /// The pair's runs: stretches of reports, of either asset, each slow and with the other's latest report then
    /// (at most <see cref="EncounterOptions.Together"/> older) slow too and within the distance: what a live feed
    /// shows at each report. A report of either that is not slow, or is too far from the other, ends a run; one
    /// while the other has said nothing lately only pauses it.
    /// </summary>
    private static List<Run> Runs(List<CellReport> first, List<CellReport> second, EncounterOptions rule)
    {
        var runs = new List<Run>();
        Run? open = null;
        var timeline = first.Select(r => (Mine: r, Other: second, IsFirst: true)).Concat(second.Select(r => (Mine: r, Other: first, IsFirst: false)))
            .OrderBy(r => r.Mine.At.Time).ThenBy(r => r.IsFirst ? 0 : 1);
        foreach (var (mine, other, isFirst) in timeline)
        {
            var nearest = LatestWithin(other, mine.At.Time, rule.Together);
            var together = mine.Slow && nearest is { Slow: true } n && Metres(mine.At, n.At) <= rule.DistanceM;
            if (together && open is null)
            {
                var (a, b) = isFirst ? (mine, nearest!) : (nearest!, mine);
                open = new Run(mine.At.Time, a.At, b.At, Metres(mine.At, nearest!.At), mine.At.Time, null, a.Home);
            }
            else if (together) open = open! with { LastTogether = mine.At.Time };
            else if (open is not null && (nearest is not null || !mine.Slow))
            {
                // Ended by a report that is not together: one that is alone in time (the other silent) only pauses it.
                runs.Add(open with { Ended = mine.At.Time });
                open = null;
            }
        }
        if (open is not null) runs.Add(open);
        return runs;
    }

    /// <summary>The latest report at or before <paramref name="time"/>, if it is at most <paramref name="within"/> older; else null.</summary>
    private static CellReport? LatestWithin(List<CellReport> reports, DateTimeOffset time, TimeSpan within)
    {
        int low = 0, high = reports.Count;   // the first report after the time
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (reports[mid].At.Time <= time) low = mid + 1; else high = mid;
        }
        return low > 0 && time - reports[low - 1].At.Time <= within ? reports[low - 1] : null;
    }

    private static AlertAsset? Latest(List<CellReport> reports, DateTimeOffset now) => reports.LastOrDefault(r => r.At.Time <= now)?.At;

    private static double Metres(AlertAsset a, AlertAsset b) => Math.Round(GreatCircle.Km(a.Lat, a.Lon, b.Lat, b.Lon) * 1000);

    /// <summary>
    /// Keeps <see cref="EncounterOptions.Memory"/> of each asset's reports behind its newest, and the assets heard
    /// from within it of the cell's newest report. A pair told together and not apart of which the cell no longer
    /// hears one asset parted at that asset's last report.
    /// </summary>
    private IEnumerable<EncounterReport> Forget(EncounterOptions rule)
    {
        var newest = _assets.Values.Select(h => h[^1].At.Time).DefaultIfEmpty().Max();
        var parted = new List<EncounterReport>();
        foreach (var (pair, told) in _told.ToList())
        {
            var (first, second) = (_assets[pair.Item1], _assets[pair.Item2]);
            var lost = new[] { first[^1].At.Time, second[^1].At.Time }.Min();
            if (lost >= newest - rule.Memory) continue;
            foreach (var t in told.Where(t => t.Apart is null))
            {
                var (a, b) = (Latest(first, lost)!, Latest(second, lost)!);
                t.Apart = lost;
                parted.Add(new EncounterReport(a, b, t.Since, lost, Metres(a, b), Apart: true));
            }
            _told.Remove(pair);
        }
        foreach (var (asset, heard) in _assets.ToList())
        {
            var own = heard[^1].At.Time;
            if (own < newest - rule.Memory) _assets.Remove(asset);
            else heard.RemoveAll(r => r.At.Time < own - rule.Memory);
        }
        foreach (var (pair, told) in _told.ToList())
        {
            told.RemoveAll(t => t.Apart < newest - rule.Memory);
            if (told.Count == 0) _told.Remove(pair);
        }
        return parted;
    }
}
