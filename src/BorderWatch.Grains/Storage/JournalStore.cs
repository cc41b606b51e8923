using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;

namespace BorderWatch.Grains.Storage;

/// <summary>Opens grain journals in the journal container, creating the container once per process.</summary>
public sealed class JournalStore([FromKeyedServices(StorageNames.BlobClient)] BlobServiceClient blobs)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.JournalContainer);
    private Task? _created;

    public BlobContainerClient Container => _container;

    public async Task<BlobJournal> OpenAsync(string prefix, JournalPosition position)
    {
        // Retried after a failure: storage may come back.
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled) _created = created = _container.CreateIfNotExistsAsync();
        await created;
        return new BlobJournal(_container, prefix, position);
    }

    /// <summary>Deletes every journal blob under the prefix (a shard's log, or a whole scenario's).</summary>
    public async Task DeleteAllAsync(string prefix)
    {
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" }))
        {
            await _container.DeleteBlobIfExistsAsync(blob.Name);
        }
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
