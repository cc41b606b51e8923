using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// What this process wrote to journal storage, as OpenTelemetry-ready counters (meter <c>BorderWatch.Journal</c>,
/// tagged with the scenario) and as totals for <c>/api/diagnostics/storage</c>, in all and per scenario: with
/// compaction, sealing and retention, bytes at rest no longer tell what was written.
/// </summary>
public static class JournalMetrics
{
    private static readonly Meter Meter = new("BorderWatch.Journal");
    private static readonly Counter<long> BytesCounter = Meter.CreateCounter<long>("borderwatch.journal.bytes_written", "By", "Bytes appended to journal logs");
    private static readonly Counter<long> AppendsCounter = Meter.CreateCounter<long>("borderwatch.journal.appends", "{append}", "Blocks appended to journal logs");
    private static long s_bytes, s_appends;
    // A few hundred scenarios at most; a deleted one's total stays until the process restarts.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox<long>> s_byScenario = new(StringComparer.Ordinal);

    public static long BytesWritten => Interlocked.Read(ref s_bytes);
    public static long Appends => Interlocked.Read(ref s_appends);

    public static long BytesWrittenFor(string scenario) => s_byScenario.TryGetValue(scenario, out var bytes) ? Interlocked.Read(ref bytes.Value) : 0;

    public static void Appended(string scenario, int bytes)
    {
        Interlocked.Add(ref s_bytes, bytes);
        Interlocked.Increment(ref s_appends);
        Interlocked.Add(ref s_byScenario.GetOrAdd(scenario, _ => new StrongBox<long>()).Value, bytes);
        var tag = new KeyValuePair<string, object?>("scenario", scenario);
        BytesCounter.Add(bytes, tag);
        AppendsCounter.Add(1, tag);
    }
}
