using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BorderWatch.Grains.Alerting;

/// <summary>
/// Turns alert changes (fired, acknowledged, resolved) into webhook notices: one for each webhook that hears the
/// alert's scenario, written to that webhook's outbox (<see cref="WebhookGrain"/>) before the alert book answers.
/// The silos' <see cref="WebhookSender"/>s deliver them, so a slow or dead receiver never holds up evaluation.
/// </summary>
public sealed class AlertNotifier(IGrainFactory grains, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertNotifier> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>A notice of the alert as it is now (serialized here: the book goes on changing it); null when no webhook hears the scenario.</summary>
    public WebhookNotice? Notice(string scenario, string what, Alert alert)
    {
        if (!options.Value.Webhooks.Any(h => h.Covers(scenario))) return null;
        var body = JsonSerializer.Serialize(new { @event = what, scenario, alert }, Json);
        // Named by what it says, so that queuing it again (a retried call) changes nothing.
        return new WebhookNotice($"{scenario}/{alert.Id}/v{alert.Version}/{what}", scenario, alert.Id, alert.Version, what, body, time.GetUtcNow());
    }

    /// <summary>Writes each notice to the outbox of every webhook that hears its scenario.</summary>
    public async Task QueueAsync(IReadOnlyList<WebhookNotice> notices)
    {
        foreach (var notice in notices)
        {
            foreach (var hook in options.Value.Webhooks.Where(h => h.Covers(notice.Scenario)))
            {
                try
                {
                    await grains.GetGrain<IWebhookGrain>(hook.Name).QueueAsync(notice);
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Alert notice {Alert} v{Version} could not be queued for webhook {Webhook}", notice.AlertId, notice.Version, hook.Name);
                }
            }
        }
    }
}
