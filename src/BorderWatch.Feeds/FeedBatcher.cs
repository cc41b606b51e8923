using System.Runtime.CompilerServices;

namespace BorderWatch.Feeds;

/// <summary>
/// Cuts a time-ordered feed into batches and releases each when its records are due: at <c>speed</c> N, a record
/// <c>t</c> after the feed's first one is due <c>t / N</c> after the start; with no speed, everything is due at once
/// and batches are full. The clock is absolute, so a slow consumer makes the next batches bigger, not the replay longer.
/// </summary>
public sealed class FeedBatcher(double? speed, int maxBatch, TimeProvider time)
{
    /// <summary>Records due this close together travel in one batch rather than waking for each.</summary>
    private static readonly TimeSpan Granularity = TimeSpan.FromMilliseconds(20);

    public async IAsyncEnumerable<List<FeedRecord>> BatchAsync(IEnumerable<FeedRecord> records, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var batch = new List<FeedRecord>();
        DateTimeOffset? first = null;
        var started = time.GetTimestamp();
        foreach (var record in records)
        {
            cancellation.ThrowIfCancellationRequested();
            first ??= record.Time;
            var wait = speed is { } s ? (record.Time - first.Value) / s - time.GetElapsedTime(started) : TimeSpan.Zero;
            // A full batch is cut where the time changes, so that "everything up to time T" is always whole batches.
            var full = batch.Count >= maxBatch && record.Time != batch[^1].Time;
            if (batch.Count > 0 && (full || wait > Granularity))
            {
                yield return batch;
                batch = [];
            }
            if (wait > Granularity) await Task.Delay(wait, time, cancellation);
            batch.Add(record);
        }
        if (batch.Count > 0) yield return batch;
    }
}
