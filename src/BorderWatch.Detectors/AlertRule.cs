using BorderWatch.Contracts;

namespace BorderWatch.Detectors;

public enum AlertMetric
{
    Persons,
    Detections,
}

public enum AlertDirections
{
    Spikes,
    Dips,
    Both,
}

/// <summary>
/// How one bucket size is judged for the targets a rule matches ("*", "route:*", "sector:*", "route:ID",
/// "sector:ID"); for each target and bucket size the last matching rule wins. Hours are judged by
/// <see cref="SpikeDetector"/> (sudden mass arrivals), days by <see cref="SurgeDetector"/> (a sustained rise, or
/// more detections than a small route's rate allows).
/// </summary>
public sealed class AlertRule
{
    public string Match { get; set; } = "*";
    public BucketSize Bucket { get; set; } = BucketSize.Day;
    public AlertMetric Metric { get; set; } = AlertMetric.Persons;

    /// <summary>
    /// The score at which a bucket is abnormal. Hours: the robust z-score (observed - expected) / spread. Days: the
    /// stronger detector's statistic over its own limit (CUSUM / <see cref="Limit"/>, log p / log
    /// <see cref="Probability"/>), times this, so that for both an alert's score against its threshold reads alike.
    /// </summary>
    public double Sensitivity { get; set; } = 4;

    /// <summary>Hours: no alert on smaller numbers (observed for a spike, expected for a dip).</summary>
    public long MinCount { get; set; } = 100;

    /// <summary>Hours: observed must also be this many times expected (or expected this many times observed, for a dip).</summary>
    public double MinRatio { get; set; } = 3;

    /// <summary>Days: the level shift the CUSUM listens for, as a multiple of the baseline.</summary>
    public double Shift { get; set; } = 3;

    /// <summary>Days: the CUSUM's decision limit (in log-likelihood units, after the dispersion).</summary>
    public double Limit { get; set; } = 12;

    /// <summary>Days: detections (of a day, three days or a week) this improbable under the baseline are abnormal...</summary>
    public double Probability { get; set; } = 1e-6;

    /// <summary>...when there are at least this many of them, for targets whose baseline sees at most
    /// <see cref="SmallCounts"/> detections a day (above, the CUSUM judges). Hours: the least detections in an
    /// hour that alerts: one boat, however full, is not a mass arrival.</summary>
    public long MinDetections { get; set; } = 3;

    /// <summary>Days: the largest baseline rate, in detections a day, that the count detector judges.</summary>
    public double SmallCounts { get; set; } = 3;

    public AlertDirections Direction { get; set; } = AlertDirections.Spikes;

    /// <summary>Abnormal buckets in a row before the alert fires ("for" in Prometheus).</summary>
    public int For { get; set; } = 1;

    /// <summary>Closed buckets in a row below half the sensitivity before it resolves: hysteresis against flapping.</summary>
    public int ResolveAfter { get; set; } = 2;

    public bool Enabled { get; set; } = true;

    public bool Matches(string target, string id) =>
        Match == "*" || Match == $"{target}:*" || Match == $"{target}:{id}";

    /// <summary>Buckets of history a decision of this rule needs before its bucket.</summary>
    public int Lookback => Bucket == BucketSize.Hour ? SpikeDetector.Lookback : SurgeDetector.Calendar.Days.Lookback;

    /// <summary>Judges bucket <paramref name="index"/> with this rule's detector; buckets before <paramref name="historyStart"/> are not history.</summary>
    public Decision Decide(long[] persons, long[] detections, int index, int historyStart) => Bucket == BucketSize.Hour
        ? SpikeDetector.Decide(Metric == AlertMetric.Persons ? persons : detections, detections, index, historyStart, this)
        : SurgeDetector.Decide(persons, detections, index, historyStart, this);

    /// <summary>The rule that judges a target's buckets of a size: the last that matches, if it is enabled.</summary>
    public static AlertRule? Choose(IEnumerable<AlertRule> rules, string target, string id, BucketSize bucket) =>
        rules.LastOrDefault(r => r.Bucket == bucket && r.Matches(target, id)) is { Enabled: true } rule ? rule : null;

    /// <summary>
    /// Defaults (README, "Alerts", says on what they were tuned): an hour at 5x the same hour of the last two weeks
    /// and at least 500 persons (a mass landing); a day when a CUSUM for a shift to 3x the seasonal baseline of
    /// detections (boats and groups: their sizes only add noise to a change of rate) passes
    /// its limit, or when a small route's detections are less likely than one in a million under it; a sector, whose
    /// counts are noisier, at three times the limit and one in a billion.
    /// </summary>
    public static List<AlertRule> Defaults() =>
    [
        new() { Bucket = BucketSize.Hour, Sensitivity = 6, MinCount = 500, MinRatio = 5, MinDetections = 2, ResolveAfter = 3 },
        new() { Bucket = BucketSize.Day, Metric = AlertMetric.Detections, Sensitivity = 3, ResolveAfter = 3 },
        new() { Match = "sector:*", Bucket = BucketSize.Day, Metric = AlertMetric.Detections, Sensitivity = 3, ResolveAfter = 3, Limit = 36, Probability = 1e-9 },
    ];
}
