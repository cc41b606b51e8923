using Azure.Storage.Blobs;
using BorderWatch.Contracts;
using BorderWatch.Geography;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BorderWatch.Server.Hosting;

/// <summary>
/// Ready once the catalogue is loaded (start-up stops otherwise), storage answers and a grain can be activated (which reads its state from storage). Anyone may ask
/// (probes have no key), so an answer is at most <see cref="MaxAge"/> old and shared by every caller meanwhile, and
/// a check only reads: however often it is asked, storage and the cluster see one check per 5 s.
/// </summary>
public sealed class ReadinessCheck([FromKeyedServices(StorageNames.BlobClient)] BlobServiceClient blobs, IGrainFactory grains, SectorCatalogue catalogue,
    TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private (Task<HealthCheckResult> Result, DateTimeOffset At)? _last;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
    {
        lock (_gate)
        {
            if (_last is not { } last || time.GetUtcNow() - last.At > MaxAge) _last = last = (CheckAsync(), time.GetUtcNow());
            return last.Result;
        }
    }

    /// <summary>Storage, then the cluster (a grain activation reads its state from storage); each part says how it is.</summary>
    private async Task<HealthCheckResult> CheckAsync()
    {
        var parts = new Dictionary<string, object> { ["catalogue"] = $"ready: {catalogue.Sectors.Count} sectors" };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        parts["storage"] = await PartAsync(() => blobs.GetBlobContainerClient(StorageNames.JournalContainer).ExistsAsync(timeout.Token));
        parts["cluster"] = await PartAsync(() => grains.GetGrain<IScenarioGrain>(Scenarios.Live).GetClockAsync().WaitAsync(timeout.Token));
        var failed = parts.Where(p => p.Value is string text && !text.StartsWith("ready", StringComparison.Ordinal)).Select(p => $"{p.Key} {p.Value}").ToList();
        return failed.Count == 0 ? HealthCheckResult.Healthy("ready", parts) : HealthCheckResult.Unhealthy(string.Join("; ", failed), data: parts);
    }

    private static async Task<string> PartAsync(Func<Task> check)
    {
        try
        {
            await check();
            return "ready";
        }
        catch (Exception e)
        {
            return "not ready: " + e.Message.Split('\n')[0];
        }
    }

    /// <summary>The answer of /health/ready: the status and each part's, as JSON.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var parts = report.Entries.SelectMany(e => e.Value.Data).ToDictionary(d => d.Key, d => d.Value);
        return context.Response.WriteAsJsonAsync(new { status = report.Status.ToString(), parts });
    }
}
