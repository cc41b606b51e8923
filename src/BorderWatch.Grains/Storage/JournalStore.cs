using Azure.Storage.Blobs;
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

    public static string SectorPrefix(string scenario, string sector) => $"{scenario}/sectors/{sector}";

    /// <summary>Asset ids are free text: escape them so every id makes a valid, distinct blob name.</summary>
    public static string AssetPrefix(string scenario, string asset) => $"{scenario}/assets/{Uri.EscapeDataString(asset)}";
}
