using System.ComponentModel.DataAnnotations;

namespace BorderWatch.Grains.Live;

/// <summary>Configuration section BorderWatch:Live: how often changes travel from grains to dashboards.</summary>
public sealed class LiveOptions
{
    public const string Section = "BorderWatch:Live";

    /// <summary>How often a silo sends the changes it gathered to the front ends (merged per sector and asset).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "BorderWatch:Live:PublishInterval must be between 1 ms and a day")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The least time between two messages to one dashboard connection; what changes in between is merged.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "BorderWatch:Live:SendInterval must be between 1 ms and a day")]
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often counts are re-read even without changes, so that "last hour" rolls on as the clock moves.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "BorderWatch:Live:RefreshInterval must be between 1 ms and a day")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a front end renews its entry in the live directory; entries expire after three of these. It bounds
    /// how long dashboards hear nothing after the silo holding the directory dies (its list goes with it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "BorderWatch:Live:RenewInterval must be between 1 ms and a day")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long live reads wait: a front end's reads for its dashboards, a silo's read of the directory. A call in
    /// flight to a silo that dies otherwise waits Orleans' 30 s response timeout, and every dashboard with it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "BorderWatch:Live:ReadTimeout must be between 1 ms and a day")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many assets go into a dashboard's snapshot (the newest ones stream in anyway).</summary>
    [Range(0, 100_000, ErrorMessage = "BorderWatch:Live:MaxSnapshotAssets must be between 0 and 100000")]
    public int MaxSnapshotAssets { get; set; } = 5_000;

    /// <summary>
    /// At most this many new detections a silo sends a scenario's dashboards each publish round (the newest by
    /// event time), and a connection is sent each time: the events layer shows a sample of a flood (240 a second to a
    /// browser at most, at the default intervals), the counts take every one. Real feeds bring a few an hour; larger messages would hold up the
    /// counters behind them.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "BorderWatch:Live:MaxDetectionsPerRound must be between 0 and 100000")]
    public int MaxDetectionsPerRound { get; set; } = 12;

    /// <summary>How many of a scenario's newest detections its events layer keeps (those of the last 24 hours).</summary>
    [Range(0, 100_000, ErrorMessage = "BorderWatch:Live:RecentDetections must be between 0 and 100000")]
    public int RecentDetections { get; set; } = 2_000;
}
