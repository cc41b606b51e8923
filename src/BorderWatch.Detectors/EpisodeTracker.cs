using BorderWatch.Contracts;

namespace BorderWatch.Detectors;

/// <summary>A run of abnormal buckets: one alert, from its first abnormal bucket until it resolved.</summary>
public sealed class Episode
{
    public required DateTimeOffset Start { get; init; }
    public required int Direction { get; init; }
    public int LastAbnormal { get; set; }
    public int Abnormal { get; set; }
    public Decision Peak { get; set; }

    /// <summary>Where the rise began, by the detector's reckoning: the change point of its first abnormal bucket.</summary>
    public DateTimeOffset? ChangePoint { get; set; }
    public bool Fired { get; set; }
    public int FiredIndex { get; set; } = -1;
    public int? ResolvedIndex { get; set; }
}

/// <summary>
/// The alert state machine over judged buckets. An alert fires after <see cref="AlertRule.For"/> abnormal buckets in a
/// row, stays one alert while buckets stay beyond half the sensitivity, and resolves after
/// <see cref="AlertRule.ResolveAfter"/> closed buckets below it. A bucket still open can fire or extend an alert but
/// never resolve one: its count is not final. Pure, so replaying the same counts gives the same alerts.
/// </summary>
public static class EpisodeTracker
{
    /// <summary>
    /// Runs over buckets <paramref name="from"/>.. of <paramref name="decisions"/>, starting idle or inside
    /// <paramref name="open"/> (then <paramref name="from"/> must be its last abnormal bucket, where its calm count is 0).
    /// Returns the fired episodes met, the last possibly unresolved.
    /// </summary>
    public static List<Episode> Run(Decision[] decisions, bool[] closed, DateTimeOffset[] starts, int from, Episode? open, AlertRule rule)
    {
        var episodes = new List<Episode>();
        var current = open;
        var calm = 0;
        for (var i = from; i < decisions.Length; i++)
        {
            var d = decisions[i];
            if (current is null)
            {
                if (d.Abnormal == 0) continue;
                current = new Episode
                {
                    Start = starts[i], Direction = d.Abnormal, LastAbnormal = i, Abnormal = 1, Peak = d,
                    ChangePoint = d.ChangeIndex >= 0 ? starts[d.ChangeIndex] : null,
                };
                calm = 0;
                FireIfDue(current, i, rule);
                continue;
            }
            if (d.Abnormal == current.Direction)
            {
                current.LastAbnormal = i;
                current.Abnormal++;
                if (Math.Abs(d.Score) > Math.Abs(current.Peak.Score)) current.Peak = d;
                calm = 0;
                FireIfDue(current, i, rule);
            }
            else if (!closed[i])
            {
                // An open bucket is not evidence of calm yet.
            }
            else if (!current.Fired)
            {
                current = null;   // "for" not met: the pending alert lapses without a trace
            }
            else if (current.Direction * d.Score >= rule.Sensitivity / 2)
            {
                calm = 0;         // hysteresis: still well above normal, the alert holds
            }
            else if (++calm >= rule.ResolveAfter)
            {
                current.ResolvedIndex = i;
                episodes.Add(current);
                current = null;
            }
        }
        if (current is { Fired: true }) episodes.Add(current);
        return episodes;
    }

    private static void FireIfDue(Episode episode, int index, AlertRule rule)
    {
        if (episode.Fired || episode.Abnormal < rule.For) return;
        episode.Fired = true;
        episode.FiredIndex = index;
    }
}
