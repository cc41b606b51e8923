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
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" }))
            {
                await _container.DeleteBlobIfExistsAsync(blob.Name);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing was ever journaled, so nothing to delete.
        }
    }

    /// <summary>
    /// The bytes of every journal blob whose name starts so (<c>{scenario}/log/assets-</c>, say), and when the oldest
    /// of them was created: when the oldest record they keep was stored.
    /// </summary>
    public async Task<(long Bytes, DateTimeOffset? Since)> UsageAsync(string startOfName)
    {
        var (bytes, since) = (0L, (DateTimeOffset?)null);
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = startOfName }))
            {
                bytes += blob.Properties.ContentLength ?? 0;
                if (blob.Properties.CreatedOn is { } created && (since is null || created < since)) since = created;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing was ever journaled.
        }
        return (bytes, since);
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

    /// <summary>Where a journal shard's record log lives: <c>{scenario}/log/{kind}-{n}</c>.</summary>
    public static string ShardPrefix(string shardKey)
    {
        var (scenario, shard) = GrainKeys.Parse(shardKey);
        return $"{LogsOf(scenario)}/{shard}";
    }

    /// <summary>Where its saved states live: <c>{scenario}/state/{kind}-{n}</c>.</summary>
    public static string StatePrefix(string shardKey)
    {
        var (scenario, shard) = GrainKeys.Parse(shardKey);
        return $"{StatesOf(scenario)}/{shard}";
    }

    public static string LogsOf(string scenario) => $"{scenario}/log";
    public static string StatesOf(string scenario) => $"{scenario}/state";
}
