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

    /// <summary>
    /// The first day not sealed: hour and day buckets before it are saved apart (<see cref="SealedBuckets"/>), once,
    /// so that what each save writes does not grow with the sector's history.
    /// </summary>
    [Id(2)] public long SealedBefore { get; set; } = long.MinValue;
}

/// <summary>A sector's hour and day buckets before a day, which no record can change any more.</summary>
[GenerateSerializer, Alias("bw.SealedBuckets")]
public sealed class SealedBuckets
{
    [Id(0)] public BucketCounters Counters { get; set; } = new();
    [Id(1)] public long Before { get; set; }
}

public sealed class SectorGrain(
    Serializer serializer,
    LivePublisher live,
    IOptions<CountingOptions> options,
    ILogger<SectorGrain> logger)
    : RecordJournalGrain<SectorState, Detection>(serializer, logger), ISectorGrain
{
    private readonly CountingOptions _options = options.Value;

    private string SealedMember => Member + "#sealed";

    protected override string ShardKind => JournalShards.Detections;

    public async Task<Immutable<Judged[]>> IngestAsync(Detection[] detections)
    {
        var verdicts = await AcceptAsync(detections);
        var accepted = detections.Where((_, i) => verdicts[i].Verdict == Verdict.Accepted).ToArray();
        if (accepted.Length > 0)
        {
            live.SectorChanged(this.GetPrimaryKeyString(), accepted.Min(d => d.Time));
            live.DetectionsAccepted(Scenario, accepted);
        }
        return new(verdicts);
    }

    public Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf) => Task.FromResult(State.Counters.Windows(asOf));

    public Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to) =>
        Task.FromResult(State.Counters.Series(bucket, from, to, _options.Retention));

    public Task<WindowCounts> GetCountsAtAsync(DateTimeOffset moment) => Task.FromResult(State.Counters.WindowsAt(moment, _options.Retention));

    public Task<LiveCounts> GetLiveAsync(DateTimeOffset asOf) => Task.FromResult(Live(asOf, State.Counters.Windows(asOf)));

    public Task<LiveCounts> GetLiveAtAsync(DateTimeOffset moment) => Task.FromResult(Live(moment, State.Counters.WindowsAt(moment, _options.Retention)));

    private LiveCounts Live(DateTimeOffset asOf, WindowCounts windows)
    {
        var end = Buckets.Start(BucketSize.Hour, Buckets.Index(BucketSize.Hour, asOf) + 1);
        return new LiveCounts(windows, State.Counters.Series(BucketSize.Hour, end.AddHours(-24), end, _options.Retention).Points);
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

    protected override void Apply(Detection detection) =>
        State.Counters.Add(detection.Time, new Tally(1, detection.Persons), _options.Retention);

    protected override void Compact() => State.Counters.Prune(_options.Retention);

    /// <summary>
    /// Saves the open buckets each time, and the sealed ones when more days have become too old for any record: a
    /// day is sealed once it lies a day behind the dedup window, which refuses records older than itself.
    /// </summary>
    protected override async Task SaveStateAsync(IJournalShardGrain shard)
    {
        var seal = State.Counters.Newest is { } newest ? Buckets.Index(BucketSize.Day, newest - _options.DedupWindow) - 1 : long.MinValue;
        if (seal > State.SealedBefore)
        {
            var sealedPart = new SealedBuckets { Counters = State.Counters.Sealed(seal), Before = seal };
            await shard.SaveAsync(SealedMember, Serializer.SerializeToArray(sealedPart));
            State.SealedBefore = seal;
        }
        var open = new SectorState { Counters = State.Counters.Open(State.SealedBefore), SealedBefore = State.SealedBefore };
        await shard.SaveAsync(Member, Serializer.SerializeToArray(open));
    }

    protected override async Task<SectorState> RestoreAsync(IJournalShardGrain shard, byte[] saved)
    {
        var state = Serializer.Deserialize<SectorState>(saved)!;
        if (state.SealedBefore == long.MinValue) return state;
        var sealedPart = (await shard.RecoverAsync(SealedMember)).State is { } bytes ? Serializer.Deserialize<SealedBuckets>(bytes)! : null;
        if (sealedPart is null) throw new InvalidOperationException($"{this.GetPrimaryKeyString()}: its sealed buckets are missing from its journal shard");
        state.Counters.Join(sealedPart.Counters, sealedPart.Before);
        state.SealedBefore = sealedPart.Before;
        return state;
    }
}
