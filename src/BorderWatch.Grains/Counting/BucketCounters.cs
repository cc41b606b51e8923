using BorderWatch.Contracts;

namespace BorderWatch.Grains.Counting;

/// <summary>
/// Event-time counters at three sizes. Minute and hour buckets are kept for a retention behind the newest event
/// (so state stays bounded however long history gets); day buckets and the total are kept for ever.
/// </summary>
[GenerateSerializer, Alias("bw.BucketCounters")]
public sealed class BucketCounters
{
    [Id(0)] public Dictionary<long, Tally> Minutes { get; set; } = [];
    [Id(1)] public Dictionary<long, Tally> Hours { get; set; } = [];
    [Id(2)] public Dictionary<long, Tally> Days { get; set; } = [];
    [Id(3)] public Tally Total { get; set; }

    /// <summary>The newest event time counted: the watermark retention is measured from.</summary>
    [Id(4)] public DateTimeOffset? Newest { get; set; }

    [Id(5)] public DateTimeOffset? Oldest { get; set; }

    public void Add(DateTimeOffset time, Tally tally, Retention retention)
    {
        if (Newest is null || time > Newest) Newest = time;
        if (Oldest is null || time < Oldest) Oldest = time;
        Total += tally;
        AddTo(Days, BucketSize.Day, time, tally);
        if (time >= Newest.Value - retention.Hours) AddTo(Hours, BucketSize.Hour, time, tally);
        if (time >= Newest.Value - retention.Minutes) AddTo(Minutes, BucketSize.Minute, time, tally);
    }

    /// <summary>Drops minute and hour buckets older than the retention; cheap enough to run before each snapshot.</summary>
    public void Prune(Retention retention)
    {
        if (Newest is not { } newest) return;
        Drop(Minutes, Buckets.Index(BucketSize.Minute, newest - retention.Minutes));
        Drop(Hours, Buckets.Index(BucketSize.Hour, newest - retention.Hours));

        static void Drop(Dictionary<long, Tally> buckets, long before)
        {
            foreach (var key in buckets.Keys.Where(k => k < before).ToList()) buckets.Remove(key);
        }
    }

    /// <summary>
    /// The hour and day buckets before a day: a copy, for a sector to save once they can no longer change
    /// (every record they could hold is too late by then).
    /// </summary>
    public BucketCounters Sealed(long beforeDay) => new()
    {
        Hours = Where(Hours, h => h < FirstHour(beforeDay)),
        Days = Where(Days, d => d < beforeDay),
    };

    /// <summary>Everything else: what a sector saves each time.</summary>
    public BucketCounters Open(long fromDay) => new()
    {
        Minutes = new(Minutes),
        Hours = Where(Hours, h => h >= FirstHour(fromDay)),
        Days = Where(Days, d => d >= fromDay),
        Total = Total,
        Newest = Newest,
        Oldest = Oldest,
    };

    /// <summary>Puts sealed buckets back beside open ones: those before the day from the sealed, the rest from these.</summary>
    public void Join(BucketCounters sealedPart, long beforeDay)
    {
        foreach (var (hour, tally) in sealedPart.Hours) if (hour < FirstHour(beforeDay)) Hours[hour] = tally;
        foreach (var (day, tally) in sealedPart.Days) if (day < beforeDay) Days[day] = tally;
    }

    private static long FirstHour(long day) => day <= long.MinValue / 24 ? long.MinValue : day * 24;

    private static Dictionary<long, Tally> Where(Dictionary<long, Tally> buckets, Func<long, bool> keep)
    {
        var kept = new Dictionary<long, Tally>();
        foreach (var (key, tally) in buckets) if (keep(key)) kept[key] = tally;
        return kept;
    }

    /// <summary>The windows a live page shows: back from the scenario clock, all time as every record counted.</summary>
    public WindowCounts Windows(DateTimeOffset asOf) => new(
        asOf,
        SumBack(BucketSize.Minute, asOf, 60),
        SumBack(BucketSize.Minute, asOf, 24 * 60),
        SumBack(BucketSize.Hour, asOf, 7 * 24),
        Total,
        Newest);

