using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BorderWatch.Grains.Storage;

/// <summary>A log as a chain of Azure append blobs, <c>{prefix}/00000.ndjson</c>, <c>00001.ndjson</c>, ...</summary>
public sealed class AppendBlobJournalStorage(BlobContainerClient container, string prefix, JournalOptions options) : IJournalStorage
{
    public int MaxBlockBytes => options.MaxBlockBytes;
    public int MaxBlocksPerSegment => options.MaxBlocksPerSegment;

    public async Task<SegmentInfo?> SegmentAsync(int segment, CancellationToken cancellation = default)
    {
        try
        {
            var properties = (await Segment(segment).GetPropertiesAsync(cancellationToken: cancellation)).Value;
            return new SegmentInfo(properties.ContentLength, properties.BlobCommittedBlockCount);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<byte[]> ReadAsync(JournalPosition at, long length, CancellationToken cancellation = default)
    {
        var options = new BlobDownloadOptions { Range = new HttpRange(at.Offset, length) };
        var content = await Segment(at.Segment).DownloadContentAsync(options, cancellation);
        return content.Value.Content.ToArray();
    }

    public async Task<int> AppendAsync(JournalPosition at, ReadOnlyMemory<byte> block, CancellationToken cancellation = default)
    {
        var blob = Segment(at.Segment);
        if (at.Offset == 0) await CreateAsync(blob, cancellation);
        var conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = at.Offset };
        try
        {
            using var stream = BinaryData.FromBytes(block).ToStream();
            var result = await blob.AppendBlockAsync(stream, new AppendBlobAppendBlockOptions { Conditions = conditions }, cancellation);
            JournalMetrics.Appended(block.Length);
            return result.Value.BlobCommittedBlockCount;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new JournalConflictException($"{blob.Name} does not end at byte {at.Offset:N0}: another writer appended to it", e);
        }
    }

    /// <summary>Creating an existing segment changes nothing: the append's condition is what keeps two writers apart.</summary>
    private async Task CreateAsync(AppendBlobClient blob, CancellationToken cancellation)
    {
        try
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellation);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellation);
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellation);
        }
    }

    public async Task<IReadOnlyList<SegmentListing>> SegmentsAsync(CancellationToken cancellation = default)
    {
        var segments = new List<SegmentListing>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" }, cancellation))
            {
                var name = blob.Name[(prefix.Length + 1)..];
                if (name.Length != Name.Length || !int.TryParse(name.AsSpan(0, 5), out var segment) || !name.EndsWith(".ndjson", StringComparison.Ordinal)) continue;
                var properties = blob.Properties;
                segments.Add(new SegmentListing(segment, properties.ContentLength ?? 0, properties.CreatedOn ?? default, properties.LastModified ?? default));
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Nothing was ever written.
        }
        return [.. segments.OrderBy(s => s.Segment)];
    }

    public Task DeleteSegmentAsync(int segment, CancellationToken cancellation = default) =>
        Segment(segment).DeleteIfExistsAsync(cancellationToken: cancellation);

    public async Task DeleteAsync(CancellationToken cancellation = default)
    {
        foreach (var segment in await SegmentsAsync(cancellation)) await DeleteSegmentAsync(segment.Segment, cancellation);
    }

    private const string Name = "00000.ndjson";

    private AppendBlobClient Segment(int segment) => container.GetAppendBlobClient($"{prefix}/{segment:D5}.ndjson");
}

/// <summary>Configuration section BorderWatch:Journal: the storage service's limits, smaller in tests.</summary>
public sealed class JournalOptions
{
    public const string Section = "BorderWatch:Journal";

    /// <summary>Azure's limit for one append block.</summary>
    public int MaxBlockBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Azure allows 50,000 blocks in an append blob; a write that might not fit starts the next segment.</summary>
    public int MaxBlocksPerSegment { get; set; } = 48_000;

    /// <summary>
    /// A record segment this long is closed and the next begins: retention deletes whole segments, so this is how
    /// finely it cuts (Kafka's segment.bytes plays the same part).
    /// </summary>
    public long RecordSegmentBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// A saved-state segment this long is closed; compaction then copies the states still current in it forward and
    /// deletes it. Storage holds at most about this much superseded state per shard beyond two of its live states.
    /// </summary>
    public long StateSegmentBytes { get; set; } = 4 * 1024 * 1024;
}
