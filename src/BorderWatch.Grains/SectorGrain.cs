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

    // Id 1 held the sector's own detection ids: the scenario's detections shard remembers them now.
}

public sealed class SectorGrain(
    Serializer serializer,
    LivePublisher live,
    IOptions<CountingOptions> options,
    ILogger<SectorGrain> logger)
    : RecordJournalGrain<SectorState, Detection>(serializer, logger), ISectorGrain
{
    private readonly CountingOptions _options = options.Value;

    protected override string ShardKind => JournalShards.Detections;

    public async Task<Immutable<Judged[]>> IngestAsync(Detection[] detections)
    {
        var verdicts = await AcceptAsync(detections);
        if (verdicts.Any(v => v.Verdict == Verdict.Accepted))
            live.SectorChanged(this.GetPrimaryKeyString(), detections.Where((_, i) => verdicts[i].Verdict == Verdict.Accepted).Min(d => d.Time));
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

    /// <summary>Whether an id is new, and not too late, is the scenario's to say: its detections shard judges as it journals.</summary>
    protected override Verdict Judge(Detection detection) => Verdict.Accepted;

    protected override async Task<Judged[]> JournalAsync(IJournalShardGrain shard, byte[] lines, List<Detection> records)
    {
        var keys = new DetectionKey[records.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = new DetectionKey(IdIndex.Hash(records[i].Id), records[i].Time);
        return (await shard.AppendDetectionsAsync(Member, lines, keys)).Value;
    }

    protected override object KeyOf(Detection detection) => detection.Id;

    protected override void Apply(Detection detection) =>
        State.Counters.Add(detection.Time, new Tally(1, detection.Persons), _options.Retention);

    protected override void Compact() => State.Counters.Prune(_options.Retention);
}
