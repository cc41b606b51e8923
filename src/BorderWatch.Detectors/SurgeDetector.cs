using MathNet.Numerics.Distributions;

namespace BorderWatch.Detectors;

/// <summary>
/// Judges a day against a seasonal baseline with two detectors, each with evidence an operator can read:
/// <list type="bullet">
/// <item><b>rise</b>: a CUSUM for a level shift to <see cref="AlertRule.Shift"/> times the baseline. Each day adds
/// the log-likelihood ratio of "shifted" against "as usual" (quasi-Poisson: scaled by the dispersion, which for
/// persons arriving in groups is at least E[g^2] / E[g] of the group sizes), at most a third of the limit a day
/// unless the day is past twice the shifted level; the sum, floored at 0, fires at
/// <see cref="AlertRule.Limit"/>. It fires within days of a shift, where a weekly window would wait for the week
/// to fill, and its change point is the day the sum last left 0.</item>
/// <item><b>count</b>: the negative binomial tail probability of the day's detections given the baseline's rate and
/// dispersion; it fires below <see cref="AlertRule.Probability"/>. A route that sees a boat a month does not
/// alert for one boat (of however many persons), but does for several in a day.</item>
/// </list>
/// The baseline (<see cref="Calendar.Days"/>) is the 28 days before the day, times a day-of-week factor from the 12
/// weeks before (shrunk toward 1); while a rise is under way it is held at the change point for 14 days, after which
/// it follows again, so that a lasting new level becomes the normal within weeks and a seasonal ramp is not a surge. Pure: a day's decision depends only on the counts of the days before it and
/// on it, so a replay and the live feed decide alike.
/// </summary>
public static class SurgeDetector
{
    /// <summary>
    /// The buckets a baseline rests on: its window, the seasonal period (0: none) and how many periods its factors
    /// are drawn from, how far back the CUSUM runs, how long a rise holds the baseline at its change point, and the
    /// least history to judge.
    /// </summary>
    public sealed record Calendar(int Window, int Period, int Periods, int Memory, int Hold, int MinHistory)
    {
        public static readonly Calendar Days = new(28, 7, 12, 56, 14, 14);

        /// <summary>Weekly series (public surveillance data): half a year's window, no season.</summary>
        public static readonly Calendar Weeks = new(26, 0, 0, 26, 8, 10);

        /// <summary>Buckets of history a decision needs before its bucket.</summary>
        public int Lookback => Memory + Math.Max(Window, Period * Periods);
    }

    /// <summary>The decision of day <paramref name="index"/>; days before <paramref name="historyStart"/> are not history.</summary>
    public static Decision Decide(long[] persons, long[] detections, int index, int historyStart, AlertRule rule) =>
        Decide(persons, detections, index, historyStart, rule, Calendar.Days);

    public static Decision Decide(long[] persons, long[] detections, int index, int historyStart, AlertRule rule, Calendar calendar)
    {
        if (index - historyStart < calendar.MinHistory) return Decision.Unknown;
        var values = rule.Metric == AlertMetric.Persons ? persons : detections;
        double sum = 0;
        var runStart = -1;
        Baseline today = default;
        for (var j = Math.Max(historyStart + calendar.MinHistory, index - calendar.Memory); j <= index; j++)
        {
            var anchor = sum > 0 ? Math.Max(runStart, j - calendar.Hold) : j;
            var baseline = Baseline.Of(values, detections, anchor, j, historyStart, calendar);
            // A day adds at most a third of the limit unless it is past twice the shifted level: a burst of a day or
            // two (a calm-sea spell, one crowded night) cannot fire it alone, a day at ten times the usual can.
            var step = (values[j] * Math.Log(rule.Shift) - (rule.Shift - 1) * baseline.Mean) / baseline.Dispersion;
            if (values[j] < 2 * rule.Shift * baseline.Mean) step = Math.Min(step, rule.Limit / 3);
            var next = Math.Min(2 * rule.Limit, Math.Max(0, sum + step)); // capped: a long surge's end is heard within days
            if (sum == 0 && next > 0) runStart = j;
            sum = next;
            if (j == index) today = baseline;
        }

        var tail = CountTail(detections, index, historyStart, calendar);
        var riseScore = sum / rule.Limit;
        var countScore = tail.Probability <= 0 ? double.MaxValue : Math.Log(tail.Probability) / Math.Log(rule.Probability);
        var counted = tail.Observed >= rule.MinDetections && tail.Rate <= rule.SmallCounts && countScore >= 1;
        var score = Math.Max(riseScore, countScore) * rule.Sensitivity;
        var abnormal = rule.Direction != AlertDirections.Dips && (riseScore >= 1 || counted) ? 1 : 0;
        return new Decision(values[index], today.Mean, Math.Min(score, 100 * rule.Sensitivity), abnormal)
        {
            Detector = riseScore >= 1 || !counted ? "rise" : "count",
            Probability = tail.Probability,
            ChangeIndex = sum > 0 ? runStart : -1,
            Upper = rule.Shift * today.Mean,
        };
    }

