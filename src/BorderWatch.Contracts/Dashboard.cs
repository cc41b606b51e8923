namespace BorderWatch.Contracts;

/// <summary>
/// What the live hub (/hubs/live) sends a dashboard. After <c>Subscribe</c> a client gets one
/// <see cref="Snapshot"/>, then only changes: one <see cref="Changed"/> a round, at most one every
/// <c>BorderWatch:Live:SendInterval</c>, so a browser draws once a round whatever the load.
/// </summary>
public interface IDashboardClient
{
    Task Snapshot(DashboardSnapshot snapshot);
    Task Changed(DashboardChanges changes);

    /// <summary>Playback: the whole picture as of the connection's playback clock, one a frame.</summary>
    Task Picture(DashboardSnapshot picture);
}

/// <summary>
/// What changed since the last message, merged per sector, route and asset. <see cref="Alerts"/>: the board whole
/// (active alerts, or resolved in the last 24 hours of the scenario clock) and the impact levels, or null when they
/// did not change. <see cref="Detections"/>: the new ones, each with the patrols nearest it when it arrived; under a
/// flood a sample, at most <c>BorderWatch:Live:MaxDetectionsPerRound</c> a silo sends each round, the newest by event time.
/// </summary>
public sealed record DashboardChanges(
    string Scenario,
    DateTimeOffset Clock,
    IReadOnlyList<CountsUpdate> Sectors,
    IReadOnlyList<CountsUpdate> Routes,
    IReadOnlyList<AssetUpdate> Assets,
    IReadOnlyList<DetectionUpdate> Detections,
    AlertsUpdate? Alerts);

/// <summary>A detection on the events layer, with the patrol assets nearest it (not stale), nearest first.</summary>
public sealed record DetectionUpdate(Detection Detection, IReadOnlyList<PatrolReach> Nearest);

/// <summary>A patrol asset as seen from a point: how far, which way, and how soon it could be there.</summary>
public sealed record PatrolReach(string Asset, string Kind, string? Name, double Lat, double Lon, DateTimeOffset Time, double? SpeedKn,
    double DistanceKm, double BearingDeg, double AtKnots, double EtaMinutes);

/// <summary>
/// What a dashboard wants of a scenario. With no routes, sectors or box it gets everything; otherwise the sectors
/// that are in one of the routes, in the list or inside the box (west, south, east, north in degrees), their
/// routes, and the assets inside the box or those sectors.
/// </summary>
public sealed record Subscription(string Scenario, string[]? Routes = null, string[]? Sectors = null, double[]? Bbox = null);

/// <summary>A sector's or route's counters as of the scenario clock, with its last 24 hours hour by hour.</summary>
public sealed record CountsUpdate(string Id, WindowCounts Counts, IReadOnlyList<SeriesPoint> Hourly);

/// <summary>
/// An asset's newest position. <see cref="Stale"/>: nothing heard from it for longer than
/// <see cref="DashboardSnapshot.StaleAfter"/> on the scenario clock when this was sent.
/// </summary>
public sealed record AssetUpdate(string Asset, string? Kind, TrackPoint Latest, string? Sector, bool Stale, Vessel? Vessel);

/// <summary>Alerts on a dashboard's board, and each sector's impact level where it differs from the catalogue's.</summary>
public sealed record AlertsUpdate(string Scenario, IReadOnlyList<Alert> Alerts, IReadOnlyDictionary<string, string> ImpactLevels)
{
    public static AlertsUpdate Empty(string scenario) => new(scenario, [], new Dictionary<string, string>());
}

public sealed record DashboardSnapshot(
    string Scenario,
    DateTimeOffset Clock,
    TimeSpan StaleAfter,
    IReadOnlyList<CountsUpdate> Sectors,
    IReadOnlyList<CountsUpdate> Routes,
    IReadOnlyList<AssetUpdate> Assets,
    AlertsUpdate Alerts,
    IReadOnlyList<DetectionUpdate> Detections);

/// <summary>What a dashboard asks to play: a scenario from a moment of its past, at a speed (0: paused there, up to 3600).</summary>
public sealed record PlaybackRequest(string Scenario, DateTimeOffset At, double Speed);
