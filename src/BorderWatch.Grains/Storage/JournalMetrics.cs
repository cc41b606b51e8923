using System.Runtime.CompilerServices;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// What this process wrote to journal storage, as counters of the <c>BorderWatch</c> meter (tagged with the
/// scenario) and as totals for <c>/api/diagnostics/storage</c>, in all and per scenario: with compaction, sealing
/// and retention, bytes at rest no longer tell what was written.
/// </summary>
public static class JournalMetrics
{
    private static long s_bytes, s_appends;
    // A few hundred scenarios at most; a deleted one's total stays until the process restarts.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox<long>> s_byScenario = new(StringComparer.Ordinal);

    public static long BytesWritten => Interlocked.Read(ref s_bytes);
    public static long Appends => Interlocked.Read(ref s_appends);

    public static long BytesWrittenFor(string scenario) => s_byScenario.TryGetValue(scenario, out var bytes) ? Interlocked.Read(ref bytes.Value) : 0;

    /// <summary>Bytes written: an append (with the time storage took to confirm it) or a sealed segment.</summary>
    public static void Appended(string scenario, int bytes, TimeSpan? took = null)
    {
        Interlocked.Add(ref s_bytes, bytes);
        Interlocked.Increment(ref s_appends);
        Interlocked.Add(ref s_byScenario.GetOrAdd(scenario, _ => new StrongBox<long>()).Value, bytes);
        var tag = new KeyValuePair<string, object?>("scenario", scenario);
        BorderWatchMetrics.JournalBytes.Add(bytes, tag);
        BorderWatchMetrics.JournalAppends.Add(1, tag);
        if (took is { } t) BorderWatchMetrics.JournalAppendDuration.Record(t.TotalSeconds);
    }
}
