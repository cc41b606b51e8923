using Orleans.Concurrency;

namespace BorderWatch.Contracts;

public enum AlertState : byte
{
    Firing,
    Acknowledged,
    Resolved,
}

/// <summary>
/// A spike (or dip) of a route's or sector's counts over event-time buckets, from its first abnormal bucket to its
/// last, with the decision that raised it: observed, expected, score and threshold. Its id is made from the target,
/// bucket size and first bucket, so a replay of the same feed raises alerts with the same ids. Or (target "asset")
/// what a vessel did: <see cref="Kind"/> says what, <see cref="Assets"/> who and where, <see cref="Reason"/> why.
/// </summary>
[GenerateSerializer, Alias("bw.Alert")]
public sealed class Alert
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Scenario { get; set; } = "";
    /// <summary>"route" or "sector".</summary>
    [Id(2)] public string Target { get; set; } = "";
    [Id(3)] public string TargetId { get; set; } = "";
    [Id(4)] public string Route { get; set; } = "";
    [Id(5)] public BucketSize Bucket { get; set; }
    [Id(6)] public string Metric { get; set; } = "persons";
    /// <summary>"spike" or "dip".</summary>
    [Id(7)] public string Direction { get; set; } = "spike";
    /// <summary>Start of the first abnormal bucket.</summary>
    [Id(8)] public DateTimeOffset Start { get; set; }
    /// <summary>End of the last abnormal bucket so far.</summary>
    [Id(9)] public DateTimeOffset End { get; set; }
    /// <summary>The most abnormal bucket's figures.</summary>
    [Id(10)] public long Observed { get; set; }
    [Id(11)] public double Expected { get; set; }
    [Id(12)] public double Score { get; set; }
    [Id(13)] public double Threshold { get; set; }
    /// <summary>"warning", or "major" at twice the threshold.</summary>
    [Id(14)] public string Severity { get; set; } = "warning";
    [Id(15)] public AlertState State { get; set; }
    /// <summary>Event time at which it fired (end of the bucket that made it fire, or the scenario clock if that bucket was open).</summary>
    [Id(16)] public DateTimeOffset FiredAt { get; set; }
    [Id(17)] public DateTimeOffset? ResolvedAt { get; set; }
    [Id(18)] public string? Resolution { get; set; }
    [Id(19)] public Acknowledgement? Acknowledgement { get; set; }
    /// <summary>For a route alert: the sectors with alerts of their own in its window.</summary>
    [Id(20)] public List<string> Sectors { get; set; } = [];
    /// <summary>The silence that held back its delivery, if any: the alert is kept all the same.</summary>
    [Id(21)] public string? SilencedBy { get; set; }
    [Id(22)] public List<DeliveryRecord> Deliveries { get; set; } = [];
    /// <summary>Raised on each change, so a receiver can tell a newer notice from an older one.</summary>
    [Id(23)] public int Version { get; set; }
    /// <summary>Which detector spoke: "hour" (mass arrivals), "rise" (CUSUM on days) or "count" (improbable detections).</summary>
    [Id(24)] public string Detector { get; set; } = "hour";
    /// <summary>Days: the probability of the peak day's detections under the baseline.</summary>
    [Id(25)] public double? Probability { get; set; }
    /// <summary>Days: where the rise began, by the CUSUM (the day its sum last left 0).</summary>
    [Id(26)] public DateTimeOffset? ChangePoint { get; set; }
    /// <summary>What happened: "spike" or "dip" of counts, or a vessel's behaviour ("sector-entry", ...).</summary>
    [Id(27)] public string? Behaviour { get; set; }
    public string Kind => Behaviour ?? Direction;
    /// <summary>A behaviour alert: the assets involved, each where and when it was seen doing it.</summary>
    [Id(28)] public List<AlertAsset> Assets { get; set; } = [];
    /// <summary>A behaviour alert: why it fired, with the figures, in words.</summary>
    [Id(29)] public string? Reason { get; set; }
    /// <summary>Read from the archive: resolved long ago, no longer in the book (it cannot be acknowledged).</summary>
    [Id(30)] public bool Archived { get; set; }
}

/// <summary>An asset in a behaviour alert: its id, kind, name if it gave one, and where and when.</summary>
[GenerateSerializer, Immutable, Alias("bw.AlertAsset")]
public sealed record AlertAsset(
    [property: Id(0)] string Asset, [property: Id(1)] string? Kind, [property: Id(2)] string? Name,
    [property: Id(3)] double Lat, [property: Id(4)] double Lon, [property: Id(5)] DateTimeOffset Time);

/// <summary>
/// An asset silent for the dark rule's time: where it was last seen, at what speed and whether under way; and, once
/// it reports again, where (null while it is still silent).
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.DarkReport")]
public sealed record DarkReport(
    [property: Id(0)] AlertAsset LastSeen, [property: Id(1)] double? SpeedKn, [property: Id(2)] bool UnderWay, [property: Id(3)] AlertAsset? Reappeared);

