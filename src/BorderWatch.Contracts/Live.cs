using Orleans.Concurrency;

namespace BorderWatch.Contracts;

/// <summary>
/// One per API front end: silos tell it what changed, a few times a second. One-way, so a slow or vanished
/// front end never holds up a silo; a front end that misses a batch catches up from its periodic refresh.
/// </summary>
public interface ILiveObserver : IGrainObserver
{
    [OneWay]
    Task OnChangesAsync(LiveChanges changes);
}

/// <summary>The front ends that want live changes. Each renews its entry; one that stops renewing expires.</summary>
public interface ILiveDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Lists or renews the observer. True when it was not listed (new, expired, or the directory started afresh
    /// after its silo died): silos may have sent it nothing for a while, so it should read everything again.
    /// </summary>
    Task<bool> SubscribeAsync(ILiveObserver observer);
    Task UnsubscribeAsync(ILiveObserver observer);
    Task<ILiveObserver[]> GetObserversAsync();
}

/// <summary>
/// What changed since the last batch, merged per entity: sectors whose counts moved (grain keys
/// "{scenario}/{sector}"; the front end reads the counts it needs), each moved asset's newest position, and the
/// scenarios whose alerts or impact levels changed (the front end reads them from the scenario's alert book), the
/// detections newly accepted (at most <c>LiveOptions.MaxDetectionsPerRound</c> a scenario: the events layer, not
/// the counts), and when (UTC, the silo's clock) the oldest of these changes was accepted, for the live lag metric.
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.LiveChanges")]
public sealed record LiveChanges(
    [property: Id(0)] string[] Sectors,
    [property: Id(1)] AssetMoved[] Assets,
    [property: Id(2)] string[] AlertScenarios,
    [property: Id(3)] DateTime FirstChange = default,
    [property: Id(4)] DetectionsSeen[]? Detections = null);

/// <summary>Detections newly accepted in one scenario.</summary>
[GenerateSerializer, Immutable, Alias("bw.DetectionsSeen")]
public sealed record DetectionsSeen([property: Id(0)] string Scenario, [property: Id(1)] Detection[] Detections);

/// <summary>
/// A scenario's events layer: its newest detections, those of the last 24 hours of event time, at most
/// <c>LiveOptions.RecentDetections</c>. Memory only: a view for dashboards, rebuilt by new detections (the
/// counts are durable in the sectors).
/// </summary>
public interface IRecentDetectionsGrain : IGrainWithStringKey
{
    [OneWay]
    Task AddAsync(Detection[] detections);

    /// <summary>Those at or after <paramref name="since"/>, newest first.</summary>
    Task<Detection[]> GetAsync(DateTimeOffset since);

    Task ClearAsync();
}

/// <summary>An asset's newest position, the sector it is in, and what it says of itself if it is a vessel on AIS.</summary>
[GenerateSerializer, Immutable, Alias("bw.AssetMoved")]
public sealed record AssetMoved(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string Asset,
    [property: Id(2)] string? Kind,
    [property: Id(3)] TrackPoint Latest,
    [property: Id(4)] string? Sector,
    [property: Id(5)] Vessel? Vessel = null);

/// <summary>A sector's window counts and its last 24 hourly buckets (the sparkline), as of the scenario clock.</summary>
[GenerateSerializer, Immutable, Alias("bw.LiveCounts")]
public sealed record LiveCounts(
    [property: Id(0)] WindowCounts Counts,
    [property: Id(1)] IReadOnlyList<SeriesPoint> Hourly);
