using BorderWatch.Contracts;

namespace BorderWatch.Detectors;

/// <summary>
/// The judgement of one bucket, with what it rests on: +1 spike, -1 dip, 0 neither; for days also which detector
/// spoke, the probability of the day's detections and the change point (an index into the series, or -1).
/// </summary>
public readonly record struct Decision(long Observed, double Expected, double Score, int Abnormal)
{
    public string Detector { get; init; } = "hour";
    public double? Probability { get; init; }
    public int ChangeIndex { get; init; } = -1;

    /// <summary>
    /// The band's top: hours, the count at which the bucket alone would be abnormal; days, the level the rise
    /// detector listens for (the baseline times the shift).
    /// </summary>
    public double Upper { get; init; }

    /// <summary>Too little history to judge.</summary>
    public static readonly Decision Unknown = new(0, 0, 0, 0);
}

/// <summary>
/// Judges an hour against the same hour of day on the previous 14 days (the night-and-dawn rhythm of crossings):
/// sudden mass arrivals. Expected is the mean of the past windows; the spread is that of an over-dispersed count, sqrt(expected x
/// dispersion), the dispersion (variance / mean, at least 1) measured on the same past windows. Pure: the same
/// counts give the same decisions.
/// </summary>
public static class SpikeDetector
{
    private const int Lag = 24, Samples = 14, MinSamples = 7;

    /// <summary>Hours of history a decision needs before its hour.</summary>
    public const int Lookback = Lag * Samples + 1;

    /// <summary>
    /// Decides bucket <paramref name="index"/> of <paramref name="values"/>; buckets before <paramref name="historyStart"/>
    /// (before the target's first record) are not history.
    /// </summary>
    public static Decision Decide(long[] values, long[] detections, int index, int historyStart, AlertRule rule)
    {
        var samples = new List<double>(Samples);
        for (var k = 1; k <= Samples; k++)
        {
            var at = index - Lag * k;
            if (at < historyStart) break;
            samples.Add(values[at]);
        }
        if (samples.Count < MinSamples) return Decision.Unknown;
        var expected = samples.Average();
        var variance = samples.Sum(s => (s - expected) * (s - expected)) / Math.Max(1, samples.Count - 1);
        var dispersion = Math.Max(1, variance / Math.Max(expected, 1));
        var spread = Math.Sqrt(Math.Max(expected, 1) * dispersion);
        var observed = values[index];
        var score = (observed - expected) / spread;
        var abnormal =
            rule.Direction != AlertDirections.Dips && score >= rule.Sensitivity && observed >= rule.MinCount && observed >= rule.MinRatio * expected
                && detections[index] >= rule.MinDetections ? 1
            : rule.Direction != AlertDirections.Spikes && score <= -rule.Sensitivity && expected >= rule.MinCount && observed * rule.MinRatio <= expected ? -1
            : 0;
        return new Decision(observed, expected, score, abnormal)
        {
            Upper = Math.Max(Math.Max(expected + rule.Sensitivity * spread, rule.MinRatio * expected), rule.MinCount),
        };
    }
}
