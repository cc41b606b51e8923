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

    /// <summary>The window counts as they stood at a moment of the past (playback), from the buckets kept.</summary>
    Task<WindowCounts> GetCountsAtAsync(DateTimeOffset moment);

    /// <summary>What a dashboard playing the past shows of the sector at a moment.</summary>
    Task<LiveCounts> GetLiveAtAsync(DateTimeOffset moment);

    /// <summary>Detections held (and their persons) and the event times they span.</summary>
    Task<RecordSpan> GetSpanAsync();

    /// <summary>Forgets the sector's state in memory (part of deleting its scenario; its shard deletes the journal).</summary>
    Task DeleteAsync();
}

/// <summary>One migratory route of one scenario (key <c>{scenario}/{routeId}</c>): the sum of its sectors.</summary>
public interface IRouteGrain : IGrainWithStringKey
{
    Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf);

    /// <summary>The counts as they stood at a moment of the past, its sectors' summed.</summary>
    Task<WindowCounts> GetCountsAtAsync(DateTimeOffset moment);

    Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to);
}

/// <summary>
/// The assets of one scenario that journal to one asset shard (key: the shard's, <c>{scenario}/assets-NN</c>; see
/// <see cref="Fleets.Of"/>). It keeps their state in memory while they report, journals a call's positions with one
/// shard write whichever assets they come from, and lets idle assets leave memory (they come back from the journal).
/// </summary>
public interface IFleetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes each asset's positions, and what a vessel says of itself if it said anything; returns once the accepted
    /// positions and any change to a description are durable: per report, one verdict per position (immutable: not copied on the way back).
    /// </summary>
    Task<Immutable<Verdict[][]>> ReportAsync([Immutable] AssetReport[] reports);

    /// <summary>Null for an asset that has not reported.</summary>
    Task<AssetStatus?> GetStatusAsync(string asset);

    /// <summary>The statuses of the assets that have reported, in no particular order.</summary>
    Task<AssetStatus[]> GetStatusesAsync(string[] assets);

    Task<TrackPoint[]> GetTrackAsync(string asset, DateTimeOffset from, DateTimeOffset to);

    /// <summary>Where each asset was at a moment: its last kept track point at or before it (null: none that early).</summary>
    Task<TrackPoint?[]> GetPositionsAtAsync(string[] assets, DateTimeOffset at);

    /// <summary>Positions the assets accepted and the event times they span.</summary>
    Task<RecordSpan> GetSpanAsync(string[] assets);

    /// <summary>Every asset that ever journaled a position here (its shard's members, in memory or not).</summary>
    Task<string[]> MembersAsync();

    /// <summary>How many of its assets are in memory now (the others are in the journal only).</summary>
    Task<int> CountInMemoryAsync();

    /// <summary>Saves those of the assets with records after their last saved state (the shard asks, as it knows who wrote).</summary>
    Task SaveAsync(string[] assets);

    /// <summary>Forgets every asset in memory (part of deleting the scenario; the shard deletes the journal).</summary>
    Task DeleteAsync();
}

/// <summary>One asset's part of a fleet call: its positions, and what it said of itself.</summary>
[GenerateSerializer, Immutable, Alias("bw.AssetReport")]
public sealed record AssetReport([property: Id(0)] string Asset, [property: Id(1)] Position[] Positions, [property: Id(2)] Vessel? Vessel = null);

public static class Fleets
{
    /// <summary>The fleet an asset belongs to: the one of its journal shard, for good.</summary>
    public static IFleetGrain Of(IGrainFactory grains, string scenario, string asset) =>
        grains.GetGrain<IFleetGrain>(JournalShards.For(scenario, JournalShards.Assets, asset));
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

    /// <summary>Appends the records (NDJSON) of many members at once; durable when the task completes.</summary>
    Task AppendManyAsync([Immutable] MemberBytes[] records);

    /// <summary>Keeps many members' whole states at once.</summary>
    Task SaveManyAsync([Immutable] MemberBytes[] states);

    /// <summary>What a member activation starts from: its last saved state and the records journaled after it.</summary>
    Task<MemberRecovery> RecoverAsync(string member);

    /// <summary>What each of the members starts from, in their order.</summary>
    Task<MemberRecovery[]> RecoverManyAsync(string[] members);

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

/// <summary>A member's records or state, for a shard call that carries many members.</summary>
[GenerateSerializer, Immutable, Alias("bw.MemberBytes")]
public readonly record struct MemberBytes([property: Id(0)] string Member, [property: Id(1)] byte[] Bytes);

[GenerateSerializer, Immutable, Alias("bw.MemberRecovery")]
public sealed record MemberRecovery([property: Id(0)] byte[]? State, [property: Id(1)] byte[] Records);
