using Azure.Storage.Blobs;
using BorderWatch.Contracts;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BorderWatch.Server.Hosting;

/// <summary>
/// Healthy once storage answers and a grain can be activated (which reads its state from storage). Anyone may ask
/// (probes have no key), so an answer is at most <see cref="MaxAge"/> old and shared by every caller meanwhile, and
/// a check only reads: however often it is asked, storage and the cluster see one check per 5 s.
/// </summary>
public sealed class ReadinessCheck([FromKeyedServices(StorageNames.BlobClient)] BlobServiceClient blobs, IGrainFactory grains, TimeProvider time) : IHealthCheck
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

    private async Task<HealthCheckResult> CheckAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await blobs.GetBlobContainerClient(StorageNames.JournalContainer).ExistsAsync(timeout.Token);
            await grains.GetGrain<IScenarioGrain>(Scenarios.Live).GetClockAsync().WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Storage or cluster not ready: " + e.Message);
        }
    }
}
