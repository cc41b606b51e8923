using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace BorderWatch.Grains;

/// <summary>
/// The figures operators watch, as one OpenTelemetry meter, <c>BorderWatch</c>: names and units after the semantic
/// conventions (a counter's <c>_total</c> is the exporter's to add). Recording costs nothing until a listener (the
/// OpenTelemetry SDK, dotnet-counters) enables an instrument.
/// </summary>
public static class BorderWatchMetrics
{
    public const string MeterName = "BorderWatch";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> RecordsReceived = Meter.CreateCounter<long>("borderwatch.records.received", "{record}", "Records in ingest requests, by type");
    public static readonly Counter<long> RecordsAccepted = Meter.CreateCounter<long>("borderwatch.records.accepted", "{record}", "Records accepted and durable, by type");
    public static readonly Counter<long> RecordsDuplicate = Meter.CreateCounter<long>("borderwatch.records.duplicate", "{record}", "Records already held, counted once, by type");
    public static readonly Counter<long> RecordsRejected = Meter.CreateCounter<long>("borderwatch.records.rejected", "{record}", "Records refused, by type and reason (the field at fault)");
    public static readonly Histogram<double> IngestDuration = Meter.CreateHistogram<double>("borderwatch.ingest.duration", "s", "Time from a batch's arrival to its answer, by type");

    public static readonly Counter<long> JournalAppends = Meter.CreateCounter<long>("borderwatch.journal.appends", "{append}", "Blocks appended to journal logs, by scenario");
    public static readonly Counter<long> JournalBytes = Meter.CreateCounter<long>("borderwatch.journal.bytes", "By", "Bytes appended to journal logs, by scenario");
    public static readonly Histogram<double> JournalAppendDuration = Meter.CreateHistogram<double>("borderwatch.journal.append.duration", "s", "Time storage took to confirm an append");

    public static readonly Histogram<double> LiveLag = Meter.CreateHistogram<double>("borderwatch.live.lag", "s",
        "From a change accepted on a silo to its being sent to a dashboard (the oldest change of each message)");
    public static readonly UpDownCounter<long> Dashboards = Meter.CreateUpDownCounter<long>("borderwatch.live.dashboards", "{connection}", "Dashboard connections open");

    public static readonly Counter<long> AlertEvaluations = Meter.CreateCounter<long>("borderwatch.alerts.evaluations", "{evaluation}", "Judgements of changed sectors and their routes");
    public static readonly Counter<long> AlertsFired = Meter.CreateCounter<long>("borderwatch.alerts.fired", "{alert}", "Alerts that fired, by target kind");
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("borderwatch.webhooks.deliveries", "{delivery}", "Webhook notices delivered or dead-lettered, by webhook and outcome");

    // Kept as a number, not only as an instrument: /api/diagnostics/memory reports it, so that `borderwatch bench`
    // can wait for idle assets to leave memory before it measures their return.
    private static long s_assetsInMemory;
    private static readonly ObservableUpDownCounter<long> AssetsActive = Meter.CreateObservableUpDownCounter("borderwatch.assets.active",
        () => AssetsInMemory, "{asset}", "Assets in memory, in their fleets");

    public static long AssetsInMemory => Interlocked.Read(ref s_assetsInMemory);
    public static void AssetsLoaded(long change) => Interlocked.Add(ref s_assetsInMemory, change);

    // Gauges of state held in grains: each grain reports its scenario's figure here when it changes; the meter reads
    // the latest of each when it is collected.
    private static readonly ConcurrentDictionary<string, long> s_firing = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> s_stale = new(StringComparer.Ordinal);
    private static readonly ObservableGauge<long> FiringGauge = Meter.CreateObservableGauge("borderwatch.alerts.firing", () => Read(s_firing), "{alert}",
        "Alerts firing (not acknowledged, not resolved), by scenario; from the alert books active on this silo");
    private static readonly ObservableGauge<long> StaleGauge = Meter.CreateObservableGauge("borderwatch.assets.stale", () => Read(s_stale), "{asset}",
        "Assets silent longer than BorderWatch:Assets:StaleAfter on their scenario's clock, by scenario; from the asset indexes on this silo");

    public static void Firing(string scenario, long? alerts) => Set(s_firing, scenario, alerts);
    public static void Stale(string scenario, long? assets) => Set(s_stale, scenario, assets);

    /// <summary>Null: the grain that held the figure is going.</summary>
    private static void Set(ConcurrentDictionary<string, long> gauge, string scenario, long? value)
    {
        if (value is { } v) gauge[scenario] = v;
        else gauge.TryRemove(scenario, out _);
    }

    private static IEnumerable<Measurement<long>> Read(ConcurrentDictionary<string, long> gauge) =>
        gauge.Select(kv => new Measurement<long>(kv.Value, Tag("scenario", kv.Key)));

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
