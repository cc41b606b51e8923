namespace BorderWatch.Contracts;

/// <summary>
/// One border sector of one scenario (key <c>{scenario}/{sectorId}</c>): counts detections and persons per
/// event-time bucket, each detection id once.
/// </summary>
public interface ISectorGrain : IGrainWithStringKey
{
    /// <summary>Counts the batch; returns once the accepted records are durable, one verdict per record.</summary>
    Task<Verdict[]> IngestAsync(Detection[] detections);

    Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf);

    Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to);

    /// <summary>What a live dashboard shows of the sector: window counts and the last 24 hours, hour by hour.</summary>
    Task<LiveCounts> GetLiveAsync(DateTimeOffset asOf);

    /// <summary>Detections held (and their persons) and the event times they span.</summary>
    Task<RecordSpan> GetSpanAsync();

    /// <summary>Deletes the sector's state and journal (part of deleting its scenario).</summary>
    Task DeleteAsync();
}

/// <summary>One migratory route of one scenario (key <c>{scenario}/{routeId}</c>): the sum of its sectors.</summary>
public interface IRouteGrain : IGrainWithStringKey
{
    Task<WindowCounts> GetCountsAsync(DateTimeOffset asOf);

    Task<Series> GetSeriesAsync(BucketSize bucket, DateTimeOffset from, DateTimeOffset to);
}

/// <summary>One patrol asset of one scenario (key <c>{scenario}/{assetId}</c>).</summary>
public interface IAssetGrain : IGrainWithStringKey
{
    /// <summary>Takes the positions; returns once the accepted ones are durable, one verdict per position.</summary>
    Task<Verdict[]> ReportAsync(Position[] positions);

    Task<AssetStatus?> GetStatusAsync();

    Task<TrackPoint[]> GetTrackAsync(DateTimeOffset from, DateTimeOffset to);

    /// <summary>Positions accepted and the event times they span.</summary>
    Task<RecordSpan> GetSpanAsync();

    /// <summary>Deletes the asset's state and journal (part of deleting its scenario).</summary>
    Task DeleteAsync();
}

/// <summary>
/// A scenario (key: its name): its event-time clock and the assets it has seen. <c>live</c> is the operational
/// picture; every other scenario is a replay, exercise or backtest kept apart from it.
/// </summary>
public interface IScenarioGrain : IGrainWithStringKey
{
    /// <summary>Records assets before their first position is acknowledged, so that listings never miss one.</summary>
    Task RegisterAssetsAsync(string[] assets);

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

    /// <summary>Forgets the scenario: clock and asset list (its sectors and assets are deleted by their own grains).</summary>
    Task DeleteAsync();
}
