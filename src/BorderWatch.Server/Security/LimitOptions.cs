namespace BorderWatch.Server.Security;

/// <summary>Configuration section BorderWatch:Limits: what one caller may ask of the server.</summary>
public sealed class LimitOptions
{
    public const string Section = "BorderWatch:Limits";

    /// <summary>Requests per second per key (per address before a key is known); a key's own RequestsPerSecond wins.</summary>
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests above the rate a caller may send at once.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Anonymous /health requests per second per address (probes ask every few seconds).</summary>
    public double HealthRequestsPerSecond { get; set; } = 5;

    /// <summary>Expensive reads (exports, listings) one key may have running at once; more wait their turn briefly, then 429.</summary>
    public int ExpensiveReadsPerKey { get; set; } = 2;

    /// <summary>Largest SignalR message a dashboard may send (a subscription is a few hundred bytes).</summary>
    public long MaxHubMessageBytes { get; set; } = 16 * 1024;

    /// <summary>Subscriptions a dashboard connection may start per minute: each one reads a snapshot from the grains.</summary>
    public int SubscriptionsPerMinute { get; set; } = 30;

    /// <summary>Routes plus sectors one subscription may name.</summary>
    public int MaxSubscriptionItems { get; set; } = 200;

    /// <summary>Origins allowed to call the API from a browser page served elsewhere; none: CORS closed.</summary>
    public List<string> CorsOrigins { get; set; } = [];
}
