using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Storage;

/// <summary>The journal container: each shard's log in it, and the scenarios it holds.</summary>
public sealed class JournalStore([FromKeyedServices(StorageNames.BlobClient)] BlobServiceClient blobs, IOptions<JournalOptions> options)
    : IJournalStorageProvider
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.JournalContainer);

    public IJournalStorage Open(string prefix) => new AppendBlobJournalStorage(_container, prefix, options.Value);

    /// <summary>Deletes every journal blob under the prefix (a shard's log, or a whole scenario's).</summary>
    public async Task DeleteAllAsync(string prefix)
    {
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" }))
        {
            await _container.DeleteBlobIfExistsAsync(blob.Name);
        }
    }

    /// <summary>The bytes of every journal blob under a prefix (a scenario's, say): what it keeps at rest.</summary>
    public async Task<long> BytesAsync(string prefix)
    {
        var bytes = 0L;
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" })) bytes += blob.Properties.ContentLength ?? 0;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing was ever journaled.
        }
        return bytes;
    }

    /// <summary>The names one level below a prefix: scenarios at the top, then a scenario's shard logs.</summary>
    public async Task<List<string>> ChildrenAsync(string? prefix)
    {
        var names = new List<string>();
        try
        {
            await foreach (var item in _container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = prefix is null ? null : prefix + "/" }))
            {
                if (item.IsPrefix) names.Add(Uri.UnescapeDataString(item.Prefix[(prefix is null ? 0 : prefix.Length + 1)..^1]));
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing was ever journaled.
        }
        return names;
    }

    /// <summary>Where a journal shard's log lives: <c>{scenario}/log/{kind}-{n}</c>.</summary>
    public static string ShardPrefix(string shardKey)
    {
        var (scenario, shard) = GrainKeys.Parse(shardKey);
        return $"{scenario}/log/{shard}";
    }

    public static string LogsOf(string scenario) => $"{scenario}/log";
}
