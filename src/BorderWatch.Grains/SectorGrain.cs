using BorderWatch.Grains.Counting;
using BorderWatch.Grains.Live;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace BorderWatch.Grains;

[GenerateSerializer, Alias("bw.SectorState")]
public sealed class SectorState
{
    [Id(0)] public BucketCounters Counters { get; set; } = new();

    /// <summary>Detection ids inside the dedup window, with their event time (Unix minutes) for pruning.</summary>
    [Id(1)] public Dictionary<IdKey, long> RecentIds { get; set; } = [];
}

public sealed class SectorGrain(
    Serializer serializer,
    LivePublisher live,
    IOptions<CountingOptions> options,
    ILogger<SectorGrain> logger)
    : RecordJournalGrain<SectorState, Detection>(serializer, logger), ISectorGrain
{
    private readonly CountingOptions _options = options.Value;

    protected override string ShardKind => JournalShards.Sectors;

    public async Task<Immutable<Verdict[]>> IngestAsync(Detection[] detections)
    {
        var verdicts = await AcceptAsync(detections);
        if (verdicts.Contains(Verdict.Accepted))
            live.SectorChanged(this.GetPrimaryKeyString(), detections.Where((_, i) => verdicts[i] == Verdict.Accepted).Min(d => d.Time));
        return new(verdicts);
    }

    public Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf) => Task.FromResult(State.Counters.Windows(asOf));

    public Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to) =>
        Task.FromResult(State.Counters.Series(bucket, from, to, _options.Retention));

    public Task<LiveCounts> GetLiveAsync(DateTimeOffset asOf)
    {
        var end = Buckets.Start(BucketSize.Hour, Buckets.Index(BucketSize.Hour, asOf) + 1);
        var hourly = State.Counters.Series(BucketSize.Hour, end.AddHours(-24), end, _options.Retention).Points;
        return Task.FromResult(new LiveCounts(State.Counters.Windows(asOf), hourly));
    }

    public Task<RecordSpan> GetSpanAsync()
    {
        var c = State.Counters;
        // Snapshots from before Oldest was kept fall back to the first day counted.
        var first = c.Oldest ?? (c.Days.Count > 0 ? Buckets.Start(BucketSize.Day, c.Days.Keys.Min()) : null);
        return Task.FromResult(new RecordSpan(c.Total.Detections, c.Total.Persons, first, c.Newest));
    }

    public Task DeleteAsync() => ForgetAsync();

    protected override Verdict Judge(Detection detection)
    {
        if (State.RecentIds.ContainsKey(IdKey.Of(detection.Id))) return Verdict.Duplicate;
        return detection.Time < State.Counters.Newest - _options.DedupWindow ? Verdict.TooLate : Verdict.Accepted;
    }

    protected override object KeyOf(Detection detection) => detection.Id;

    protected override void Apply(Detection detection)
    {
        State.RecentIds[IdKey.Of(detection.Id)] = Buckets.Index(BucketSize.Minute, detection.Time);
        State.Counters.Add(detection.Time, new Tally(1, detection.Persons), _options.Retention);
    }

    protected override void Compact()
    {
        State.Counters.Prune(_options.Retention);
        if (State.Counters.Newest is not { } newest) return;
        var horizon = Buckets.Index(BucketSize.Minute, newest - _options.DedupWindow);
        foreach (var (id, minute) in State.RecentIds)
        {
            if (minute < horizon) State.RecentIds.Remove(id);
        }
    }
}
