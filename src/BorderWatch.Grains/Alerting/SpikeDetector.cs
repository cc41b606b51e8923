namespace BorderWatch.Grains.Alerting;

/// <summary>The judgement of one bucket, with what it rests on: +1 spike, -1 dip, 0 neither.</summary>
public readonly record struct Decision(long Observed, double Expected, double Score, int Abnormal)
{
    /// <summary>Too little history to judge.</summary>
    public static readonly Decision Unknown = new(0, 0, 0, 0);
}

/// <summary>
/// Judges a bucket against what its own past predicts, with the seasonality taken out:
/// <list type="bullet">
/// <item>hours: the bucket against the same hour of day on the previous 14 days (the night-and-dawn rhythm of crossings);</item>
/// <item>days: the 7 days ending with the bucket (each weekday once, so the weekly rhythm cancels) against the
/// 12 weeks before them. Crossings come in bursts (calm seas, a boat of 300), so a single day says little; a week
/// at three times the quarter's rate is the pressure change an operations centre must hear of.</item>
/// </list>
/// Expected is the mean of the past windows; the spread is that of an over-dispersed count, sqrt(expected x
/// dispersion), the dispersion (variance / mean, at least 1) measured on the same past windows. Pure: the same
/// counts give the same decisions.
/// </summary>
public static class SpikeDetector
{
    private sealed record Shape(int Window, int Lag, int Samples, int MinSamples);

    private static Shape ShapeOf(BucketSize bucket) => bucket == BucketSize.Hour ? new(1, 24, 14, 7) : new(7, 7, 12, 6);

    /// <summary>Buckets of history a decision needs before its bucket.</summary>
    public static int Lookback(BucketSize bucket)
    {
        var shape = ShapeOf(bucket);
        return shape.Lag * shape.Samples + shape.Window;
    }

    /// <summary>
    /// Decides bucket <paramref name="index"/> of <paramref name="values"/>; buckets before <paramref name="historyStart"/>
    /// (before the target's first record) are not history.
    /// </summary>
    public static Decision Decide(long[] values, int index, int historyStart, AlertRule rule)
    {
        var shape = ShapeOf(rule.Bucket);
        var samples = new List<double>(shape.Samples);
        for (var k = 1; k <= shape.Samples; k++)
        {
            var end = index - shape.Lag * k;
            if (end - shape.Window + 1 < historyStart) break;
            samples.Add(Sum(values, end, shape.Window));
        }
        if (samples.Count < shape.MinSamples) return Decision.Unknown;
        var expected = samples.Average();
        var variance = samples.Sum(s => (s - expected) * (s - expected)) / Math.Max(1, samples.Count - 1);
        var dispersion = Math.Max(1, variance / Math.Max(expected, 1));
        var spread = Math.Sqrt(Math.Max(expected, 1) * dispersion);
        var observed = Sum(values, index, shape.Window);
        var score = (observed - expected) / spread;
        var abnormal =
            rule.Direction != AlertDirections.Dips && score >= rule.Sensitivity && observed >= rule.MinCount && observed >= rule.MinRatio * expected ? 1
            : rule.Direction != AlertDirections.Spikes && score <= -rule.Sensitivity && expected >= rule.MinCount && observed * rule.MinRatio <= expected ? -1
            : 0;
        return new Decision(observed, expected, score, abnormal);
    }

    private static long Sum(long[] values, int end, int window)
    {
        long sum = 0;
        for (var i = Math.Max(0, end - window + 1); i <= end; i++) sum += values[i];
        return sum;
    }
}
