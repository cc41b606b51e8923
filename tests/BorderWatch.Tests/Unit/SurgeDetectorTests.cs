using BorderWatch.Contracts;
using BorderWatch.Detectors;

namespace BorderWatch.Tests.Unit;

/// <summary>The day detectors: a sustained rise (CUSUM) and small counts (negative binomial tail).</summary>
public sealed class SurgeDetectorTests
{
    private static readonly AlertRule Day = AlertRule.Choose(AlertRule.Defaults(), "route", "any", BucketSize.Day)!;
    private static readonly DateTimeOffset T0 = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A sea route's days: boats of about 40 persons (lognormal sizes), some days more than others, on average
    /// <paramref name="boats"/> a day, times <paramref name="factor"/> from day <paramref name="from"/>. Seeded.
    /// </summary>
    private static (long[] Persons, long[] Detections) Sea(int days, double boats, double factor = 1, int from = int.MaxValue, int seed = 7)
    {
        var random = new Random(seed);
        var (persons, detections) = (new long[days], new long[days]);
        for (var d = 0; d < days; d++)
        {
            var rate = boats * Math.Exp(0.4 * Normal(random)) * (d >= from ? factor : 1);
            var n = Poisson(rate, random);
            detections[d] = n;
            for (var b = 0; b < n; b++) persons[d] += (long)Math.Round(40 * Math.Exp(0.5 * Normal(random)));
        }
        return (persons, detections);
    }

    private static Decision[] Judge((long[] Persons, long[] Detections) days, AlertRule rule) =>
        days.Persons.Select((_, i) => SurgeDetector.Decide(days.Persons, days.Detections, i, 0, rule)).ToArray();

    private static List<Episode> Episodes(Decision[] decisions, AlertRule rule) =>
        EpisodeTracker.Run(decisions, [.. decisions.Select(_ => true)], [.. decisions.Select((_, i) => T0.AddDays(i))], 0, null, rule);

    [Fact]
    public void A_level_shift_to_three_times_fires_within_days_with_its_change_point_and_an_ordinary_year_stays_silent()
    {
        var ordinary = Sea(365, boats: 8);
        Assert.Empty(Episodes(Judge(ordinary, Day), Day));

        const int shift = 200;
        var rising = Sea(260, boats: 8, factor: 3, from: shift);
        var decisions = Judge(rising, Day);
        var episode = Assert.Single(Episodes(decisions, Day));
        Assert.InRange(episode.FiredIndex, shift + 1, shift + 5);   // "within a few days", and not on one day's evidence
        Assert.Equal("rise", decisions[episode.FiredIndex].Detector);
        Assert.InRange(episode.ChangePoint!.Value, T0.AddDays(shift - 2), T0.AddDays(shift));
        Assert.InRange(decisions[episode.FiredIndex].Expected, 8 * 0.7, 8 * 1.5);   // boats a day: the baseline held at the change point
    }

    [Fact]
    public void Two_days_at_three_times_do_not_fire_the_rise_but_one_day_at_ten_times_does()
    {
        // A busy land route: fifty groups a day.
        var detections = Enumerable.Repeat(50L, 150).ToArray();
        detections[120] = detections[121] = 150;
        long[] Persons() => [.. detections.Select(n => 7 * n)];
        Assert.Empty(Episodes(Judge((Persons(), detections), Day), Day));

        detections[140] = 500;
        var episode = Assert.Single(Episodes(Judge((Persons(), detections), Day), Day));
        Assert.Equal(140, episode.FiredIndex);
    }

    [Fact]
    public void A_lasting_new_level_becomes_the_normal_and_the_alert_resolves()
    {
        var rising = Sea(400, boats: 8, factor: 3, from: 200);
        var episode = Assert.Single(Episodes(Judge(rising, Day), Day));
        Assert.NotNull(episode.ResolvedIndex);
        Assert.InRange(episode.ResolvedIndex!.Value, 200 + 28, 200 + SurgeDetector.Calendar.Days.Memory + 28);
    }

    [Fact]
    public void Small_counts_a_jump_from_two_a_day_to_forty_alerts_on_its_first_day()
    {
        // Pairs crossing a land border: one a day, then twenty a day.
        var detections = Enumerable.Range(0, 120).Select(d => d < 100 ? 1L : 20L).ToArray();
        var persons = detections.Select(n => 2 * n).ToArray();
        var decisions = persons.Select((_, i) => SurgeDetector.Decide(persons, detections, i, 0, Day)).ToArray();
        var episode = Assert.Single(Episodes(decisions, Day));
        Assert.Equal(100, episode.FiredIndex);
        Assert.True(decisions[100].Probability < Day.Probability, $"p = {decisions[100].Probability}");
    }

    [Fact]
    public void Small_counts_a_single_boat_of_forty_on_a_route_that_sees_one_a_month_does_not_alert_unless_it_repeats()
    {
        var persons = new long[200];
        var detections = new long[200];
        void Boat(int day) => (persons[day], detections[day]) = (persons[day] + 40, detections[day] + 1);
        for (var d = 5; d < 150; d += 30) Boat(d);
        Boat(152);   // a second boat two days after the monthly one
        var quiet = persons.Select((_, i) => SurgeDetector.Decide(persons, detections, i, 0, Day)).ToArray();
        Assert.Empty(Episodes(quiet, Day));

        for (var d = 160; d < 166; d++) Boat(d);   // then a boat every day for six days
        var repeated = persons.Select((_, i) => SurgeDetector.Decide(persons, detections, i, 0, Day)).ToArray();
        var episode = Assert.Single(Episodes(repeated, Day));
        Assert.InRange(episode.FiredIndex, 161, 165);
    }

    [Fact]
    public void Too_little_history_decides_nothing_and_the_same_counts_decide_alike()
    {
        var days = Sea(30, boats: 8, factor: 10, from: 10);
        Assert.Equal(Decision.Unknown, SurgeDetector.Decide(days.Persons, days.Detections, 12, 0, Day));
        Assert.Equal(Judge(days, Day), Judge(days, Day));
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Poisson(double mean, Random random)
    {
        var (limit, k, p) = (Math.Exp(-mean), 0, random.NextDouble());
        while (p > limit) (k, p) = (k + 1, p * random.NextDouble());
        return k;
    }
}
