namespace BorderWatch.Grains.Alerting;

/// <summary>The judgement of one bucket, with what it rests on: +1 spike, -1 dip, 0 neither.</summary>
public readonly record struct Decision(long Observed, double Expected, double Score, int Abnormal)
{
    /// <summary>Too little history to judge.</summary>
    public static readonly Decision Unknown = new(0, 0, 0, 0);
}

/// <summary>
/// Judges buckets against a robust, seasonal baseline: for hours, the median of the same hour of day over the
/// previous 14 days; for days, the median of the previous 28 days times the weekday's share over 8 weeks. The
/// spread is the scaled median absolute deviation, at least sqrt(expected) and a quarter of it, so that small and
/// steady series are not called abnormal on a few records. Pure: the same counts give the same decisions.
/// </summary>
public static class SpikeDetector
{
    public const int HourBaselineDays = 14, DayBaselineDays = 28, WeekdayWeeks = 8;

    /// <summary>Buckets of history a decision needs before <paramref name="index"/>.</summary>
    public static int Lookback(BucketSize bucket) => bucket == BucketSize.Hour ? 24 * HourBaselineDays : 7 * WeekdayWeeks;

    /// <summary>
    /// Decides bucket <paramref name="index"/> of <paramref name="values"/>; buckets before <paramref name="historyStart"/>
    /// (before the target's first record) are not history.
    /// </summary>
    public static Decision Decide(long[] values, int index, int historyStart, DateTimeOffset[] starts, AlertRule rule)
    {
        var samples = new List<double>();
        double factor = 1;
        if (rule.Bucket == BucketSize.Hour)
        {
            for (var k = 1; k <= HourBaselineDays; k++)
                if (index - 24 * k >= historyStart) samples.Add(values[index - 24 * k]);
            if (samples.Count < 7) return Decision.Unknown;
        }
        else
        {
            for (var k = 1; k <= DayBaselineDays; k++)
                if (index - k >= historyStart) samples.Add(values[index - k]);
            if (samples.Count < 14) return Decision.Unknown;
            factor = WeekdayFactor(values, index, historyStart, starts);
        }
        var median = Median(samples);
        var expected = median * factor;
        var mad = Median(samples.Select(s => Math.Abs(s - median)).ToList()) * 1.4826 * factor;
        var spread = Math.Max(Math.Max(mad, Math.Sqrt(Math.Max(expected, 1))), 0.25 * expected);
        var observed = values[index];
        var score = (observed - expected) / spread;
        var spikes = rule.Direction != AlertDirections.Dips;
        var dips = rule.Direction != AlertDirections.Spikes;
        var abnormal =
            spikes && score >= rule.Sensitivity && observed >= rule.MinCount && observed >= rule.MinRatio * expected ? 1
            : dips && score <= -rule.Sensitivity && expected >= rule.MinCount && observed * rule.MinRatio <= expected ? -1
            : 0;
        return new Decision(observed, expected, score, abnormal);
    }

    /// <summary>How the bucket's weekday compares with the average day over the last weeks (1 without enough data).</summary>
    private static double WeekdayFactor(long[] values, int index, int historyStart, DateTimeOffset[] starts)
    {
        double same = 0, all = 0;
        int sameCount = 0, allCount = 0;
        for (var k = 1; k <= 7 * WeekdayWeeks && index - k >= historyStart; k++)
        {
            all += values[index - k];
            allCount++;
            if (starts[index - k].DayOfWeek == starts[index].DayOfWeek)
            {
                same += values[index - k];
                sameCount++;
            }
        }
        if (sameCount < 3 || all <= 0) return 1;
        return Math.Clamp(same / sameCount / (all / allCount), 0.5, 2);
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        var n = xs.Count;
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }
}
