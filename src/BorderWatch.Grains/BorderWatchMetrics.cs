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

    public static readonly Histogram<double> LivePublishDelay = Meter.CreateHistogram<double>("borderwatch.live.publish.delay", "s",
        "On a silo: from the first change of a round to the round going to the front ends");
    public static readonly Histogram<double> LiveSendDelay = Meter.CreateHistogram<double>("borderwatch.live.send.delay", "s",
        "On a front end: from a change reaching a dashboard's queue to its being sent");
    public static readonly UpDownCounter<long> Dashboards = Meter.CreateUpDownCounter<long>("borderwatch.live.dashboards", "{connection}", "Dashboard connections open");

    public static readonly Counter<long> AlertEvaluations = Meter.CreateCounter<long>("borderwatch.alerts.evaluations", "{evaluation}", "Judgements of changed sectors and their routes");
    public static readonly Counter<long> AlertsFired = Meter.CreateCounter<long>("borderwatch.alerts.fired", "{alert}", "Alerts that fired, by target kind");
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("borderwatch.webhooks.deliveries", "{delivery}", "Webhook notices delivered or dead-lettered, by webhook and outcome");

    public static readonly UpDownCounter<long> AssetsActive = Meter.CreateUpDownCounter<long>("borderwatch.assets.active", "{asset}", "Asset grains in memory");

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
