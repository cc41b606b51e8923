using Azure.Storage.Blobs;
using BorderWatch.Contracts;
using BorderWatch.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BorderWatch.Server.Hosting;

/// <summary>Healthy once storage answers and a grain can be activated (which reads its state from storage).</summary>
public sealed class ReadinessCheck([FromKeyedServices(StorageNames.BlobClient)] BlobServiceClient blobs, IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
    {
        try
        {
            await blobs.GetBlobContainerClient(StorageNames.JournalContainer).CreateIfNotExistsAsync(cancellationToken: cancellation);
            await grains.GetGrain<IScenarioGrain>(Scenarios.Live).GetClockAsync().WaitAsync(cancellation);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Storage or cluster not ready: " + e.Message);
        }
    }
}
