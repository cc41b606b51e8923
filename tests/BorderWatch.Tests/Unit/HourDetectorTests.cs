using BorderWatch.Contracts;
using BorderWatch.Detectors;

namespace BorderWatch.Tests.Unit;

/// <summary>The hour rule (sudden mass arrivals) and the alert state machine every detector feeds.</summary>
public sealed class HourDetectorTests
{
    private static readonly AlertRule Hour = AlertRule.Defaults().First(r => r.Bucket == BucketSize.Hour);
    private static readonly DateTimeOffset T0 = new(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Judges hours of persons arriving in boats of 50 (at least one boat an hour).</summary>
    private static (Decision[] Decisions, bool[] Closed, DateTimeOffset[] Starts) Judge(long[] hours, AlertRule rule, int openFrom = int.MaxValue)
    {
        var boats = hours.Select(p => Math.Max(1, p / 50)).ToArray();
        var decisions = hours.Select((_, i) => SpikeDetector.Decide(hours, boats, i, 0, rule)).ToArray();
        return (decisions, hours.Select((_, i) => i < openFrom).ToArray(), hours.Select((_, i) => T0.AddHours(i)).ToArray());
    }

    /// <summary>Three weeks of hours with the night-and-dawn rhythm of sea crossings: 60 persons at 5 am, 10 in the afternoon.</summary>
    private static long[] Rhythm(int days = 21) => Enumerable.Range(0, days * 24).Select(h => (long)(h % 24 is >= 2 and <= 8 ? 60 : 10)).ToArray();

    [Fact]
    public void A_mass_landing_in_one_hour_alerts_and_the_daily_rhythm_does_not()
    {
        var hours = Rhythm();
        var landing = 20 * 24 + 14;   // 2 pm of the last day: 1,500 persons where 10 are usual
        hours[landing] = 1500;
        var (decisions, _, _) = Judge(hours, Hour);
        Assert.All(decisions[..landing], d => Assert.Equal(0, d.Abnormal));
        Assert.Equal(1, decisions[landing].Abnormal);
        Assert.Equal(10, decisions[landing].Expected, 0.001);
        Assert.Equal("hour", decisions[landing].Detector);
    }

    [Fact]
    public void Fewer_persons_than_the_minimum_one_full_boat_or_too_little_history_raise_nothing()
    {
        var hours = Rhythm();
        hours[20 * 24 + 14] = 400;   // 40x the hour, but under 500 persons
        Assert.All(Judge(hours, Hour).Decisions, d => Assert.Equal(0, d.Abnormal));

        var one = Rhythm();
        one[^1] = 600;               // one fishing boat of 600
        Assert.Equal(0, SpikeDetector.Decide(one, [.. one.Select(_ => 1L)], one.Length - 1, 0, Hour).Abnormal);

        var young = Rhythm(days: 5);
        young[^1] = 5000;             // five days of history: too little to judge
        Assert.Equal(Decision.Unknown, Judge(young, Hour).Decisions[^1]);
    }

    [Fact]
    public void A_spike_is_one_alert_that_resolves_after_calm_closed_buckets_and_an_open_bucket_never_resolves_it()
    {
        var hours = Rhythm();
        var landing = 20 * 24 + 10;
        for (var h = landing; h < landing + 3; h++) hours[h] = 2000;
        var (decisions, closed, starts) = Judge(hours, Hour);

        var episode = Assert.Single(EpisodeTracker.Run(decisions, closed, starts, 0, null, Hour));
        Assert.Equal(T0.AddHours(landing), episode.Start);
        Assert.Equal(landing, episode.FiredIndex);
        Assert.Equal(landing + 2 + Hour.ResolveAfter, episode.ResolvedIndex);

        var stillOpen = hours.Select((_, i) => i <= landing + 3).ToArray();   // the hours after the landing are not over yet
        Assert.Null(Assert.Single(EpisodeTracker.Run(decisions, stillOpen, starts, 0, null, Hour)).ResolvedIndex);
    }

    [Fact]
    public void For_holds_back_a_short_blip_and_a_series_flapping_around_the_threshold_stays_one_alert()
    {
        var hours = Rhythm();
        var landing = 20 * 24 + 10;
        hours[landing] = 2000;
        var patient = new AlertRule { Bucket = BucketSize.Hour, Sensitivity = 6, MinCount = 500, MinRatio = 5, For = 2 };
        var (d, c, s) = Judge(hours, patient);
        Assert.Empty(EpisodeTracker.Run(d, c, s, 0, null, patient));

        // Hours alternately far above and just below the threshold, never calm for long: one alert.
        var flapping = Rhythm();
        for (var h = landing; h < landing + 10; h++) flapping[h] = h % 2 == 0 ? 2000 : 400;
        var (decisions, closed, starts) = Judge(flapping, Hour);
        Assert.Contains(decisions[landing..(landing + 10)], x => x.Abnormal == 0);
        Assert.Single(EpisodeTracker.Run(decisions, closed, starts, 0, null, Hour));
    }

    [Fact]
    public void Dips_are_seen_only_when_asked_for()
    {
        var hours = Enumerable.Repeat(1000L, 21 * 24).ToArray();
        hours[^1] = 10;
        var dips = new AlertRule { Bucket = BucketSize.Hour, Sensitivity = 3, MinCount = 300, MinRatio = 3, Direction = AlertDirections.Dips };
        Assert.Equal(-1, Judge(hours, dips).Decisions[^1].Abnormal);
        Assert.Equal(0, Judge(hours, Hour).Decisions[^1].Abnormal);
    }
}
