using System.ComponentModel.DataAnnotations;

namespace BorderWatch.Server.Ingest;

/// <summary>Configuration section BorderWatch:Ingest.</summary>
public sealed class IngestOptions
{
    public const string Section = "BorderWatch:Ingest";

    [Range(1024, long.MaxValue, ErrorMessage = "BorderWatch:Ingest:MaxBodyBytes must be at least 1024")]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Records (lines or array items) in one request.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "BorderWatch:Ingest:MaxRecords must be at least 1")]
    public int MaxRecords { get; set; } = 50_000;

    /// <summary>Clock skew allowed to feeders: records further in the future are refused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "BorderWatch:Ingest:MaxFutureSkew must be between 00:00:00 and 1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Records before this are refused as implausible.</summary>
    public DateTimeOffset Earliest { get; set; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Records sent to one grain per call: keeps grain turns short.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "BorderWatch:Ingest:MaxRecordsPerCall must be at least 1")]
    public int MaxRecordsPerCall { get; set; } = 5_000;
}
