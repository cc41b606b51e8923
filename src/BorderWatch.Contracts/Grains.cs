using Orleans.Concurrency;

namespace BorderWatch.Contracts;

/// <summary>
/// One border sector of one scenario (key <c>{scenario}/{sectorId}</c>): counts detections and persons per
/// event-time bucket, each detection id once in the scenario.
/// </summary>
public interface ISectorGrain : IJournaledGrain
{
    /// <summary>Counts the batch; returns once the accepted records are durable, one verdict per record (immutable: not copied on the way back).</summary>
    Task<Immutable<Judged[]>> IngestAsync([Immutable] Detection[] detections);

    Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf);

    Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to);

    /// <summary>What a live dashboard shows of the sector: window counts and the last 24 hours, hour by hour.</summary>
    Task<LiveCounts> GetLiveAsync(DateTimeOffset asOf);

    /// <summary>Detections held (and their persons) and the event times they span.</summary>
    Task<RecordSpan> GetSpanAsync();

    /// <summary>Forgets the sector's state in memory (part of deleting its scenario; its shard deletes the journal).</summary>
    Task DeleteAsync();
}

/// <summary>One migratory route of one scenario (key <c>{scenario}/{routeId}</c>): the sum of its sectors.</summary>
public interface IRouteGrain : IGrainWithStringKey
{
    Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf);

    Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to);
}

/// <summary>One patrol asset of one scenario (key <c>{scenario}/{assetId}</c>).</summary>
public interface IAssetGrain : IJournaledGrain
{
    /// <summary>
    /// Takes the positions, and what the vessel says of itself if it said anything; returns once the accepted
    /// positions and any change to the description are durable, one verdict per position (immutable: not copied on the way back).
    /// </summary>
    Task<Immutable<Verdict[]>> ReportAsync([Immutable] Position[] positions, Vessel? vessel = null);

    Task<AssetStatus?> GetStatusAsync();

    Task<TrackPoint[]> GetTrackAsync(DateTimeOffset from, DateTimeOffset to);

    /// <summary>Positions accepted and the event times they span.</summary>
    Task<RecordSpan> GetSpanAsync();

    /// <summary>Forgets the asset's state in memory (part of deleting its scenario; its shard deletes the journal).</summary>
    Task DeleteAsync();
}

/// <summary>
/// A scenario (key: its name): its event-time clock and the assets it has seen (which its asset shards know). <c>live</c> is the operational
/// picture; every other scenario is a replay, exercise or backtest kept apart from it.
/// </summary>
public interface IScenarioGrain : IGrainWithStringKey
{
    /// <summary>Advances the scenario clock with an acknowledged batch's newest event time.</summary>
    Task ObserveAsync(DateTimeOffset newestEvent);

    /// <summary>
    /// Now, on the scenario's clock: its newest event time plus the wall time since that event arrived, so a
    /// replay of 2023 reads "the last hour" of 2023 and the live scenario reads the real last hour.
    /// </summary>
    Task<DateTimeOffset> GetClockAsync();

    Task<string[]> GetAssetsAsync();

    /// <summary>The newest event time accepted: the event-time watermark alerts judge buckets closed by.</summary>
    Task<DateTimeOffset?> GetNewestEventAsync();

    /// <summary>The summary last stored, for listings: one call a scenario instead of one a member.</summary>
    Task<ScenarioSummary?> GetSummaryAsync();

    Task StoreSummaryAsync(ScenarioSummary summary);

    /// <summary>Forgets the scenario's clock (its sectors, assets and shards are deleted by their own grains).</summary>
    Task DeleteAsync();
}

/// <summary>A grain whose records go through a journal shard.</summary>
public interface IJournaledGrain : IGrainWithStringKey
{
    /// <summary>Saves the whole state to the shard now, if anything changed since the last save.</summary>
    Task SaveNowAsync();
}

/// <summary>
/// The write-ahead log of a group of sectors or assets of one scenario (key <c>{scenario}/{kind}-{n}</c>):
/// many grains' records, and now and then their whole state, go into one chain of append blobs, so storage
/// writes grow with requests, not with the number of grains.
/// </summary>
public interface IJournalShardGrain : IGrainWithStringKey
{
    /// <summary>Appends a member's records (NDJSON); durable when the task completes.</summary>
    Task AppendAsync(string member, [Immutable] byte[] lines);

    /// <summary>
    /// Appends those of a sector's detections (one NDJSON line each, in the order of their keys) whose id the
    /// scenario has not seen and that are not older than its window; durable when the task completes.
    /// </summary>
    Task<Immutable<Judged[]>> AppendDetectionsAsync(string member, [Immutable] byte[] lines, [Immutable] DetectionKey[] keys);

    /// <summary>Keeps a member's whole state: its records up to now need not be read again.</summary>
    Task SaveAsync(string member, [Immutable] byte[] state);

    /// <summary>What a member activation starts from: its last saved state and the records journaled after it.</summary>
    Task<MemberRecovery> RecoverAsync(string member);

    /// <summary>
    /// Writes a checkpoint now (the shard also does so every snapshot interval) and returns where recovery would
    /// start: everything acknowledged before it is in a member's saved state.
    /// </summary>
    Task<JournalPosition> CheckpointNowAsync();

    /// <summary>
    /// Checkpoints, reclaims superseded saved states, seals closed record segments and deletes those past their
    /// retention now, as the shard does every snapshot interval; says what compaction did, or why it did nothing.
    /// </summary>
    Task<string> MaintainNowAsync();

    /// <summary>What the shard keeps in memory: the detection ids it remembers.</summary>
    Task<ShardUsage> GetUsageAsync();

    /// <summary>Forgets a member (its scenario is being deleted): no state, no records to recover, no more asking it to save.</summary>
    Task ForgetAsync(string member);

    /// <summary>Every member that ever journaled a record here.</summary>
    Task<string[]> MembersAsync();

    /// <summary>Deletes the log and what the shard remembers (part of deleting its scenario).</summary>
    Task DeleteAsync();
}

[GenerateSerializer, Immutable, Alias("bw.ShardUsage")]
public sealed record ShardUsage([property: Id(1)] int Ids, [property: Id(2)] long IdBytes);

[GenerateSerializer, Immutable, Alias("bw.MemberRecovery")]
public sealed record MemberRecovery([property: Id(0)] byte[]? State, [property: Id(1)] byte[] Records);