/// <summary>An asset slow for the loitering rule's time (<see cref="Ended"/> null), or moving on after it.</summary>
[GenerateSerializer, Immutable, Alias("bw.LoiterReport")]
public sealed record LoiterReport(
    [property: Id(0)] AlertAsset From, [property: Id(1)] AlertAsset Latest, [property: Id(2)] double AverageKnots, [property: Id(3)] AlertAsset? Ended);

/// <summary>A report for the encounter cells: where a slow asset offshore was (<see cref="Slow"/>), or that it moves on; whether the cell is the one it lies in.</summary>
[GenerateSerializer, Immutable, Alias("bw.CellReport")]
public sealed record CellReport([property: Id(0)] AlertAsset At, [property: Id(1)] bool Slow, [property: Id(2)] bool Home);

/// <summary>Two assets close together: since when, the latest moment, and how far apart then (<see cref="Apart"/>: they parted).</summary>
[GenerateSerializer, Immutable, Alias("bw.EncounterReport")]
public sealed record EncounterReport(
    [property: Id(0)] AlertAsset First, [property: Id(1)] AlertAsset Second, [property: Id(2)] DateTimeOffset Since, [property: Id(3)] DateTimeOffset Latest,
    [property: Id(4)] double Metres, [property: Id(5)] bool Apart);

/// <summary>
/// One cell of the map per scenario (key "{scenario}/{row}:{column}"): the recent slow reports of the assets in or
/// near it, to find pairs that stay together.
/// </summary>
public interface IEncounterCellGrain : IGrainWithStringKey
{
    [OneWay]
    Task ReportAsync(CellReport[] reports);
}

/// <summary>An asset's newest position took it out of one sector and into another (null: outside every sector).</summary>
[GenerateSerializer, Immutable, Alias("bw.SectorCrossing")]
public sealed record SectorCrossing(
    [property: Id(0)] AlertAsset Asset, [property: Id(1)] string? From, [property: Id(2)] string? To, [property: Id(3)] int? ShipType);

[GenerateSerializer, Immutable, Alias("bw.Acknowledgement")]
public sealed record Acknowledgement([property: Id(0)] string By, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string? Comment);

/// <summary>What became of a webhook notice: delivered, or dead-lettered after the last try. Webhook is the hook's name, never its address.</summary>
[GenerateSerializer, Immutable, Alias("bw.Delivery")]
public sealed record DeliveryRecord(
    [property: Id(0)] string Webhook, [property: Id(1)] int Version, [property: Id(2)] bool Delivered,
    [property: Id(3)] int Attempts, [property: Id(4)] DateTimeOffset At, [property: Id(5)] string? Error);

/// <summary>
/// One bucket of a route against what its detector expected: the baseline, the band's top (hours: the count that
/// alerts alone; days: the shifted level the CUSUM listens for), the score against the rule's threshold and the
/// detector that judged it (null: too little history).
/// </summary>
[GenerateSerializer, Immutable, Alias("bw.BaselinePoint")]
public sealed record BaselinePoint(
    [property: Id(0)] DateTimeOffset Start, [property: Id(1)] long Observed, [property: Id(2)] double Expected, [property: Id(3)] double Upper,
    [property: Id(4)] double Score, [property: Id(5)] bool Abnormal, [property: Id(6)] string? Detector);

/// <summary>Holds back delivery of alerts on matching routes or sectors whose window overlaps From..To.</summary>
[GenerateSerializer, Immutable, Alias("bw.Silence")]
public sealed record Silence(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Route,
    [property: Id(2)] string? Sector,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] DateTimeOffset To,
    [property: Id(5)] string Reason,
    [property: Id(6)] string CreatedBy,
    [property: Id(7)] DateTimeOffset CreatedAt)
{
    // A behaviour alert lies in the sectors it lists.
    public bool Matches(Alert alert) =>
        (Route is null || Route == alert.Route)
        && (Sector is null || alert.Target == "sector" && Sector == alert.TargetId || alert.Target == "asset" && alert.Sectors.Contains(Sector))
        && alert.Start < To && alert.End > From;
}