    /// <summary>
    /// The windows as they stood at a moment of the past (playback, <c>?asOf=</c>): each from the finest buckets
    /// still kept that far back (minutes, then hours, then days), all time as the days before it and the hours of
    /// its day. At or after the newest event, the live windows.
    /// </summary>
    public WindowCounts WindowsAt(DateTimeOffset asOf, Retention retention)
    {
        if (Newest is not { } newest || asOf >= newest) return Windows(asOf);
        // The buckets that began before the moment: at 04:00 the last hour is 03:00-04:00. A window longer than
        // the hours kept is counted in whole days, the moment's day included.
        var before = asOf - TimeSpan.FromTicks(1);
        bool Kept(TimeSpan window, TimeSpan kept) => asOf - window >= newest - kept;
        Tally Back(TimeSpan window) =>
            Kept(window, retention.Minutes) ? SumBack(BucketSize.Minute, before, (int)window.TotalMinutes)
            : Kept(window, retention.Hours) ? SumBack(BucketSize.Hour, before, (int)window.TotalHours)
            : SumBack(BucketSize.Day, before, Math.Max(1, (int)window.TotalDays));
        var day = Buckets.Index(BucketSize.Day, before);
        var allTime = default(Tally);
        foreach (var (key, t) in Days) if (key < day) allTime += t;
        allTime += Kept(asOf - Buckets.Start(BucketSize.Day, day), retention.Hours)
            ? SumBack(BucketSize.Hour, before, (int)(Buckets.Index(BucketSize.Hour, before) - day * 24 + 1))
            : Days.GetValueOrDefault(day);
        return new(asOf, Back(TimeSpan.FromHours(1)), Back(TimeSpan.FromHours(24)), Back(TimeSpan.FromDays(7)), allTime, null);
    }

    /// <summary>Every bucket from the one holding <paramref name="from"/> up to (not including) <paramref name="to"/>, zeros included.</summary>
    public Series Series(BucketSize size, DateTimeOffset from, DateTimeOffset to, Retention retention)
    {
        var map = Map(size);
        var first = Buckets.Index(size, from);
        var end = Buckets.Index(size, to - TimeSpan.FromTicks(1));
        var points = new List<SeriesPoint>((int)Math.Max(0, end - first + 1));
        for (var i = first; i <= end; i++)
        {
            var t = map.GetValueOrDefault(i);
            points.Add(new SeriesPoint(Buckets.Start(size, i), t.Detections, t.Persons));
        }
        DateTimeOffset? retainedFrom = size switch
        {
            BucketSize.Minute when Newest is { } n => Buckets.Start(size, Buckets.Index(size, n - retention.Minutes)),
            BucketSize.Hour when Newest is { } n => Buckets.Start(size, Buckets.Index(size, n - retention.Hours)),
            _ => null,
        };
        return new Series(size, from, to, retainedFrom, points);
    }

    private Tally SumBack(BucketSize size, DateTimeOffset asOf, int count)
    {
        var map = Map(size);
        var last = Buckets.Index(size, asOf);
        var sum = default(Tally);
        if (map.Count < count)
        {
            foreach (var (key, t) in map) if (key > last - count && key <= last) sum += t;
        }
        else
        {
            for (var i = last - count + 1; i <= last; i++) sum += map.GetValueOrDefault(i);
        }
        return sum;
    }

    private Dictionary<long, Tally> Map(BucketSize size) => size switch
    {
        BucketSize.Minute => Minutes,
        BucketSize.Hour => Hours,
        _ => Days,
    };

    private static void AddTo(Dictionary<long, Tally> map, BucketSize size, DateTimeOffset time, Tally tally)
    {
        var key = Buckets.Index(size, time);
        map[key] = map.GetValueOrDefault(key) + tally;
    }
}

/// <summary>How long minute and hour buckets are kept behind the newest event.</summary>
public sealed record Retention(TimeSpan Minutes, TimeSpan Hours)
{
    public static readonly Retention Default = new(TimeSpan.FromHours(49), TimeSpan.FromDays(2 * 366));
}

/// <summary>Bucket numbering: whole minutes, hours or days since the Unix epoch, in UTC.</summary>
public static class Buckets
{
    public static TimeSpan Length(BucketSize size) => size switch
    {
        BucketSize.Minute => TimeSpan.FromMinutes(1),
        BucketSize.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>Integer arithmetic: a double cannot tell one tick from the next at today's tick counts.</summary>
    public static long Index(BucketSize size, DateTimeOffset time)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        var length = Length(size).Ticks;
        return ticks >= 0 ? ticks / length : (ticks - length + 1) / length;
    }

    public static DateTimeOffset Start(BucketSize size, long index) => DateTimeOffset.UnixEpoch + index * Length(size);

    /// <summary>How many buckets a series from..to holds.</summary>
    public static long Count(BucketSize size, DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? 0 : Index(size, to - TimeSpan.FromTicks(1)) - Index(size, from) + 1;
}
