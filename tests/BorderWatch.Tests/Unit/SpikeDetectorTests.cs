using BorderWatch.Contracts;
using BorderWatch.Grains.Alerting;

namespace BorderWatch.Tests.Unit;

public sealed class SpikeDetectorTests
{
    private static readonly AlertRule Day = new() { Bucket = BucketSize.Day, Sensitivity = 3, MinCount = 300, MinRatio = 3, ResolveAfter = 3 };
    private static readonly DateTimeOffset T0 = new(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static (Decision[] Decisions, bool[] Closed, DateTimeOffset[] Starts) Judge(long[] days, AlertRule rule, int openFrom = int.MaxValue)
    {
        var decisions = days.Select((_, i) => SpikeDetector.Decide(days, i, 0, rule)).ToArray();
        return (decisions, days.Select((_, i) => i < openFrom).ToArray(), days.Select((_, i) => T0.AddDays(i)).ToArray());
    }

    private static long[] Steady(int days, long perDay = 400) => Enumerable.Repeat(perDay, days).ToArray();

    [Fact]
    public void A_week_at_several_times_the_quarters_rate_is_a_spike_and_an_ordinary_week_is_not()
    {
        var days = Steady(120);
        for (var d = 100; d < 104; d++) days[d] += 9000;
        var (decisions, _, _) = Judge(days, Day);

        Assert.All(decisions[..100], d => Assert.Equal(0, d.Abnormal));
        Assert.Equal(1, decisions[100].Abnormal);
        Assert.Equal(400 * 7 + 9000, decisions[100].Observed);   // the 7 days to the bucket
        Assert.Equal(400 * 7, decisions[100].Expected, 0.001);   // the 12 weeks before
        Assert.True(decisions[100].Score >= Day.Sensitivity);
    }

    [Fact]
    public void Small_numbers_and_short_history_raise_nothing()
    {
        var quiet = Steady(120, perDay: 2);
        for (var d = 100; d < 104; d++) quiet[d] += 40;   // 20x the rate, but 160 persons: below the minimum
        Assert.All(Judge(quiet, Day).Decisions, d => Assert.Equal(0, d.Abnormal));

        var young = Steady(30);
        young[29] += 5000;                                  // 4 weeks of history: too little to judge
        Assert.Equal(Decision.Unknown, Judge(young, Day).Decisions[29]);
    }

    [Fact]
    public void A_spike_is_one_alert_that_resolves_after_calm_closed_buckets()
    {
        var days = Steady(130);
        for (var d = 100; d < 104; d++) days[d] += 9000;
        var (decisions, closed, starts) = Judge(days, Day);

        var episode = Assert.Single(EpisodeTracker.Run(decisions, closed, starts, 0, null, Day));
        Assert.Equal(T0.AddDays(100), episode.Start);
        Assert.Equal(100, episode.FiredIndex);
        // From day 109 the spike is in the baseline too and the week no longer stands out: three calm days resolve it.
        Assert.Equal(111, episode.ResolvedIndex);
    }

    [Fact]
    public void A_series_flapping_around_the_threshold_stays_one_alert()
    {
        var days = Steady(160);
        // Alternating weeks just above and just below the threshold, never calm for long.
        for (var d = 100; d < 140; d++) days[d] += (d / 7 % 2 == 0) ? 1500 : 800;
        var (decisions, closed, starts) = Judge(days, Day);
        Assert.True(decisions.Count(d => d.Abnormal == 1) > 5);
        Assert.True(decisions.Skip(100).Take(40).Any(d => d.Abnormal == 0), "the series should dip below the threshold in between");
        Assert.Single(EpisodeTracker.Run(decisions, closed, starts, 0, null, Day));
    }

    [Fact]
    public void An_open_bucket_can_fire_but_not_resolve_and_for_holds_back_a_short_blip()
    {
        var days = Steady(130);
        for (var d = 100; d < 104; d++) days[d] += 9000;
        var (decisions, _, starts) = Judge(days, Day);
        var stillOpen = days.Select((_, i) => i < 111).ToArray();   // the last buckets are not over yet
        Assert.Null(Assert.Single(EpisodeTracker.Run(decisions, stillOpen, starts, 0, null, Day)).ResolvedIndex);

        var patient = new AlertRule { Bucket = BucketSize.Day, Sensitivity = 3, MinCount = 300, MinRatio = 3, For = 20 };
        var (d2, c2, s2) = Judge(days, patient);
        Assert.Empty(EpisodeTracker.Run(d2, c2, s2, 0, null, patient));
    }

    [Fact]
    public void Dips_are_seen_only_when_asked_for()
    {
        var days = Steady(120, perDay: 1000);
        for (var d = 100; d < 110; d++) days[d] = 10;
        var dips = new AlertRule { Bucket = BucketSize.Day, Sensitivity = 3, MinCount = 300, MinRatio = 3, Direction = AlertDirections.Dips };
        Assert.Contains(Judge(days, dips).Decisions, d => d.Abnormal == -1);
        Assert.DoesNotContain(Judge(days, Day).Decisions, d => d.Abnormal != 0);
    }
}
