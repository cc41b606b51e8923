using System.Runtime.CompilerServices;

namespace BorderWatch.Feeds;

/// <summary>
/// Cuts a time-ordered feed into batches and releases each when its records are due: at <c>speed</c> N, a record
/// <c>t</c> after the feed's first one is due <c>t / N</c> after the start; with no speed, everything is due at once
/// and batches are full. The clock is absolute, so a slow consumer makes the next batches bigger, not the replay longer.
/// A batch is full at <c>maxBatch</c> records or <c>maxBytes</c> of content, whichever comes first.
/// </summary>
public sealed class FeedBatcher(double? speed, int maxBatch, long maxBytes, TimeProvider time)
{
    /// <summary>Under the server's default request limit (Ingest:MaxBodyBytes, 10 MiB), with room for the newlines.</summary>
    public const long DefaultMaxBytes = 8 * 1024 * 1024;

    /// <summary>Records due this close together travel in one batch rather than waking for each.</summary>
    private static readonly TimeSpan Granularity = TimeSpan.FromMilliseconds(20);

    public async IAsyncEnumerable<List<FeedRecord>> BatchAsync(IEnumerable<FeedRecord> records, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var batch = new List<FeedRecord>();
        var bytes = 0L;
        DateTimeOffset? first = null;
        var started = time.GetTimestamp();
        foreach (var record in records)
        {
            cancellation.ThrowIfCancellationRequested();
            first ??= record.Time;
            var wait = speed is { } s ? (record.Time - first.Value) / s - time.GetElapsedTime(started) : TimeSpan.Zero;
            // A full batch is cut where the time changes, so that "everything up to time T" is always whole batches.
            var full = (batch.Count >= maxBatch || bytes + record.Content.Length > maxBytes) && record.Time != batch[^1].Time;
            if (batch.Count > 0 && (full || wait > Granularity))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            if (wait > Granularity) await Task.Delay(wait, time, cancellation);
            batch.Add(record);
            bytes += record.Content.Length;
        }
        if (batch.Count > 0) yield return batch;
    }
}
