using System.ComponentModel.DataAnnotations;

namespace BorderWatch.Server.Security;

/// <summary>Configuration section BorderWatch:Limits: what one caller may ask of the server.</summary>
public sealed class LimitOptions
{
    public const string Section = "BorderWatch:Limits";

    /// <summary>Requests per second per key (per address before a key is known); a key's own RequestsPerSecond wins.</summary>
    [Range(0.001, 1e9, ErrorMessage = "BorderWatch:Limits:RequestsPerSecond must be above 0")]
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests above the rate a caller may send at once.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "BorderWatch:Limits:Burst must be at least 1")]
    public int Burst { get; set; } = 200;

    /// <summary>Anonymous /health requests per second per address (probes ask every few seconds).</summary>
    [Range(0.001, 1e9, ErrorMessage = "BorderWatch:Limits:HealthRequestsPerSecond must be above 0")]
    public double HealthRequestsPerSecond { get; set; } = 5;

    /// <summary>Expensive reads (exports, listings) one key may have running at once; more wait their turn briefly, then 429.</summary>
    [Range(1, 1000, ErrorMessage = "BorderWatch:Limits:ExpensiveReadsPerKey must be between 1 and 1000")]
    public int ExpensiveReadsPerKey { get; set; } = 2;

    /// <summary>Largest SignalR message a dashboard may send (a subscription is a few hundred bytes).</summary>
    [Range(1024, 16L * 1024 * 1024, ErrorMessage = "BorderWatch:Limits:MaxHubMessageBytes must be between 1024 and 16777216")]
    public long MaxHubMessageBytes { get; set; } = 16 * 1024;

    /// <summary>Subscriptions a dashboard connection may start per minute: each one reads a snapshot from the grains.</summary>
    [Range(1, 100_000, ErrorMessage = "BorderWatch:Limits:SubscriptionsPerMinute must be between 1 and 100000")]
    public int SubscriptionsPerMinute { get; set; } = 30;

    /// <summary>Routes plus sectors one subscription may name.</summary>
    [Range(1, 100_000, ErrorMessage = "BorderWatch:Limits:MaxSubscriptionItems must be between 1 and 100000")]
    public int MaxSubscriptionItems { get; set; } = 200;

    /// <summary>Origins allowed to call the API from a browser page served elsewhere; none: CORS closed.</summary>
    public List<string> CorsOrigins { get; set; } = [];
}