/// <summary>A change of a sector's EUROSUR impact level: by the alert rules ("system") or by an operator.</summary>
[GenerateSerializer, Immutable, Alias("bw.ImpactChange")]
public sealed record ImpactChange(
    [property: Id(0)] string Sector, [property: Id(1)] string By, [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string From, [property: Id(4)] string To, [property: Id(5)] string Why);

/// <summary>Filters of GET /api/alerts; <see cref="Archived"/>: also the alerts the book has moved to its archive.</summary>
[GenerateSerializer, Immutable, Alias("bw.AlertQuery")]
public sealed record AlertQuery(
    [property: Id(0)] AlertState? State, [property: Id(1)] string? Route, [property: Id(2)] DateTimeOffset? From, [property: Id(3)] DateTimeOffset? To,
    [property: Id(4)] bool Archived = true);

/// <summary>
/// Resolved alerts of one scenario and year (of their start) that its book no longer holds: kept for analysts and
/// backtests, written only as alerts age out of the book, so the book's own writes stay small. Key "{scenario}/{year}".
/// </summary>
public interface IAlertArchiveGrain : IGrainWithStringKey
{
    Task AddAsync(Alert[] alerts);
    Task<Alert[]> GetAsync();
    Task DeleteAsync();
}

/// <summary>
/// A scenario's alert book (key: the scenario): evaluates its routes and sectors when their counts change, and keeps
/// the alerts, acknowledgements, silences and impact levels.
/// </summary>
public interface IAlertsGrain : IGrainWithStringKey
{
    /// <summary>Counts of these sectors changed from <paramref name="earliest"/> (event time) on.</summary>
    [OneWay]
    Task CountsChangedAsync(string[] sectors, DateTimeOffset earliest);

    // The behaviour rules' reports are awaited, not one-way: a raise and the end that follows it must arrive in that order.

    /// <summary>Assets crossed sector boundaries, in event-time order per asset: entries into watched sectors alert, exits resolve them.</summary>
    Task CrossedAsync(SectorCrossing[] crossings);

    /// <summary>Assets that went silent, or came back after a silence: the dark rule judges them.</summary>
    Task DarkAsync(DarkReport[] reports);

    /// <summary>Loitering begun or ended, in event-time order.</summary>
    Task LoiterAsync(LoiterReport[] reports);

    /// <summary>Encounters begun or ended, in event-time order.</summary>
    Task EncounterAsync(EncounterReport[] reports);

    Task<Alert[]> QueryAsync(AlertQuery query);

    /// <summary>Null when there is no such alert.</summary>
    Task<Alert?> AcknowledgeAsync(string id, string by, string? comment);

    Task<Silence> AddSilenceAsync(string? route, string? sector, DateTimeOffset from, DateTimeOffset to, string reason, string by);
    Task<Silence[]> GetSilencesAsync();
    Task<bool> RemoveSilenceAsync(string id);

    /// <summary>Impact level per sector where it differs from the catalogue's.</summary>
    Task<Dictionary<string, string>> GetImpactLevelsAsync();

    /// <summary>An operator's level (null: back to the rules), with the reason.</summary>
    Task SetImpactLevelAsync(string sector, string? level, string by, string reason);

    Task<ImpactChange[]> GetImpactAuditAsync(string? sector);

    /// <summary>A route's counts with the baseline and band its rule for the bucket size judges them by (empty: no rule).</summary>
    Task<BaselinePoint[]> GetBaselineAsync(string route, BucketSize bucket, DateTimeOffset from, DateTimeOffset to);

    Task RecordDeliveryAsync(string alertId, DeliveryRecord delivery);

    Task DeleteAsync();
}

/// <summary>A notice waiting for one webhook: the body is made when the alert changed, so every try sends the same.</summary>
[GenerateSerializer, Immutable, Alias("bw.WebhookNotice")]
public sealed record WebhookNotice(
    [property: Id(0)] string Id, [property: Id(1)] string Scenario, [property: Id(2)] string AlertId, [property: Id(3)] int Version,
    [property: Id(4)] string Event, [property: Id(5)] string Body, [property: Id(6)] DateTimeOffset QueuedAt);

[GenerateSerializer, Immutable, Alias("bw.WebhookLogEntry")]
public sealed record WebhookLogEntry(
    [property: Id(0)] string NoticeId, [property: Id(1)] string Scenario, [property: Id(2)] string AlertId, [property: Id(3)] string Event,
    [property: Id(4)] DeliveryRecord Delivery);

/// <summary>A webhook's notices waiting, and its latest deliveries, newest first.</summary>
[GenerateSerializer, Immutable, Alias("bw.WebhookStatus")]
public sealed record WebhookStatus([property: Id(0)] int Waiting, [property: Id(1)] WebhookLogEntry[] Log);

/// <summary>
/// One per configured webhook (keyed by its name): its outbox in grain state, so that notices not yet delivered
/// survive a restart, and its delivery log. The silos' senders lease notices from it and report what became of them.
/// </summary>
public interface IWebhookGrain : IGrainWithStringKey
{
    Task QueueAsync(WebhookNotice notice);

    /// <summary>The oldest notice no sender holds, leased for <paramref name="lease"/>; null when none waits.</summary>
    Task<WebhookNotice?> TakeAsync(TimeSpan lease);

    Task CompleteAsync(WebhookNotice notice, DeliveryRecord delivery);

    Task<WebhookStatus> GetStatusAsync();
}
