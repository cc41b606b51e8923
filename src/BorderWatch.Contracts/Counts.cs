namespace BorderWatch.Contracts;

/// <summary>Detections and the persons in them.</summary>
[GenerateSerializer, Immutable, Alias("bw.Tally")]
public readonly record struct Tally([property: Id(0)] long Detections, [property: Id(1)] long Persons)
{
    public static Tally operator +(Tally a, Tally b) => new(a.Detections + b.Detections, a.Persons + b.Persons);
}

/// <summary>Counts over the windows an operator reads at a glance, as of <see cref="AsOf"/> on the scenario clock.</summary>
[GenerateSerializer, Immutable, Alias("bw.WindowCounts")]
public sealed record WindowCounts(
    [property: Id(0)] DateTimeOffset AsOf,
    [property: Id(1)] Tally LastHour,
    [property: Id(2)] Tally Last24h,
    [property: Id(3)] Tally Last7d,
    [property: Id(4)] Tally AllTime,
    [property: Id(5)] DateTimeOffset? LatestEvent)
{
    public static WindowCounts Empty(DateTimeOffset asOf) => new(asOf, default, default, default, default, null);

    public static WindowCounts Sum(DateTimeOffset asOf, IEnumerable<WindowCounts> parts) =>
        parts.Aggregate(Empty(asOf), (sum, p) => new(asOf, sum.LastHour + p.LastHour, sum.Last24h + p.Last24h,
            sum.Last7d + p.Last7d, sum.AllTime + p.AllTime, Max(sum.LatestEvent, p.LatestEvent)));

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

public enum BucketSize
{
    Minute,
    Hour,
    Day,
}

/// <summary>One event-time bucket of a series.</summary>
[GenerateSerializer, Immutable, Alias("bw.SeriesPoint")]
public sealed record SeriesPoint([property: Id(0)] DateTimeOffset Start, [property: Id(1)] long Detections, [property: Id(2)] long Persons);

/// <summary>
/// Buckets from <see cref="From"/> to <see cref="To"/>, zero-filled. Buckets before <see cref="RetainedFrom"/>
/// are no longer kept at this size (minutes last 48 h, hours 2 years) and read as zero.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.Series")]
public sealed record Series(
    [property: Id(0)] BucketSize Bucket,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] DateTimeOffset? RetainedFrom,
    [property: Id(4)] IReadOnlyList<SeriesPoint> Points);

/// <summary>How many records a grain (or a whole scenario) holds, their persons, and the event times they span.</summary>
[GenerateSerializer, Immutable, Alias("bw.RecordSpan")]
public sealed record RecordSpan(
    [property: Id(0)] long Records,
    [property: Id(1)] long Persons,
    [property: Id(2)] DateTimeOffset? First,
    [property: Id(3)] DateTimeOffset? Last)
{
    public static readonly RecordSpan Empty = new(0, 0, null, null);

    public static RecordSpan operator +(RecordSpan a, RecordSpan b) => new(a.Records + b.Records, a.Persons + b.Persons,
        a.First is null || b.First < a.First ? b.First : a.First,
        a.Last is null || b.Last > a.Last ? b.Last : a.Last);
}
