using System.ComponentModel.DataAnnotations;
using BorderWatch.Grains.Counting;

namespace BorderWatch.Grains;

/// <summary>Configuration section BorderWatch:Counting.</summary>
public sealed class CountingOptions
{
    public const string Section = "BorderWatch:Counting";

    /// <summary>
    /// How far behind a sector's newest detection a detection may be and still be checked for duplicates by id.
    /// Older ones are refused (not silently counted twice); every retry and resumed replay lands inside it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00", ErrorMessage = "BorderWatch:Counting:DedupWindow must be a positive time span")]
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan MinuteRetention { get; set; } = Retention.Default.Minutes;
    public TimeSpan HourRetention { get; set; } = Retention.Default.Hours;

    /// <summary>
    /// How often a journal shard checkpoints, compacts and asks members to save. A member is asked once its unsaved
    /// records take as many bytes as its saved state, so that saves cost no more than the records they spare
    /// recovery from reading...
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00", ErrorMessage = "BorderWatch:Counting:SnapshotInterval must be a positive time span")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>...and at the latest once its oldest unsaved record is this old: recovery never reads more than this much of a log.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00", ErrorMessage = "BorderWatch:Counting:MaxUnsavedAge must be a positive time span")]
    public TimeSpan MaxUnsavedAge { get; set; } = TimeSpan.FromMinutes(5);

    public Retention Retention => new(MinuteRetention, HourRetention);
}

/// <summary>
/// Configuration section BorderWatch:Retention: how long the record archive (what export and a replay from the
/// archive read) keeps each record type, counted from when BorderWatch stored the record, so that history replayed
/// today is kept as long as today's feed. Empty keeps it for ever. Counters and alerts are not affected.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "BorderWatch:Retention";

    public TimeSpan? Detections { get; set; }
    public TimeSpan? Positions { get; set; } = TimeSpan.FromDays(90);
}

/// <summary>Configuration section BorderWatch:Assets.</summary>
public sealed class AssetOptions
{
    public const string Section = "BorderWatch:Assets";

    /// <summary>The recent track kept per asset: at most this many points...</summary>
    [Range(1, 100_000, ErrorMessage = "BorderWatch:Assets:TrackPoints must be between 1 and 100000")]
    public int TrackPoints { get; set; } = 100;

    /// <summary>...and none older than this behind the newest position.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00", ErrorMessage = "BorderWatch:Assets:TrackWindow must be a positive time span")]
    public TimeSpan TrackWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Sector enter/exit events kept per asset.</summary>
    [Range(0, 10_000, ErrorMessage = "BorderWatch:Assets:Transitions must be between 0 and 10000")]
    public int Transitions { get; set; } = 50;

    /// <summary>An asset silent for longer than this, on its scenario's clock, is shown as stale.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00", ErrorMessage = "BorderWatch:Assets:StaleAfter must be a positive time span")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(10);

    public bool IsStale(TrackPoint latest, DateTimeOffset clock) => clock - latest.Time > StaleAfter;

    /// <summary>
    /// An asset that has not reported for this long (wall time) leaves memory, saved first; its next report or
    /// question brings it back from its journal shard. As long as Orleans keeps an idle grain by default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "BorderWatch:Assets:IdleAfter must be at least a second")]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(15);
}