    /// <summary>The windows the count detector sums detections over: a day, three days and a week.</summary>
    private static readonly int[] CountWindows = [1, 3, 7];

    /// <summary>
    /// The least likely of the day's, the last three days' and the last week's detections given the baseline before
    /// them (negative binomial with the baseline's dispersion), times the three looks taken (Bonferroni), with the
    /// count it rests on: boats that repeat on a route that sees one a month are as telling as many in one day.
    /// </summary>
    public static (double Probability, long Observed, double Rate) CountTail(long[] detections, int index, int historyStart, Calendar calendar)
    {
        var (least, count, rate) = (1.0, 0L, 0.0);
        foreach (var window in CountWindows)
        {
            var first = index - window + 1;
            if (first - historyStart < calendar.MinHistory) break;
            long observed = 0;
            for (var i = first; i <= index; i++) observed += detections[i];
            var baseline = Baseline.Of(detections, detections, first, index, historyStart, calendar, groups: false);
            if (window == 1) rate = baseline.Mean;
            if (observed == 0) continue;
            var mean = baseline.Mean * window;
            var p = baseline.Dispersion <= 1.000001
                ? 1 - Poisson.CDF(mean, observed - 1)
                : 1 - NegativeBinomial.CDF(mean / (baseline.Dispersion - 1), 1 / baseline.Dispersion, observed - 1);
            if (p < least) (least, count) = (Math.Max(0, p), observed);
        }
        return (Math.Min(1, least * CountWindows.Length), count, rate);
    }

    /// <summary>The expected count of a day and the dispersion (variance over mean) of the days it rests on.</summary>
    private readonly record struct Baseline(double Mean, double Dispersion)
    {
        public static Baseline Of(long[] values, long[] detections, int anchor, int day, int historyStart, Calendar calendar, bool groups = true)
        {
            var from = Math.Max(historyStart, anchor - calendar.Window);
            var n = anchor - from;
            double sum = 0, squares = 0, grouped = 0;
            for (var i = from; i < anchor; i++)
            {
                sum += values[i];
                squares += (double)values[i] * values[i];
                if (detections[i] > 0) grouped += (double)values[i] * values[i] / detections[i];
            }
            var mean = n > 0 ? sum / n : 0;
            var variance = n > 1 ? (squares - n * mean * mean) / (n - 1) : 0;
            // Persons come in groups: a day's variance over its mean is at least E[g^2] / E[g] of the group sizes,
            // estimated from each day's persons and detections (exact on days of one group, a little above otherwise).
            var group = !groups ? 1 : sum > 0 ? grouped / sum : detections[day] > 0 ? (double)values[day] / detections[day] : 1;
            var dispersion = Math.Max(Math.Max(1, group), mean > 0 ? variance / mean : 1);
            // Never expect nothing: half a group in the window, so that the first of a route's arrivals is judged, not divided by 0.
            mean = Math.Max(mean, 0.5 * group / calendar.Window);
            return new Baseline(mean * Season(values, anchor, day, historyStart, calendar), dispersion);
        }

        /// <summary>How the day's weekday compares with the 12 weeks before the anchor, shrunk toward 1 by 4 weeks' worth.</summary>
        private static double Season(long[] values, int anchor, int day, int historyStart, Calendar calendar)
        {
            if (calendar.Period == 0) return 1;
            double same = 0, all = 0;
            int sameDays = 0, allDays = 0;
            for (var i = Math.Max(historyStart, anchor - calendar.Period * calendar.Periods); i < anchor; i++)
            {
                all += values[i];
                allDays++;
                if ((day - i) % calendar.Period != 0) continue;
                same += values[i];
                sameDays++;
            }
            if (allDays < 4 * calendar.Period || all <= 0) return 1;
            const double prior = 4;
            var overall = all / allDays;
            return (same + prior * overall) / ((sameDays + prior) * overall);
        }
    }
}
