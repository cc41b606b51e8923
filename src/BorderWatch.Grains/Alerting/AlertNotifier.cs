using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Alerting;

/// <summary>
/// One per silo: posts alert notices (fired, acknowledged, resolved) to the configured webhooks as JSON, retrying
/// with doubling backoff; after the last try the notice is dead-lettered on its alert (and logged). Alert grains only
/// queue a notice, so a slow or dead webhook never holds up evaluation, let alone ingest.
/// </summary>
public sealed class AlertNotifier(IGrainFactory grains, IOptions<AlertOptions> options, ILogger<AlertNotifier> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly Channel<Notice> _queue = Channel.CreateBounded<Notice>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private sealed record Notice(string Scenario, string AlertId, int Version, string Body);

    /// <summary>Queues a notice of the alert as it is now (serialized here: the grain goes on changing it).</summary>
    public void Enqueue(string scenario, string what, Alert alert)
    {
        if (options.Value.Webhooks.Count == 0) return;
        var body = JsonSerializer.Serialize(new { @event = what, scenario, alert }, Json);
        if (!_queue.Writer.TryWrite(new Notice(scenario, alert.Id, alert.Version, body)))
            logger.LogError("Alert notice {Alert} v{Version} dropped: {Count} notices are waiting for the webhooks", alert.Id, alert.Version, _queue.Reader.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var sending = new SemaphoreSlim(8);
        await foreach (var notice in _queue.Reader.ReadAllAsync(stopping))
        {
            foreach (var hook in options.Value.Webhooks)
            {
                await sending.WaitAsync(stopping);
                _ = Task.Run(async () =>
                {
                    try { await DeliverAsync(notice, hook, stopping); }
                    finally { sending.Release(); }
                }, stopping);
            }
        }
    }

    private async Task DeliverAsync(Notice notice, WebhookOptions hook, CancellationToken stopping)
    {
        var delay = hook.FirstRetry;
        string? error = null;
        for (var attempt = 1; attempt <= hook.Attempts; attempt++)
        {
            try
            {
                using var content = new StringContent(notice.Body, System.Text.Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync(hook.Url, content, stopping);
                if (response.IsSuccessStatusCode)
                {
                    await RecordAsync(notice, new DeliveryRecord(hook.Url, notice.Version, true, attempt, DateTimeOffset.UtcNow, null));
                    return;
                }
                error = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
            {
                error = e.Message;
            }
            if (attempt < hook.Attempts) await Task.Delay(delay, stopping);
            delay *= 2;
        }
        logger.LogWarning("Alert notice {Alert} v{Version} to {Webhook} dead-lettered after {Attempts} tries: {Error}", notice.AlertId, notice.Version, hook.Url, hook.Attempts, error);
        await RecordAsync(notice, new DeliveryRecord(hook.Url, notice.Version, false, hook.Attempts, DateTimeOffset.UtcNow, error));
    }

    private async Task RecordAsync(Notice notice, DeliveryRecord record)
    {
        try
        {
            await grains.GetGrain<IAlertsGrain>(notice.Scenario).RecordDeliveryAsync(notice.AlertId, record);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not record the delivery of {Alert}", notice.AlertId);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
