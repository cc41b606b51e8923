using System.Diagnostics.Metrics;

namespace BorderWatch.Grains.Storage;

/// <summary>
/// What this process wrote to journal storage, as OpenTelemetry-ready counters (meter <c>BorderWatch.Journal</c>)
/// and as totals for <c>/api/diagnostics/storage</c>: with compaction and retention, bytes at rest no longer tell
/// what was written.
/// </summary>
public static class JournalMetrics
{
    private static readonly Meter Meter = new("BorderWatch.Journal");
    private static readonly Counter<long> BytesCounter = Meter.CreateCounter<long>("borderwatch.journal.bytes_written", "By", "Bytes appended to journal logs");
    private static readonly Counter<long> AppendsCounter = Meter.CreateCounter<long>("borderwatch.journal.appends", "{append}", "Blocks appended to journal logs");
    private static long s_bytes, s_appends;

    public static long BytesWritten => Interlocked.Read(ref s_bytes);
    public static long Appends => Interlocked.Read(ref s_appends);

    public static void Appended(int bytes)
    {
        Interlocked.Add(ref s_bytes, bytes);
        Interlocked.Increment(ref s_appends);
        BytesCounter.Add(bytes);
        AppendsCounter.Add(1);
    }
}
