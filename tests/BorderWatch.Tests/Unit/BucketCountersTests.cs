using BorderWatch.Contracts;
using BorderWatch.Grains.Counting;

namespace BorderWatch.Tests.Unit;

public sealed class BucketCountersTests
{
    private static readonly DateTimeOffset T0 = new(2023, 9, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Shuffled_events_land_in_the_same_buckets_as_ordered_ones()
    {
        var events = Enumerable.Range(0, 500).Select(i => (Time: T0.AddMinutes(i * 7 % 1440).AddSeconds(i % 60), Persons: 1 + i % 40)).ToArray();
        var ordered = Count(events.OrderBy(e => e.Time));
        var shuffled = Count(events.OrderBy(e => HashCode.Combine(e.Time, e.Persons)));

        foreach (var size in Enum.GetValues<BucketSize>())
        {
            var a = ordered.Series(size, T0, T0.AddDays(1), Retention.Default).Points;
            var b = shuffled.Series(size, T0, T0.AddDays(1), Retention.Default).Points;
            Assert.Equal(a, b);
            Assert.Equal(events.Sum(e => e.Persons), b.Sum(p => p.Persons));
        }
    }

    private static BucketCounters Count(IEnumerable<(DateTimeOffset Time, int Persons)> events)
    {
        var counters = new BucketCounters();
        foreach (var (time, persons) in events) counters.Add(time, new Tally(1, persons), Retention.Default);
        return counters;
    }

    [Fact]
    public void An_event_counts_in_the_bucket_of_its_event_time()
    {
        var counters = new BucketCounters();
        counters.Add(T0.AddMinutes(90).AddSeconds(59), new Tally(1, 42), Retention.Default);
        counters.Add(T0.AddMinutes(5), new Tally(1, 3), Retention.Default);

        var hours = counters.Series(BucketSize.Hour, T0, T0.AddHours(3), Retention.Default).Points;
        Assert.Equal([3L, 42L, 0L], hours.Select(p => p.Persons));
        var minute = counters.Series(BucketSize.Minute, T0.AddMinutes(90), T0.AddMinutes(91), Retention.Default).Points;
        Assert.Equal(T0.AddMinutes(90), Assert.Single(minute).Start);
        Assert.Equal(42, minute[0].Persons);
    }

    [Fact]
    public void Windows_count_back_from_the_clock()
    {
        var counters = new BucketCounters();
        var now = T0.AddDays(10);
        counters.Add(now.AddMinutes(-30), new Tally(1, 10), Retention.Default);
        counters.Add(now.AddHours(-5), new Tally(1, 20), Retention.Default);
        counters.Add(now.AddDays(-3), new Tally(1, 40), Retention.Default);
        counters.Add(now.AddDays(-9), new Tally(1, 80), Retention.Default);

        var w = counters.Windows(now);
        Assert.Equal(new Tally(1, 10), w.LastHour);
        Assert.Equal(new Tally(2, 30), w.Last24h);
        Assert.Equal(new Tally(3, 70), w.Last7d);
        Assert.Equal(new Tally(4, 150), w.AllTime);
    }

    [Fact]
    public void Windows_as_of_a_past_moment_count_what_had_happened_by_then_from_the_finest_buckets_kept()
    {
        // Kept: minutes for 2 h, hours for 10 days behind the newest event; days for ever.
        var retention = new Retention(TimeSpan.FromHours(2), TimeSpan.FromDays(10));
        var counters = new BucketCounters();
        var t = new DateTimeOffset(2023, 9, 11, 4, 0, 0, TimeSpan.Zero);
        counters.Add(t.AddDays(-20), new Tally(1, 80), retention);      // a day bucket only, by now
        counters.Add(t.AddHours(-30), new Tally(1, 40), retention);
        counters.Add(t.AddHours(-2).AddMinutes(-10), new Tally(1, 20), retention);
        counters.Add(t.AddMinutes(-20), new Tally(1, 10), retention);
        counters.Add(t.AddHours(2), new Tally(1, 5), retention);         // after the moment: not counted as of it
        counters.Add(t.AddHours(3), new Tally(1, 1), retention);         // the newest event
        counters.Prune(retention);

        var soon = counters.WindowsAt(t, retention);                       // 3 h back: hours are kept, minutes are not; 03:00-04:00 is its last hour
        Assert.Equal((new Tally(1, 10), new Tally(2, 30), new Tally(3, 70)), (soon.LastHour, soon.Last24h, soon.Last7d));
        Assert.Equal(new Tally(4, 150), soon.AllTime);
        var later = counters.WindowsAt(t.AddHours(2).AddMinutes(30), retention); // minutes kept for its last hour
        Assert.Equal(new Tally(1, 5), later.LastHour);
        Assert.Equal(new Tally(5, 155), later.AllTime);
        var early = counters.WindowsAt(t.AddDays(-10), retention);          // beyond the hours kept: whole days
        Assert.Equal((new Tally(0, 0), new Tally(1, 80)), (early.Last7d, early.AllTime));
        Assert.Equal(new Tally(6, 156), counters.WindowsAt(t.AddHours(3), retention).AllTime); // now: the total
    }

    [Fact]
    public void Pruning_keeps_state_bounded_but_days_and_totals_whole()
    {
        var counters = new BucketCounters();
        var retention = new Retention(TimeSpan.FromHours(48), TimeSpan.FromDays(30));
        for (var i = 0; i < 24 * 90; i++) counters.Add(new DateTimeOffset(T0.Date, TimeSpan.Zero).AddHours(i), new Tally(1, 1), retention);
        counters.Prune(retention);

        Assert.True(counters.Minutes.Count <= 49, $"{counters.Minutes.Count} minute buckets kept");
        Assert.True(counters.Hours.Count <= 30 * 24 + 1, $"{counters.Hours.Count} hour buckets kept");
        Assert.Equal(90, counters.Days.Count);
        Assert.Equal(24 * 90, counters.Total.Detections);
        Assert.Equal(24 * 90, counters.Days.Values.Sum(t => t.Detections));
    }
}
